// AdamW step for one tensor (PyTorch semantics, decoupled weight decay) with global-norm clipping
// read from the gradNorm buffer; a non-finite norm (bit-tested) skips the step and keeps p, m, v.
struct Params {
  n: u32,
  beta1: f32, beta2: f32, eps: f32, weightDecay: f32, maxNorm: f32,
  lr: f32, bc1: f32, bc2: f32, // live: learning rate, 1 − β1ᵗ, 1 − β2ᵗ
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read_write> m: array<f32>;
@group(0) @binding(3) var<storage, read_write> v: array<f32>;
@group(0) @binding(4) var<storage, read> grad: array<f32>;
@group(0) @binding(5) var<storage, read> norm: array<u32>;

const WG = 256u;
const EXP = 0x7f800000u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * (nwg.x * WG);
  let bits = norm[0];
  if (i >= p.n || (bits & EXP) == EXP) { return; }
  var scale = 1.0;
  if (p.maxNorm > 0.0) { scale = min(1.0, p.maxNorm / (bitcast<f32>(bits) + 1e-6)); }
  let g = grad[i] * scale;
  let mi = p.beta1 * m[i] + (1.0 - p.beta1) * g;
  let vi = p.beta2 * v[i] + (1.0 - p.beta2) * g * g;
  m[i] = mi;
  v[i] = vi;
  let decayed = param[i] * (1.0 - p.lr * p.weightDecay);
  param[i] = decayed - p.lr * (mi / p.bc1) / (sqrt(vi / p.bc2) + p.eps);
}
