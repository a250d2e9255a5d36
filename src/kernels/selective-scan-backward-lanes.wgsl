// Fused selective scan backward for software adapters, after selective-scan-common.wgsl (CPI = 1,
// NV = NS, STAGE off). Same math as selective-scan-backward.wgsl, laid out for SwiftShader, which runs
// a workgroup's invocations as SIMD lanes and pays dearly for barriers: one invocation per (batch b,
// group of GROUP channels) walks the chunks in reverse and, within a chunk, its channels one after
// another, summing their dBm and dC contributions in private memory. No sum crosses lanes, so there
// is no workgroup memory and no barrier; the host adds the groups' partials in order.
struct Params {
  B: u32, T: u32, D: u32, N: u32, nChunks: u32,
  flags: u32, // 1 = accumulate into dx, dΔ; 2 = write dh0
  offA: u32, offD: u32, offH0: u32, // scratch offsets of the dA, dDskip, dh0 parts
  groups: u32, // channel groups per batch, ⌈D / GROUP⌉
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dx: array<f32>;      // (B, T, D)
@group(0) @binding(2) var<storage, read_write> ddelta: array<f32>;  // (B, T, D)
// [dBm partials (groups, B, T, N)] [dC partials (groups, B, T, N)] [dA (B, D, N)] [dDskip (B, D)]
// [dh0 (B, D, N)]
@group(0) @binding(3) var<storage, read_write> scratch: array<f32>;
@group(0) @binding(9) var<storage, read> dy: array<f32>;           // (B, T, D)
@group(0) @binding(10) var<storage, read> chunkStates: array<f32>; // (B, nChunks, D, N)

override GROUP: u32 = 16u; // channels per invocation, walked one after another
// Private arrays need constant sizes: the host writes GROUP·NS, GROUP and CHUNK·NS in place of these.
const GROUP_NV = GROUP_VEC4S;
const GROUP_LEN = GROUP_SIZE;
const CHUNK_NV = CHUNK_VEC4S;

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

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let lane = wg.x * WG + lid;
  let live = lane < p.B * p.groups;
  let b = min(lane / p.groups, p.B - 1u);
  let grp = lane % p.groups;
  var lamAll: array<vec4f, GROUP_NV>; // μ of every channel of the group between chunks
  var dAAll: array<vec4f, GROUP_NV>;
  var dDAll: array<f32, GROUP_LEN>;
  var hs: array<vec4f, CHUNK_NV>;   // hs[s·NS + c]: the channel's state before step s of the chunk
  var accB: array<vec4f, CHUNK_NV>; // Σ over the group's channels of dBm_t, dC_t, per step of the chunk
  var accC: array<vec4f, CHUNK_NV>;
  var a: array<vec4f, MAX_NV>;
  var h: array<vec4f, MAX_NV>;
  var lam: array<vec4f, MAX_NV>;
  var dA: array<vec4f, MAX_NV>;
  for (var k = 0u; k < GROUP; k++) {
    for (var c = 0u; c < NV; c++) {
      lamAll[k * NV + c] = vec4f(0.0);
      dAAll[k * NV + c] = vec4f(0.0);
    }
    dDAll[k] = 0.0;
  }
  for (var kk = p.nChunks; kk > 0u; kk--) {
    let t0 = (kk - 1u) * CHUNK;
    let steps = min(CHUNK, p.T - t0);
    for (var e = 0u; e < steps * NV; e++) {
      accB[e] = vec4f(0.0);
      accC[e] = vec4f(0.0);
    }
    for (var k = 0u; k < GROUP; k++) {
      let d = grp * GROUP + k;
      let on = live && d < p.D;
      let dc = min(d, p.D - 1u); // channels past D run on g = 0: every contribution is zero
      let at = ((b * p.nChunks + kk - 1u) * p.D + dc) * p.N;
      for (var c = 0u; c < NV; c++) {
        a[c] = rowA(dc, c);
        h[c] = rowChunkState(at, c);
        lam[c] = lamAll[k * NV + c];
        dA[c] = dAAll[k * NV + c];
      }
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
      var dD = dDAll[k];
      // h holds h_t of the step being undone; hs[s] gives h_{t−1}.
      for (var r = steps; r > 0u; r--) {
        let s = r - 1u;
        let i = (b * p.T + t0 + s) * p.D + dc;
        let dt = delta[i];
        let xv = x[i];
        let g = select(0.0, dy[i], on);
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
          accB[s * NV + c] = fma(l, vec4f(dtx), accB[s * NV + c]);
          accC[s * NV + c] = fma(vec4f(g), h[c], accC[s * NV + c]);
          lam[c] = ab * l;
          h[c] = prev;
        }
        if (on) {
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
      }
      dDAll[k] = dD;
      for (var c = 0u; c < NV; c++) {
        lamAll[k * NV + c] = lam[c];
        dAAll[k * NV + c] = dA[c];
      }
    }
    if (live) {
      for (var s = 0u; s < steps; s++) {
        let row = ((grp * p.B + b) * p.T + t0 + s) * p.N;
        let rowC = (((p.groups + grp) * p.B + b) * p.T + t0 + s) * p.N;
        for (var c = 0u; c < NV; c++) {
          storeScratch(row, c, accB[s * NV + c]);
          storeScratch(rowC, c, accC[s * NV + c]);
        }
      }
    }
  }
  for (var k = 0u; k < GROUP; k++) {
    let d = grp * GROUP + k;
    if (live && d < p.D) {
      let row = (b * p.D + d) * p.N;
      for (var c = 0u; c < NV; c++) {
        storeScratch(p.offA + row, c, dAAll[k * NV + c]);
        if ((p.flags & 2u) != 0u) { storeScratch(p.offH0 + row, c, lamAll[k * NV + c]); }
      }
      scratch[p.offD + b * p.D + d] = dDAll[k];
    }
  }
}
