// Fused selective scan (Mamba S6) forward: the state stays in registers; only chunk-start states leave.
struct Params {
  T: u32, D: u32, N: u32, nChunks: u32,
  flags: u32, // 1 = state: read as h_{−1}, overwritten with h_{T−1}; 2 = write chunk states
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;           // (B, T, D)
@group(0) @binding(2) var<storage, read_write> chunkStates: array<f32>; // (B, nChunks, D, N)
@group(0) @binding(3) var<storage, read_write> state: array<f32>;       // (B, D, N)
@group(0) @binding(9) var<storage, read> Dskip: array<f32>;             // (D)

fn rowState(row: u32, q: u32) -> vec4f {
  let i = row + q * 4u;
  return select(vec4f(0.0), vec4f(state[i], state[i + 1u], state[i + 2u], state[i + 3u]), lanes(q));
}

fn storeState(row: u32, q: u32, v: vec4f) {
  for (var j = 0u; j < 4u; j++) {
    if (q * 4u + j < p.N) { state[row + q * 4u + j] = v[j]; }
  }
}

fn storeChunkState(row: u32, q: u32, v: vec4f) {
  for (var j = 0u; j < 4u; j++) {
    if (q * 4u + j < p.N) { chunkStates[row + q * 4u + j] = v[j]; }
  }
}

// After selective-scan-common.wgsl. Each invocation owns CPI channels of batch b (state vec4 c = k·NS + q
// holds states 4q … 4q + 3 of its channel k; `c < NV` loops are unrolled, so k and q are constants) and
// walks T in chunks of CHUNK steps:  h_t = exp(Δ_t·A)·h_{t−1} + Δ_t·Bm_t·x_t,  y_t = C_t·h_t + Dskip·x_t.
// Each step's Bm_t and C_t are loaded once for the invocation's channels (staged per chunk in workgroup
// memory on GPUs). Global memory sees y, the state at every chunk start (for the backward) and the
// optional state in/out only, never h_t for every t. The decode step is this kernel with T = 1.
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let b = wg.y;
  var a: array<vec4f, MAX_NV>;
  var h: array<vec4f, MAX_NV>;
  // Per step: Bm_t and C_t (entries q < NS), and per channel k: Δ·log2(e), Δ·x, x, Σ_n C·h.
  var bs: array<vec4f, MAX_NV>;
  var cs: array<vec4f, MAX_NV>;
  var dl: array<f32, MAX_NV>;
  var dtx: array<f32, MAX_NV>;
  var xs: array<f32, MAX_NV>;
  var acc: array<vec4f, MAX_NV>;
  var skip: array<f32, MAX_NV>;
  for (var c = 0u; c < NV; c++) {
    let d = min(channel(wg.x, lid, c / NS), p.D - 1u); // past D: computes on a real channel, writes nothing
    a[c] = rowA(d, c % NS);
    if ((p.flags & 1u) != 0u) { h[c] = rowState((b * p.D + d) * p.N, c % NS); }
    skip[c / NS] = Dskip[d];
  }
  for (var kc = 0u; kc < p.nChunks; kc++) {
    let t0 = kc * CHUNK;
    stage(b, t0, lid);
    workgroupBarrier();
    for (var c = 0u; c < NV; c++) {
      let d = channel(wg.x, lid, c / NS);
      if ((p.flags & 2u) != 0u && d < p.D) {
        storeChunkState(((b * p.nChunks + kc) * p.D + d) * p.N, c % NS, h[c]);
      }
    }
    let steps = min(CHUNK, p.T - t0);
    for (var s = 0u; s < steps; s++) {
      let row = (b * p.T + t0 + s) * p.D;
      for (var c = 0u; c < NV; c++) {
        if (c < NS) {
          bs[c] = stepB(b, t0, s, c);
          cs[c] = stepC(b, t0, s, c);
        }
        if (c % NS == 0u) {
          let k = c / NS;
          let i = row + min(channel(wg.x, lid, k), p.D - 1u);
          xs[k] = x[i];
          dl[k] = delta[i] * LOG2E;
          dtx[k] = delta[i] * xs[k];
          acc[k] = vec4f(0.0);
        }
      }
      for (var c = 0u; c < NV; c++) {
        let k = c / NS;
        h[c] = fma(exp2(dl[k] * a[c]), h[c], dtx[k] * bs[c % NS]);
        acc[k] = fma(cs[c % NS], h[c], acc[k]);
      }
      for (var c = 0u; c < NV; c++) {
        let k = c / NS;
        let d = channel(wg.x, lid, k);
        if (c % NS == 0u && d < p.D) { y[row + d] = dot(acc[k], vec4f(1.0)) + skip[k] * xs[k]; }
      }
    }
    workgroupBarrier();
  }
  for (var c = 0u; c < NV; c++) {
    let d = channel(wg.x, lid, c / NS);
    if ((p.flags & 1u) != 0u && d < p.D) { storeState((b * p.D + d) * p.N, c % NS, h[c]); }
  }
}
