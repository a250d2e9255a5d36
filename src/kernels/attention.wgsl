// Flash attention forward: one 16-query tile of one (batch, head) per workgroup, 16-key tiles staged
// in workgroup memory, online softmax, causal + optional sliding window, GQA; saves the row logsumexp.
// Prepended: attention-common.wgsl (MAX_CHUNKS, q/k/v loads).
struct Params {
  T: u32, H: u32, Hkv: u32, Dh: u32,
  window: u32,
  scale: f32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> o: array<f32>;   // (B, T, H, Dh)
@group(0) @binding(2) var<storage, read_write> lse: array<f32>; // (B, H, T)
@group(0) @binding(3) var<storage, read> q: array<f32>;         // (B, T, H, Dh)
@group(0) @binding(4) var<storage, read> k: array<f32>;         // (B, T, Hkv, Dh)
@group(0) @binding(5) var<storage, read> v: array<f32>;         // (B, T, Hkv, Dh)

const TILE = 16u;     // queries per workgroup = keys per step = head dims per chunk
const NEG = -1e30;    // −∞ that keeps exp(NEG − NEG) finite

var<workgroup> qs: array<array<f32, 128>, 16>; // the query tile, all of Dh
var<workgroup> kc: array<array<f32, 17>, 16>;  // 16 keys × one 16-dim chunk (padded: read by column)
var<workgroup> vc: array<array<f32, 16>, 16>;  // 16 values × one 16-dim chunk
var<workgroup> ps: array<array<f32, 17>, 16>;  // scores, then probabilities, [query][key]

// Thread (r, c): score of query r and key c; output dims c + 16·chunk of query r.
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u,
        @builtin(local_invocation_index) li: u32) {
  let b = wg.z;
  let h = wg.y;
  let t0 = wg.x * TILE;
  let r = lid.y;
  let c = lid.x;
  let t = t0 + r;
  let qStride = p.H * p.Dh;
  let qBase = b * p.T * qStride + h * p.Dh;
  let kBase = b * p.T * p.Hkv * p.Dh + (h / (p.H / p.Hkv)) * p.Dh;
  let nChunks = (p.Dh + TILE - 1u) / TILE;

  for (var i = li; i < TILE * p.Dh; i += TILE * TILE) {
    qs[i / p.Dh][i % p.Dh] = loadQ(qBase, t0 + i / p.Dh, i % p.Dh);
  }

  // Keys visible to some query of the tile: [jLo, jHi).
  let jHi = min(p.T, t0 + TILE);
  var jLo = 0u;
  if (p.window > 0u && t0 + 1u > p.window) { jLo = t0 + 1u - p.window; }
  var m = NEG;
  var l = 0.0;
  var acc: array<f32, MAX_CHUNKS>;
  for (var j0 = jLo; j0 < jHi; j0 += TILE) {
    var s = 0.0;
    for (var ch = 0u; ch < nChunks; ch++) {
      kc[r][c] = loadK(kBase, j0 + r, ch * TILE + c);
      workgroupBarrier();
      for (var e = 0u; e < TILE; e++) { s += qs[r][ch * TILE + e] * kc[c][e]; }
      workgroupBarrier();
    }
    let j = j0 + c;
    let visible = t < p.T && j <= t && (p.window == 0u || j + p.window > t);
    s = select(NEG, s * p.scale, visible);
    ps[r][c] = s;
    workgroupBarrier();
    var mNew = m;
    for (var e = 0u; e < TILE; e++) { mNew = max(mNew, ps[r][e]); }
    workgroupBarrier();
    ps[r][c] = select(0.0, exp(s - mNew), visible);
    workgroupBarrier();
    var rowSum = 0.0;
    for (var e = 0u; e < TILE; e++) { rowSum += ps[r][e]; }
    let alpha = exp(m - mNew);
    l = l * alpha + rowSum;
    m = mNew;
    for (var ch = 0u; ch < MAX_CHUNKS; ch++) {
      if (ch < nChunks) {
        vc[r][c] = loadV(kBase, j0 + r, ch * TILE + c);
        workgroupBarrier();
        var a = acc[ch] * alpha;
        for (var e = 0u; e < TILE; e++) { a += ps[r][e] * vc[e][c]; }
        acc[ch] = a;
        workgroupBarrier();
      }
    }
  }

  if (t < p.T) {
    for (var ch = 0u; ch < MAX_CHUNKS; ch++) {
      let d = ch * TILE + c;
      if (d < p.Dh) { o[qBase + t * qStride + d] = acc[ch] / l; }
    }
    if (c == 0u) { lse[(b * p.H + h) * p.T + t] = m + log(l); }
  }
}
