// Mixer activations (softplus, sigmoid, exp) and backwards dx (+)= f′(x)·dy for softplus and sigmoid.
struct Params { n: u32, op: u32, accumulate: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<storage, read> a: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;

const WG = 256u;
// Unary op codes (activations.ts UNARY).
const SOFTPLUS = 0u;
const SIGMOID = 1u;
// Binary op codes (activations.ts BINARY).
const SOFTPLUS_BACKWARD = 0u;

fn sigmoid(x: f32) -> f32 {
  return 1.0 / (1.0 + exp(-x));
}

// log(1 + e^x) = max(x, 0) + log1p(e^−|x|), with log1p(e) = log(u)·e/(u − 1), u = 1 + e (exact when u = 1).
fn softplus(x: f32) -> f32 {
  let e = exp(-abs(x));
  let u = 1.0 + e;
  return max(x, 0.0) + select(log(u) * e / (u - 1.0), e, u == 1.0);
}

fn index(gid: vec3u, nwg: vec3u) -> u32 {
  return gid.x + gid.y * nwg.x * WG;
}

fn store(i: u32, v: f32) {
  if (p.accumulate == 1u) { dst[i] += v; } else { dst[i] = v; }
}

@compute @workgroup_size(WG)
fn unary(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = index(gid, nwg);
  if (i >= p.n) { return; }
  let x = a[i];
  switch (p.op) {
    case SOFTPLUS: { store(i, softplus(x)); }
    case SIGMOID: { store(i, sigmoid(x)); }
    default: { store(i, exp(x)); }
  }
}

@compute @workgroup_size(WG)
fn binary(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = index(gid, nwg);
  if (i >= p.n) { return; }
  let s = sigmoid(a[i]);
  switch (p.op) {
    case SOFTPLUS_BACKWARD: { store(i, s * b[i]); }
    default: { store(i, s * (1.0 - s) * b[i]); }
  }
}
