// Elementwise maps over n values, optionally accumulated into the output (dst += f(…)): fill,
// unary (scale, GELU, SiLU), binary (add, mul, SwiGLU, GELU/SiLU backward; b may be a broadcast row).
// Every invocation maps 4 consecutive values: the *Vec4 entries with vec4 loads and stores (n % 4 == 0,
// and cols % 4 == 0 for a broadcast row), the others with guarded scalar loads and stores. Software
// adapters (SwiftShader) pay mostly per invocation: 4 values each made add and SwiGLU ~2.7× faster there.
struct Params { n: u32, op: u32, accumulate: u32, cols: u32, s: f32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<storage, read> a: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;
// The same bindings seen as vec4s, used only by the *Vec4 entries (an entry never uses both views).
@group(0) @binding(1) var<storage, read_write> dst4: array<vec4f>;
@group(0) @binding(2) var<storage, read> a4: array<vec4f>;
@group(0) @binding(3) var<storage, read> b4: array<vec4f>;

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
fn safeTanh(u: vec4f) -> vec4f {
  let e = exp(-2.0 * abs(u));
  return sign(u) * (1.0 - e) / (1.0 + e);
}

fn sigmoid(x: vec4f) -> vec4f {
  return 1.0 / (1.0 + exp(-x));
}

fn gelu(x: vec4f) -> vec4f {
  return 0.5 * x * (1.0 + safeTanh(GELU_K * (x + GELU_C * x * x * x)));
}

fn geluGrad(x: vec4f) -> vec4f {
  let t = safeTanh(GELU_K * (x + GELU_C * x * x * x));
  return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * GELU_K * (1.0 + 3.0 * GELU_C * x * x);
}

fn siluGrad(x: vec4f) -> vec4f {
  let s = sigmoid(x);
  return s * (1.0 + x * (1.0 - s));
}

fn unaryOp(x: vec4f) -> vec4f {
  var v: vec4f;
  switch (p.op) {
    case SCALE: { v = p.s * x; }
    case GELU: { v = gelu(x); }
    case SILU, default: { v = x * sigmoid(x); }
  }
  return v;
}

fn binaryOp(x: vec4f, y: vec4f) -> vec4f {
  var v: vec4f;
  switch (p.op) {
    case ADD: { v = x + y; }
    case MUL: { v = x * y; }
    case SWIGLU: { v = x * sigmoid(x) * y; }
    case GELU_BACKWARD: { v = geluGrad(x) * y; }
    case SILU_BACKWARD, default: { v = siluGrad(x) * y; }
  }
  return v;
}

// The invocation's index on the 1-D or 2-D grid (dispatch.ts `grid`).
fn index(gid: vec3u, nwg: vec3u) -> u32 {
  return gid.x + gid.y * nwg.x * WG;
}

// ---- Scalar path: values i … i + 3, those at or past n left alone (loads clamp to n − 1).

fn lanes(i: u32) -> vec4u {
  return min(vec4u(i, i + 1u, i + 2u, i + 3u), vec4u(p.n - 1u));
}

fn loadA(i: u32) -> vec4f {
  let j = lanes(i);
  return vec4f(a[j.x], a[j.y], a[j.z], a[j.w]);
}

fn loadB(i: u32) -> vec4f {
  let j = lanes(i);
  let k = select(j, j % p.cols, p.cols > 0u);
  return vec4f(b[k.x], b[k.y], b[k.z], b[k.w]);
}

fn store(i: u32, v: vec4f) {
  for (var k = 0u; k < 4u && i + k < p.n; k++) {
    if (p.accumulate == 1u) { dst[i + k] += v[k]; } else { dst[i + k] = v[k]; }
  }
}

@compute @workgroup_size(WG)
fn fill(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = 4u * index(gid, nwg);
  for (var k = 0u; k < 4u && i + k < p.n; k++) { dst[i + k] = p.s; }
}

@compute @workgroup_size(WG)
fn unary(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = 4u * index(gid, nwg);
  if (i < p.n) { store(i, unaryOp(loadA(i))); }
}

@compute @workgroup_size(WG)
fn binary(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = 4u * index(gid, nwg);
  if (i < p.n) { store(i, binaryOp(loadA(i), loadB(i))); }
}

// ---- Vec4 path: vec4 i holds values 4i … 4i + 3.

fn store4(i: u32, v: vec4f) {
  if (p.accumulate == 1u) { dst4[i] += v; } else { dst4[i] = v; }
}

@compute @workgroup_size(WG)
fn fillVec4(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = index(gid, nwg);
  if (i < p.n / 4u) { dst4[i] = vec4f(p.s); }
}

@compute @workgroup_size(WG)
fn unaryVec4(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = index(gid, nwg);
  if (i < p.n / 4u) { store4(i, unaryOp(a4[i])); }
}

@compute @workgroup_size(WG)
fn binaryVec4(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = index(gid, nwg);
  if (i < p.n / 4u) { store4(i, binaryOp(a4[i], b4[select(i, i % (p.cols / 4u), p.cols > 0u)])); }
}
