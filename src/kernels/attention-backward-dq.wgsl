// Attention backward, step 3: dQ for one 16-query tile of one (batch, head) per workgroup, looping
// over the visible key tiles; P is recomputed from the saved logsumexp.
// dQ = scale · dS K with dS = P ⊙ (dO Vᵀ − D).
// Prepended: attention-common.wgsl, attention-backward-common.wgsl (Params, p, qc/doc/kc/vc, loads).
@group(0) @binding(1) var<storage, read_write> dq: array<f32>; // (B, T, H, Dh)
@group(0) @binding(2) var<storage, read> q: array<f32>;        // (B, T, H, Dh)
@group(0) @binding(3) var<storage, read> k: array<f32>;        // (B, T, Hkv, Dh)
@group(0) @binding(4) var<storage, read> v: array<f32>;        // (B, T, Hkv, Dh)
@group(0) @binding(5) var<storage, read> dO: array<f32>;       // (B, T, H, Dh)
@group(0) @binding(6) var<storage, read> lse: array<f32>;      // (B, H, T)
@group(0) @binding(7) var<storage, read> D: array<f32>;        // (B, H, T)

const TILE = 16u;      // queries per workgroup = keys per step = head dims per chunk

var<workgroup> dss: array<array<f32, 17>, 16>; // dS [query][key]

// Thread (r, c): score of query r and key c; gradient dims c + 16·chunk of query r.
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let b = wg.z;
  let h = wg.y;
  let t0 = wg.x * TILE;
  let r = lid.y;
  let c = lid.x;
  let t = t0 + r;
  let qBase = b * p.T * p.H * p.Dh + h * p.Dh;
  let kBase = b * p.T * p.Hkv * p.Dh + (h / (p.H / p.Hkv)) * p.Dh;
  let nChunks = (p.Dh + TILE - 1u) / TILE;
  var rowLse = 0.0;
  var rowD = 0.0;
  if (t < p.T) {
    rowLse = lse[(b * p.H + h) * p.T + t];
    rowD = D[(b * p.H + h) * p.T + t];
  }
  // Keys visible to some query of the tile: [jLo, jHi).
  let jHi = min(p.T, t0 + TILE);
  var jLo = 0u;
  if (p.window > 0u && t0 + 1u > p.window) { jLo = t0 + 1u - p.window; }
  var acc: array<f32, MAX_CHUNKS>;
  for (var j0 = jLo; j0 < jHi; j0 += TILE) {
    var s = 0.0;
    var dp = 0.0;
    for (var ch = 0u; ch < nChunks; ch++) {
      let d = ch * TILE + c;
      qc[r][c] = loadQ(qBase, t, d);
      doc[r][c] = loadDO(qBase, t, d);
      kc[r][c] = loadK(kBase, j0 + r, d);
      vc[r][c] = loadV(kBase, j0 + r, d);
      workgroupBarrier();
      for (var e = 0u; e < TILE; e++) {
        s += qc[r][e] * kc[c][e];
        dp += doc[r][e] * vc[c][e];
      }
      workgroupBarrier();
    }
    let j = j0 + c;
    var ds = 0.0;
    if (t < p.T && j <= t && (p.window == 0u || j + p.window > t)) {
      ds = exp(s * p.scale - rowLse) * (dp - rowD);
    }
    dss[r][c] = ds;
    for (var ch = 0u; ch < MAX_CHUNKS; ch++) {
      if (ch < nChunks) {
        kc[r][c] = loadK(kBase, j0 + r, ch * TILE + c);
        workgroupBarrier();
        var a = acc[ch];
        for (var e = 0u; e < TILE; e++) { a += dss[r][e] * kc[e][c]; }
        acc[ch] = a;
        workgroupBarrier();
      }
    }
  }

  if (t < p.T) {
    for (var ch = 0u; ch < MAX_CHUNKS; ch++) {
      let d = ch * TILE + c;
      if (d < p.Dh) {
        let i = qBase + t * p.H * p.Dh + d;
        if (p.accumulate == 1u) { dq[i] += acc[ch] * p.scale; } else { dq[i] = acc[ch] * p.scale; }
      }
    }
  }
}
