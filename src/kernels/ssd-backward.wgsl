// SSD (Mamba-2) scan backward, rows pass, after ssd-common.wgsl: dx and the per-row partials of dΔ, dA,
// dD. One workgroup per (b, h), one invocation per row p of the adjoint ĥ_p (registers, NV vec4s over
// N), walked back in time; no forward state is needed (ssd-backward.ts derives ∂ℓ from y):
//   ĥ_p += ŷ_p C_t;  dx_p = D ŷ_p + Δ (ĥ_p·B_t);  σ_p += ŷ_p (y_p − D x_p) − Δ x_p (ĥ_p·B_t);
//   dΔ_p = x_p (ĥ_p·B_t) + A σ_p;  dA_p += Δ σ_p;  dD_p += ŷ_p x_p;  ĥ_p ← exp(Δ A) ĥ_p.
// No barriers: the sums over rows p are left to the host (sums of the partials in a fixed order).
struct Params {
  T: u32, H: u32, P: u32, N: u32, G: u32,
  flags: u32, // 1 = add into dx
  // Scratch offsets: dΔ partials (P, B·T·H), dA and dD partials (P, B, H).
  offDt: u32, offA: u32, offD: u32, B: u32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dx: array<f32>;      // (B, T, H, P)
@group(0) @binding(2) var<storage, read_write> scratch: array<f32>;
@group(0) @binding(3) var<storage, read> y: array<f32>;             // (B, T, H, P), the forward's output
@group(0) @binding(9) var<storage, read> D: array<f32>;             // (H)
@group(0) @binding(10) var<storage, read> dout: array<f32>;         // (B, T, H, P)

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) j: u32) {
  let b = wg.y;
  let h = wg.x;
  let g = groupOf(h);
  let Ah = A[h];
  let Dh = D[h];
  let rows = p.B * p.T * p.H;
  var sh: array<vec4f, MAX_NV>;
  for (var c = 0u; c < NV; c++) { sh[c] = vec4f(0.0); }
  var sigma = 0.0;
  var accA = 0.0;
  var accD = 0.0;
  for (var t = p.T; t > 0u; t--) {
    let r = (b * p.T + t - 1u) * p.H + h;
    let bc = ((b * p.T + t - 1u) * p.G + g) * p.N;
    let i = r * p.P + j;
    let d = dt[r];
    let xv = xAt(i);
    let od = dout[i];
    var hb = vec4f(0.0);
    for (var c = 0u; c < NV; c++) {
      sh[c] = fma(rowC(bc, c), vec4f(od), sh[c]);
      hb = fma(sh[c], rowB(bc, c), hb);
    }
    let hB = dot(hb, vec4f(1.0));
    let gx = Dh * od + d * hB;
    if ((p.flags & 1u) != 0u) { dx[i] += gx; } else { dx[i] = gx; }
    sigma += od * (y[i] - Dh * xv) - d * xv * hB;
    scratch[p.offDt + j * rows + r] = xv * hB + Ah * sigma;
    accA += d * sigma;
    accD += od * xv;
    let a = exp(d * Ah);
    for (var c = 0u; c < NV; c++) { sh[c] *= a; }
  }
  scratch[p.offA + (j * p.B + b) * p.H + h] = accA;
  scratch[p.offD + (j * p.B + b) * p.H + h] = accD;
}
