// Elementwise maps over n values, optionally accumulated into the output (dst += f(…)): fill,
// unary (scale, GELU, SiLU), binary (add, mul, SwiGLU, GELU/SiLU backward; b may be a broadcast row).
struct Params { n: u32, op: u32, accumulate: u32, cols: u32, s: f32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<storage, read> a: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;

const WG = 256u;
// Unary op codes (elementwise.ts UNARY).
const SCALE = 0u;
const GELU = 1u;
const SILU = 2u;
// Binary op codes (elementwise.ts BINARY).
const ADD = 0u;
const MUL = 1u;
const SWIGLU = 2u;
const GELU_BACKWARD = 3u;
const SILU_BACKWARD = 4u;

const GELU_K = 0.7978845608028654; // √(2/π)
const GELU_C = 0.044715;

// tanh without overflow for large |u| (exp(−2|u|) ≤ 1).
fn safeTanh(u: f32) -> f32 {
  let e = exp(-2.0 * abs(u));
  return sign(u) * (1.0 - e) / (1.0 + e);
}

fn sigmoid(x: f32) -> f32 {
  return 1.0 / (1.0 + exp(-x));
}

fn gelu(x: f32) -> f32 {
  return 0.5 * x * (1.0 + safeTanh(GELU_K * (x + GELU_C * x * x * x)));
}

fn geluGrad(x: f32) -> f32 {
  let t = safeTanh(GELU_K * (x + GELU_C * x * x * x));
  return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * GELU_K * (1.0 + 3.0 * GELU_C * x * x);
}

fn siluGrad(x: f32) -> f32 {
  let s = sigmoid(x);
  return s * (1.0 + x * (1.0 - s));
}

fn index(gid: vec3u, nwg: vec3u) -> u32 {
  return gid.x + gid.y * nwg.x * WG;
}

fn store(i: u32, v: f32) {
  if (p.accumulate == 1u) { dst[i] += v; } else { dst[i] = v; }
}

@compute @workgroup_size(WG)
fn fill(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = index(gid, nwg);
  if (i < p.n) { dst[i] = p.s; }
}

@compute @workgroup_size(WG)
fn unary(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = index(gid, nwg);
  if (i >= p.n) { return; }
  let x = a[i];
  switch (p.op) {
    case SCALE: { store(i, p.s * x); }
    case GELU: { store(i, gelu(x)); }
    case SILU, default: { store(i, x * sigmoid(x)); }
  }
}

@compute @workgroup_size(WG)
fn binary(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = index(gid, nwg);
  if (i >= p.n) { return; }
  let x = a[i];
  let y = b[select(i, i % p.cols, p.cols > 0u)];
  switch (p.op) {
    case ADD: { store(i, x + y); }
    case MUL: { store(i, x * y); }
    case SWIGLU: { store(i, x * sigmoid(x) * y); }
    case GELU_BACKWARD: { store(i, geluGrad(x) * y); }
    case SILU_BACKWARD, default: { store(i, siluGrad(x) * y); }
  }
}
