// SSD (Mamba-2) scan backward, rows pass, after ssd-common.wgsl: dx and the per-row partials of dΔ, dA,
// dD. One workgroup per (b, h), one invocation per row p of the state h_p and of its adjoint ĥ_p
// (registers, NV vec4s over N). Chunks are walked in reverse: from the chunk's saved start state each
// invocation recomputes its row h_{t−1} for every step of the chunk into its own scratch slots (no
// barrier), then walks back over the chunk with a = exp(Δ A), ℓ = Δ A the log-decay:
//   ĥ_p += ŷ_p C_t;  dx_p = D ŷ_p + Δ (ĥ_p·B_t);  ∂ℓ_p = a (ĥ_p·h_{t−1,p});
//   dΔ_p = x_p (ĥ_p·B_t) + A ∂ℓ_p;  dA_p = Σ_t Δ ∂ℓ_p;  dD_p = Σ_t ŷ_p x_p;  ĥ_p ← a ĥ_p.
// The sums over rows p are left to the host (column sums of the partials, fixed order, no atomics).
struct Params {
  T: u32, H: u32, P: u32, N: u32, G: u32, nChunks: u32,
  flags: u32, // 1 = add into dx
  // Scratch offsets: dΔ partials (P, B·T·H), dA and dD partials (P, B, H), per-step states (B, H, CHUNK, P, N).
  offDt: u32, offA: u32, offD: u32, offW: u32, B: u32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dx: array<f32>;      // (B, T, H, P)
@group(0) @binding(2) var<storage, read_write> scratch: array<f32>;
@group(0) @binding(3) var<storage, read> chunkStates: array<f32>;   // (B, H, nChunks, P, N)
@group(0) @binding(9) var<storage, read> D: array<f32>;             // (H)
@group(0) @binding(10) var<storage, read> dout: array<f32>;         // (B, T, H, P)

fn loadChunkState(at: u32, c: u32) -> vec4f {
  let i = at + c * 4u;
  let m = lanes(c, p.N);
  return select(vec4f(0.0), vec4f(chunkStates[i], chunkStates[i + 1u], chunkStates[i + 2u], chunkStates[i + 3u]), m);
}

fn storeScratch(at: u32, c: u32, s: vec4f) {
  for (var l = 0u; l < 4u; l++) {
    if (c * 4u + l < p.N) { scratch[at + c * 4u + l] = s[l]; }
  }
}

fn loadScratch(at: u32, c: u32) -> vec4f {
  let i = at + c * 4u;
  return select(vec4f(0.0), vec4f(scratch[i], scratch[i + 1u], scratch[i + 2u], scratch[i + 3u]), lanes(c, p.N));
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) j: u32) {
  let b = wg.y;
  let h = wg.x;
  let bh = b * p.H + h;
  let g = groupOf(h);
  let Ah = A[h];
  let Dh = D[h];
  let rows = p.B * p.T * p.H;
  var s: array<vec4f, MAX_NV>;
  var sh: array<vec4f, MAX_NV>;
  for (var c = 0u; c < NV; c++) { sh[c] = vec4f(0.0); }
  var accA = 0.0;
  var accD = 0.0;
  for (var kk = p.nChunks; kk > 0u; kk--) {
    let t0 = (kk - 1u) * CHUNK;
    let steps = min(CHUNK, p.T - t0);
    let atChunk = ((bh * p.nChunks + kk - 1u) * p.P + j) * p.N;
    for (var c = 0u; c < NV; c++) { s[c] = loadChunkState(atChunk, c); }
    for (var st = 0u; st < steps; st++) {
      let w = p.offW + ((bh * CHUNK + st) * p.P + j) * p.N;
      let r = (b * p.T + t0 + st) * p.H + h;
      let bc = ((b * p.T + t0 + st) * p.G + g) * p.N;
      let d = dt[r];
      let a = exp(d * Ah);
      let u = vec4f(d * x[r * p.P + j]);
      for (var c = 0u; c < NV; c++) {
        storeScratch(w, c, s[c]);
        s[c] = fma(rowB(bc, c), u, a * s[c]);
      }
    }
    for (var st = steps; st > 0u; st--) {
      let w = p.offW + ((bh * CHUNK + st - 1u) * p.P + j) * p.N;
      let r = (b * p.T + t0 + st - 1u) * p.H + h;
      let bc = ((b * p.T + t0 + st - 1u) * p.G + g) * p.N;
      let d = dt[r];
      let a = exp(d * Ah);
      let xv = x[r * p.P + j];
      let od = dout[r * p.P + j];
      var hb = vec4f(0.0);
      var hs = vec4f(0.0);
      for (var c = 0u; c < NV; c++) {
        sh[c] = fma(rowC(bc, c), vec4f(od), sh[c]);
        hb = fma(sh[c], rowB(bc, c), hb);
        hs = fma(sh[c], loadScratch(w, c), hs);
      }
      let hB = dot(hb, vec4f(1.0));
      let dl = a * dot(hs, vec4f(1.0));
      let i = r * p.P + j;
      let gx = Dh * od + d * hB;
      if ((p.flags & 1u) != 0u) { dx[i] += gx; } else { dx[i] = gx; }
      scratch[p.offDt + j * rows + r] = xv * hB + Ah * dl;
      accA += d * dl;
      accD += od * xv;
      for (var c = 0u; c < NV; c++) { sh[c] *= a; }
    }
  }
  scratch[p.offA + (j * p.B + b) * p.H + h] = accA;
  scratch[p.offD + (j * p.B + b) * p.H + h] = accD;
}
