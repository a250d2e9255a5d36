// SSD (Mamba-2) scan forward, after ssd-common.wgsl. One workgroup per (b, h), one invocation per row p
// of the state H (P × N), held in registers (NV vec4s):
//   h_p ← exp(Δ_t A_h) h_p + Δ_t x_tp B_t;  y_tp = h_p·C_t + D_h x_tp.
// Rows are independent (the decay is a scalar per head): no barriers, no workgroup memory. The state
// never leaves registers (the backward needs only y, see ssd-backward.ts). The decode step is this
// kernel with T = 1 and the state read and written back.
struct Params {
  T: u32, H: u32, P: u32, N: u32, G: u32,
  flags: u32, // 1 = state: read as H_0, overwritten with H_T
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;     // (B, T, H, P)
@group(0) @binding(2) var<storage, read_write> state: array<f32>; // (B, H, P, N)
@group(0) @binding(3) var<storage, read> D: array<f32>;           // (H)

fn loadState(at: u32, c: u32) -> vec4f {
  var s = vec4f(0.0);
  for (var l = 0u; l < 4u; l++) {
    if (c * 4u + l < p.N) { s[l] = state[at + c * 4u + l]; }
  }
  return s;
}

fn storeState(at: u32, c: u32, s: vec4f) {
  for (var l = 0u; l < 4u; l++) {
    if (c * 4u + l < p.N) { state[at + c * 4u + l] = s[l]; }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) j: u32) {
  let b = wg.y;
  let h = wg.x;
  let g = groupOf(h);
  let at = ((b * p.H + h) * p.P + j) * p.N;
  let Ah = A[h];
  let Dh = D[h];
  var s: array<vec4f, MAX_NV>;
  for (var c = 0u; c < NV; c++) {
    if ((p.flags & 1u) != 0u) { s[c] = loadState(at, c); } else { s[c] = vec4f(0.0); }
  }
  for (var t = 0u; t < p.T; t++) {
    let r = (b * p.T + t) * p.H + h;
    let bc = ((b * p.T + t) * p.G + g) * p.N;
    let d = dt[r];
    let a = exp(d * Ah);
    let xv = xAt(r * p.P + j);
    let u = vec4f(d * xv);
    var acc = vec4f(0.0);
    for (var c = 0u; c < NV; c++) {
      s[c] = fma(rowB(bc, c), u, a * s[c]);
      acc = fma(s[c], rowC(bc, c), acc);
    }
    y[r * p.P + j] = dot(acc, vec4f(1.0)) + Dh * xv;
  }
  if ((p.flags & 1u) != 0u) {
    for (var c = 0u; c < NV; c++) { storeState(at, c, s[c]); }
  }
}
