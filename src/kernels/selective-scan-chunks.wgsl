// Chunk-parallel selective scan forward, passes 1 and 3: one invocation per (b, chunk, channel).
struct Params { T: u32, D: u32, N: u32, nChunks: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;      // (B, T, D)
@group(0) @binding(2) var<storage, read_write> starts: array<f32>; // (B, nChunks, D, N)
@group(0) @binding(3) var<storage, read_write> dsums: array<f32>;  // (B, nChunks, D)
@group(0) @binding(9) var<storage, read> Dskip: array<f32>;        // (D)

// 1: run the chunk from h = 0 and write its end state to starts and its Σ Δ·log2(e) to dsums (Π_t Ā_t
// of the chunk is exp2(A·Σ Δ·log2(e)): N times less scratch than the product itself). 3: run the chunk
// from its true start state (left in starts by selective-scan-carry.wgsl) and write y.
override PASS: u32 = 1u;

fn startRow(row: u32, q: u32) -> vec4f {
  let i = row + q * 4u;
  return select(vec4f(0.0), vec4f(starts[i], starts[i + 1u], starts[i + 2u], starts[i + 3u]), lanes(q));
}

// After selective-scan-common.wgsl, with CPI = 1 (NV = NS; `c < NV` loops are unrolled). Workgroup
// (wg.x, kc, b) owns WG consecutive channels of chunk kc of batch b; the state stays in registers and
// the chunk's Bm and C are staged in workgroup memory: h_t = exp(Δ_t·A)·h_{t−1} + Δ_t·Bm_t·x_t,
// y_t = C_t·h_t + Dskip·x_t.
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let kc = wg.y;
  let b = wg.z;
  let t0 = kc * CHUNK;
  let channelD = channel(wg.x, lid, 0u);
  let d = min(channelD, p.D - 1u); // past D: computes on a real channel, writes nothing
  let row = ((b * p.nChunks + kc) * p.D + d) * p.N;
  var a: array<vec4f, MAX_NV>;
  var h: array<vec4f, MAX_NV>; // zero-initialised: pass 1 runs from h = 0
  for (var c = 0u; c < NV; c++) {
    a[c] = rowA(d, c);
    if (PASS == 3u) { h[c] = startRow(row, c); }
  }
  stage(b, t0, lid);
  workgroupBarrier();
  let skip = Dskip[d];
  var dsum = 0.0;
  let steps = min(CHUNK, p.T - t0);
  for (var s = 0u; s < steps; s++) {
    let i = (b * p.T + t0 + s) * p.D + d;
    let xs = x[i];
    let dl = delta[i] * LOG2E;
    let dtx = delta[i] * xs;
    dsum += dl;
    var acc = vec4f(0.0);
    for (var c = 0u; c < NV; c++) {
      h[c] = fma(exp2(dl * a[c]), h[c], dtx * stepB(b, t0, s, c));
      if (PASS == 3u) { acc = fma(stepC(b, t0, s, c), h[c], acc); }
    }
    if (PASS == 3u && channelD < p.D) { y[i] = dot(acc, vec4f(1.0)) + skip * xs; }
  }
  if (PASS == 1u && channelD < p.D) {
    for (var c = 0u; c < NV; c++) {
      for (var j = 0u; j < 4u; j++) {
        if (c * 4u + j < p.N) { starts[row + c * 4u + j] = h[c][j]; }
      }
    }
    dsums[(b * p.nChunks + kc) * p.D + d] = dsum;
  }
}
