// Mixer activations (softplus, sigmoid, exp, tanh, relu²) and backwards dx (+)= f′(x)·dy for all but exp.
struct Params { n: u32, op: u32, accumulate: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<storage, read> a: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;

const WG = 256u;
// Unary op codes (activations.ts UNARY).
const SOFTPLUS = 0u;
const SIGMOID = 1u;
const EXP = 2u;
const TANH = 3u;
// Binary op codes (activations.ts BINARY).
const SOFTPLUS_BACKWARD = 0u;
const SIGMOID_BACKWARD = 1u;
const TANH_BACKWARD = 2u;

fn sigmoid(x: f32) -> f32 {
  return 1.0 / (1.0 + exp(-x));
}

// log(1 + e^x) = max(x, 0) + log1p(e^−|x|), with log1p(e) = log(u)·e/(u − 1), u = 1 + e (exact when u = 1).
fn softplus(x: f32) -> f32 {
  let e = exp(-abs(x));
  let u = 1.0 + e;
  return max(x, 0.0) + select(log(u) * e / (u - 1.0), e, u == 1.0);
}

// tanh without overflow for large |u| (exp(−2|u|) ≤ 1).
fn safeTanh(u: f32) -> f32 {
  let e = exp(-2.0 * abs(u));
  return sign(u) * (1.0 - e) / (1.0 + e);
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
    case EXP: { store(i, exp(x)); }
    case TANH: { store(i, safeTanh(x)); }
    default: { store(i, max(x, 0.0) * max(x, 0.0)); }
  }
}

@compute @workgroup_size(WG)
fn binary(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = index(gid, nwg);
  if (i >= p.n) { return; }
  let x = a[i];
  switch (p.op) {
    case SOFTPLUS_BACKWARD: { store(i, sigmoid(x) * b[i]); }
    case SIGMOID_BACKWARD: {
      let s = sigmoid(x);
      store(i, s * (1.0 - s) * b[i]);
    }
    case TANH_BACKWARD: {
      let t = safeTanh(x);
      store(i, (1.0 - t * t) * b[i]);
    }
    default: { store(i, 2.0 * max(x, 0.0) * b[i]); }
  }
}
