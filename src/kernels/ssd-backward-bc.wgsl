// SSD (Mamba-2) scan backward, columns pass, after ssd-common.wgsl: per-head partials of dB and dC.
// One workgroup per (b, h), one invocation per column n of the state H[:, n] and of its adjoint Ĥ[:, n]
// (registers, NV vec4s over P): both recurrences are local to a column,
//   H[:, n] ← a H[:, n] + Δ B_tn x_t;  Ĥ[:, n] ← ŷ_t C_tn + a Ĥ[:, n],
// and so are the gradients: dC_tn = ŷ_t·H_t[:, n], dB_tn = Δ x_t·Ĥ_t[:, n]. Chunks are walked in reverse:
// each invocation recomputes H_t[:, n] over the chunk into its own scratch slots, then walks back. The
// heads of a group are summed by the host (column sums over the head-in-group rows of the partials).
struct Params {
  T: u32, H: u32, P: u32, N: u32, G: u32, nChunks: u32,
  // Scratch offsets: dB and dC partials (H/G, B, T, G, N), per-step states (B, H, CHUNK, N, P).
  offB: u32, offC: u32, offW: u32, B: u32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> scratch: array<f32>;
@group(0) @binding(2) var<storage, read> chunkStates: array<f32>; // (B, H, nChunks, P, N)
@group(0) @binding(3) var<storage, read> dout: array<f32>;        // (B, T, H, P)

// Components 4c … 4c + 3 of column n of the chunk state whose row 0 starts at `at`, zero past P.
fn loadChunkColumn(at: u32, c: u32) -> vec4f {
  var s = vec4f(0.0);
  for (var l = 0u; l < 4u; l++) {
    if (c * 4u + l < p.P) { s[l] = chunkStates[at + (c * 4u + l) * p.N]; }
  }
  return s;
}

fn rowDout(i0: u32, c: u32) -> vec4f {
  let i = i0 + c * 4u;
  return select(vec4f(0.0), vec4f(dout[i], dout[i + 1u], dout[i + 2u], dout[i + 3u]), lanes(c, p.P));
}

fn storeScratch(at: u32, c: u32, s: vec4f) {
  for (var l = 0u; l < 4u; l++) {
    if (c * 4u + l < p.P) { scratch[at + c * 4u + l] = s[l]; }
  }
}

fn loadScratch(at: u32, c: u32) -> vec4f {
  let i = at + c * 4u;
  return select(vec4f(0.0), vec4f(scratch[i], scratch[i + 1u], scratch[i + 2u], scratch[i + 3u]), lanes(c, p.P));
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) n: u32) {
  let b = wg.y;
  let h = wg.x;
  let bh = b * p.H + h;
  let g = groupOf(h);
  let hg = h % (p.H / p.G);
  let Ah = A[h];
  var s: array<vec4f, MAX_NV>;
  var sh: array<vec4f, MAX_NV>;
  for (var c = 0u; c < NV; c++) { sh[c] = vec4f(0.0); }
  for (var kk = p.nChunks; kk > 0u; kk--) {
    let t0 = (kk - 1u) * CHUNK;
    let steps = min(CHUNK, p.T - t0);
    let atChunk = (bh * p.nChunks + kk - 1u) * p.P * p.N + n;
    for (var c = 0u; c < NV; c++) { s[c] = loadChunkColumn(atChunk, c); }
    for (var st = 0u; st < steps; st++) {
      let w = p.offW + ((bh * CHUNK + st) * p.N + n) * p.P;
      let r = (b * p.T + t0 + st) * p.H + h;
      let bc = ((b * p.T + t0 + st) * p.G + g) * p.N;
      let d = dt[r];
      let a = exp(d * Ah);
      let u = vec4f(d * Bm[bc + n]);
      for (var c = 0u; c < NV; c++) {
        s[c] = fma(rowX(r * p.P, c), u, a * s[c]);
        storeScratch(w, c, s[c]);
      }
    }
    for (var st = steps; st > 0u; st--) {
      let w = p.offW + ((bh * CHUNK + st - 1u) * p.N + n) * p.P;
      let bt = b * p.T + t0 + st - 1u;
      let r = bt * p.H + h;
      let bc = (bt * p.G + g) * p.N;
      let d = dt[r];
      let a = exp(d * Ah);
      let cn = vec4f(C[bc + n]);
      var dc = vec4f(0.0);
      var db = vec4f(0.0);
      for (var c = 0u; c < NV; c++) {
        let od = rowDout(r * p.P, c);
        sh[c] = fma(od, cn, sh[c]);
        dc = fma(od, loadScratch(w, c), dc);
        db = fma(rowX(r * p.P, c), sh[c], db);
        sh[c] *= a;
      }
      let at = (hg * p.B * p.T + bt) * p.G * p.N + g * p.N + n;
      scratch[p.offB + at] = d * dot(db, vec4f(1.0));
      scratch[p.offC + at] = dot(dc, vec4f(1.0));
    }
  }
}
