// Attention backward, step 2: dK and dV for one 16-key tile of one (batch, kv head) per workgroup,
// looping over the query heads of its GQA group and their visible query tiles; P is recomputed
// from the saved logsumexp. dV = Pᵀ dO, dK = scale · dSᵀ Q with dS = P ⊙ (dO Vᵀ − D).
// Prepended: attention-common.wgsl, attention-backward-common.wgsl (Params, p, qc/doc/kc/vc, loads).
@group(0) @binding(1) var<storage, read_write> dk: array<f32>; // (B, T, Hkv, Dh)
@group(0) @binding(2) var<storage, read_write> dv: array<f32>; // (B, T, Hkv, Dh)
@group(0) @binding(3) var<storage, read> q: array<f32>;        // (B, T, H, Dh)
@group(0) @binding(4) var<storage, read> k: array<f32>;        // (B, T, Hkv, Dh)
@group(0) @binding(5) var<storage, read> v: array<f32>;        // (B, T, Hkv, Dh)
@group(0) @binding(6) var<storage, read> dO: array<f32>;       // (B, T, H, Dh)
@group(0) @binding(7) var<storage, read> lse: array<f32>;      // (B, H, T)
@group(0) @binding(8) var<storage, read> D: array<f32>;        // (B, H, T)

const TILE = 16u;      // keys per workgroup = queries per step = head dims per chunk

var<workgroup> pt: array<array<f32, 17>, 16>;  // P [query][key]
var<workgroup> dst: array<array<f32, 17>, 16>; // dS [query][key]

// Thread (r, c): score of key r and query c; gradient dims c + 16·chunk of key r.
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let b = wg.z;
  let g = wg.y;
  let j0 = wg.x * TILE;
  let r = lid.y;
  let c = lid.x;
  let j = j0 + r;
  let group = p.H / p.Hkv;
  let kBase = b * p.T * p.Hkv * p.Dh + g * p.Dh;
  let nChunks = (p.Dh + TILE - 1u) / TILE;
  // Queries that see some key of the tile: [j0, tHi).
  var tHi = p.T;
  if (p.window > 0u) { tHi = min(p.T, j0 + TILE - 1u + p.window); }
  var accK: array<f32, MAX_CHUNKS>;
  var accV: array<f32, MAX_CHUNKS>;
  for (var h = g * group; h < (g + 1u) * group; h++) {
    let qBase = b * p.T * p.H * p.Dh + h * p.Dh;
    let rowBase = (b * p.H + h) * p.T;
    for (var t0 = j0; t0 < tHi; t0 += TILE) {
      var s = 0.0;
      var dp = 0.0;
      for (var ch = 0u; ch < nChunks; ch++) {
        let d = ch * TILE + c;
        qc[r][c] = loadQ(qBase, t0 + r, d);
        doc[r][c] = loadDO(qBase, t0 + r, d);
        kc[r][c] = loadK(kBase, j, d);
        vc[r][c] = loadV(kBase, j, d);
        workgroupBarrier();
        for (var e = 0u; e < TILE; e++) {
          s += qc[c][e] * kc[r][e];
          dp += doc[c][e] * vc[r][e];
        }
        workgroupBarrier();
      }
      let t = t0 + c;
      var pr = 0.0;
      var ds = 0.0;
      if (t < p.T && j <= t && (p.window == 0u || j + p.window > t)) {
        pr = exp(s * p.scale - lse[rowBase + t]);
        ds = pr * (dp - D[rowBase + t]);
      }
      pt[c][r] = pr;
      dst[c][r] = ds;
      for (var ch = 0u; ch < MAX_CHUNKS; ch++) {
        if (ch < nChunks) {
          qc[r][c] = loadQ(qBase, t0 + r, ch * TILE + c);
          doc[r][c] = loadDO(qBase, t0 + r, ch * TILE + c);
          workgroupBarrier();
          var ak = accK[ch];
          var av = accV[ch];
          for (var e = 0u; e < TILE; e++) {
            ak += dst[e][r] * qc[e][c];
            av += pt[e][r] * doc[e][c];
          }
          accK[ch] = ak;
          accV[ch] = av;
          workgroupBarrier();
        }
      }
    }
  }

  if (j < p.T) {
    for (var ch = 0u; ch < MAX_CHUNKS; ch++) {
      let d = ch * TILE + c;
      if (d < p.Dh) {
        let i = kBase + j * p.Hkv * p.Dh + d;
        if (p.accumulate == 1u) {
          dk[i] += accK[ch] * p.scale;
          dv[i] += accV[ch];
        } else {
          dk[i] = accK[ch] * p.scale;
          dv[i] = accV[ch];
        }
      }
    }
  }
}
