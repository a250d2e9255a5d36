// Fused selective scan (Mamba S6) backward: reverse scan by chunks, states recomputed from chunk starts.
struct Params {
  B: u32, T: u32, D: u32, N: u32, nChunks: u32,
  flags: u32, // 1 = accumulate into dx, dΔ; 2 = write dh0
  offA: u32, offD: u32, offH0: u32, // scratch offsets of the dA, dDskip, dh0 parts
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dx: array<f32>;      // (B, T, D)
@group(0) @binding(2) var<storage, read_write> ddelta: array<f32>;  // (B, T, D)
// [dBm partials (G, B, T, N)] [dC partials (G, B, T, N)] [dA (B, D, N)] [dDskip (B, D)] [dh0 (B, D, N)]
// with G = workgroups along the channels.
@group(0) @binding(3) var<storage, read_write> scratch: array<f32>;
@group(0) @binding(9) var<storage, read> dy: array<f32>;           // (B, T, D)
@group(0) @binding(10) var<storage, read> chunkStates: array<f32>; // (B, nChunks, D, N)

const MAX_HS = 256u; // CHUNK · NS ≤ MAX_HS (scanChunking)

// This step's dBm (rows 0..NV) and dC (rows NV..2NV) contributions of every channel of the workgroup.
var<workgroup> red: array<vec4f, 2u * NV * WG>;

fn rowChunkState(row: u32, c: u32) -> vec4f {
  let i = row + c * 4u;
  let v = vec4f(chunkStates[i], chunkStates[i + 1u], chunkStates[i + 2u], chunkStates[i + 3u]);
  return select(vec4f(0.0), v, lanes(c));
}

fn storeScratch(at: u32, c: u32, v: vec4f) {
  for (var j = 0u; j < 4u; j++) {
    if (c * 4u + j < p.N) { scratch[at + c * 4u + j] = v[j]; }
  }
}

// After selective-scan-common.wgsl, with one channel per invocation (CPI = 1, NV = NS). Invocation
// (batch b, channel d) walks the chunks in reverse. Per chunk: stage Bm, C; recompute the chunk's states
// from the saved chunk-start state into private storage `hs`; then undo the steps with
// λ_t = C_t·g_t + μ, μ = Ā_{t+1}·λ_{t+1} (Ā_t = exp(Δ_t·A), g = dy):
//   dx_t = Δ_t·Σ_n λ_t·Bm_t (+ Dskip·g_t, added by the host),  dΔ_t = Σ_n λ_t·(Ā_t·h_{t−1}·A + Bm_t·x_t),
//   dA += λ_t·Ā_t·h_{t−1}·Δ_t,  dBm_t[n] = Σ_d λ_t·Δ_t·x_t,  dC_t[n] = Σ_d g_t·h_t,  dDskip += g_t·x_t.
// dBm and dC (sums over channels) are summed over the workgroup's channels in workgroup memory, in
// channel order, into per-workgroup partials; dA, dDskip (sums over batches too) and dh0 = μ after the
// first step go to scratch per (b, d). The host sums the partials in fixed order: no atomics.
@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) wg: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let b = wg.y;
  let d = channel(wg.x, lid, 0u);
  let live = d < p.D;
  let dc = min(d, p.D - 1u); // invocations past D run on g = 0: every contribution is zero
  var a: array<vec4f, MAX_NV>;
  var h: array<vec4f, MAX_NV>;
  var lam: array<vec4f, MAX_NV>; // μ between steps, λ_t within one
  var dA: array<vec4f, MAX_NV>;
  var hs: array<vec4f, MAX_HS>;  // hs[s·NV + c]: the state before step s of the chunk
  for (var c = 0u; c < NV; c++) { a[c] = rowA(dc, c); }
  var dD = 0.0;
  for (var k = p.nChunks; k > 0u; k--) {
    let t0 = (k - 1u) * CHUNK;
    let steps = min(CHUNK, p.T - t0);
    stage(b, t0, lid);
    workgroupBarrier();
    let at = ((b * p.nChunks + k - 1u) * p.D + dc) * p.N;
    for (var c = 0u; c < NV; c++) { h[c] = rowChunkState(at, c); }
    for (var s = 0u; s < steps; s++) {
      let i = (b * p.T + t0 + s) * p.D + dc;
      let dt = delta[i];
      let dtx = dt * x[i];
      let dl = dt * LOG2E;
      for (var c = 0u; c < NV; c++) {
        hs[s * NV + c] = h[c];
        h[c] = fma(exp2(dl * a[c]), h[c], dtx * stepB(b, t0, s, c));
      }
    }
    // h holds h_t of the step being undone; hs[s] gives h_{t−1}.
    for (var r = steps; r > 0u; r--) {
      let s = r - 1u;
      let t = t0 + s;
      let i = (b * p.T + t) * p.D + dc;
      let dt = delta[i];
      let xv = x[i];
      let g = select(0.0, dy[i], live);
      let dtx = dt * xv;
      let dl = dt * LOG2E;
      var dxs = vec4f(0.0);
      var dds = vec4f(0.0);
      for (var c = 0u; c < NV; c++) {
        let bv = stepB(b, t0, s, c);
        let ab = exp2(dl * a[c]);
        let prev = hs[s * NV + c];
        let abPrev = ab * prev;
        let l = fma(vec4f(g), stepC(b, t0, s, c), lam[c]);
        dxs = fma(l, bv, dxs);
        dds = fma(l, fma(abPrev, a[c], bv * xv), dds);
        dA[c] = fma(l * abPrev, vec4f(dt), dA[c]);
        red[c * WG + lid] = l * dtx;
        red[(NV + c) * WG + lid] = g * h[c];
        lam[c] = ab * l;
        h[c] = prev;
      }
      if (live) {
        let vx = dt * dot(dxs, vec4f(1.0));
        let vd = dot(dds, vec4f(1.0));
        if ((p.flags & 1u) != 0u) {
          dx[i] += vx;
          ddelta[i] += vd;
        } else {
          dx[i] = vx;
          ddelta[i] = vd;
        }
      }
      dD = fma(g, xv, dD);
      workgroupBarrier();
      // Row o of red summed over the workgroup's channels, in channel order.
      for (var o = lid; o < 2u * NV; o += WG) {
        var sum = vec4f(0.0);
        for (var j = 0u; j < WG; j++) { sum += red[o * WG + j]; }
        let part = (o / NV) * nwg.x + wg.x; // kind (dBm, dC) × workgroup
        storeScratch(((part * p.B + b) * p.T + t) * p.N, o % NV, sum);
      }
      workgroupBarrier();
    }
  }
  if (live) {
    let row = (b * p.D + d) * p.N;
    for (var c = 0u; c < NV; c++) {
      storeScratch(p.offA + row, c, dA[c]);
      if ((p.flags & 2u) != 0u) { storeScratch(p.offH0 + row, c, lam[c]); }
    }
    scratch[p.offD + b * p.D + d] = dD;
  }
}
