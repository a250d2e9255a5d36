// WKV-7 backward, row pass, after wkv7-common.wgsl. One workgroup per (b, h), one invocation per row i of
// the adjoint Ŝ = ∂L/∂S (registers, NV vec4s). The adjoint never needs S itself (the update is linear
// in S), so it runs backwards over all of T from Ŝ_T = 0 with no chunk states:
//   Ŝ_t[i] += dy_i r;  dv_i = Ŝ_t[i]·k;  dsa_i = Ŝ_t[i]·β;  Ŝ_{t−1}[i] = Ŝ_t[i] ⊙ w + dsa_i α.
// dsa goes to scratch for the column pass; dv is final.
struct Params { T: u32, H: u32, n: u32, accumulate: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dv: array<f32>;  // (B, T, H, N)
@group(0) @binding(2) var<storage, read_write> dsa: array<f32>; // (B, T, H, N)
@group(0) @binding(3) var<storage, read> dy: array<f32>;        // (B, T, H, N)
@group(0) @binding(4) var<storage, read> packed: array<f32>;    // (B, T, H, 6, N)

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) i: u32) {
  let b = wg.y;
  let h = wg.x;
  var sh: array<vec4f, MAX_NV>;
  for (var c = 0u; c < NV; c++) { sh[c] = vec4f(0.0); }
  for (var t = p.T; t > 0u; t--) {
    let row = (b * p.T + t - 1u) * p.H + h;
    let dyi = dy[row * p.n + i];
    var dv4 = vec4f(0.0);
    var dsa4 = vec4f(0.0);
    for (var c = 0u; c < NV; c++) {
      sh[c] = fma(vecOf(row, R_, c), vec4f(dyi), sh[c]);
      dv4 = fma(sh[c], vecOf(row, K_, c), dv4);
      dsa4 = fma(sh[c], vecOf(row, KK_, c) * vecOf(row, A_, c), dsa4);
    }
    let g = dot(dsa4, vec4f(1.0));
    let e = row * p.n + i;
    if (p.accumulate == 1u) { dv[e] += dot(dv4, vec4f(1.0)); } else { dv[e] = dot(dv4, vec4f(1.0)); }
    dsa[e] = g;
    for (var c = 0u; c < NV; c++) { sh[c] = fma(sh[c], vecOf(row, W_, c), -g * vecOf(row, KK_, c)); }
  }
}
