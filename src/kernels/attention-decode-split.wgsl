// One decode step of attention, pass 1 of the split plan (flash-decoding): workgroup (c, h, b) takes
// block c of BLOCK visible positions of query head h of sequence b and writes the block's partial
// softmax: its max score m, l = Σ e^{s_i − m} and the unnormalised o = Σ e^{s_i − m} v_i. Blocks past
// the visible positions write m = −3e38, l = 0, o = 0. Block 0 of the first query head of each kv
// group appends the token's k, v to the cache; the block holding position t reads it from workgroup
// memory. Needs rope-common.wgsl and attention-decode-common.wgsl before it.
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> part: array<f32>;   // (B, H, splits, 2 + Dh): m, l, o
@group(0) @binding(2) var<storage, read_write> kc: array<f32>;     // k cache (B, S, Hkv, Dh)
@group(0) @binding(3) var<storage, read_write> vc: array<f32>;     // v cache (B, S, Hkv, Dh)
@group(0) @binding(4) var<storage, read> q: array<f32>;            // (B, H, Dh), before RoPE
@group(0) @binding(5) var<storage, read> k: array<f32>;            // (B, Hkv, Dh), before RoPE
@group(0) @binding(6) var<storage, read> v: array<f32>;            // (B, Hkv, Dh)
@group(0) @binding(7) var<storage, read> pos: array<i32>;

override BLOCK: u32; // visible positions per workgroup, ATTENTION_DECODE_BLOCK
var<workgroup> e: array<f32, BLOCK>;    // the block's scores, then e^{s_i − m}
var<workgroup> sums: array<f32, MAX_DH>; // o's sums over interleaved subsets of the block, per dimension

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3u) {
  let c = wid.x;
  let h = wid.y;
  let b = wid.z;
  let t = u32(pos[0]);
  let group = p.H / p.Hkv;
  let g = h / group;
  loadToken(lid, b, h, g, t, c == 0u && h % group == 0u);
  let lo = firstVisible(t);
  let n = t + 1u - lo; // visible positions; the last is t
  let i0 = c * BLOCK;
  let count = select(0u, min(BLOCK, n - i0), i0 < n);
  var m = -3.0e38;
  for (var j = lid; j < count; j += WG) {
    let s = scoreAt(b, g, lo, i0 + j, n);
    e[j] = s;
    m = max(m, s);
  }
  let M = reduce(lid, m, true);
  var l = 0.0;
  for (var j = lid; j < count; j += WG) {
    let x = exp(e[j] - M);
    e[j] = x;
    l += x;
  }
  let L = reduce(lid, l, false);
  // `lanes` invocations per subset of positions, `parts` subsets: all 64 busy when Dh divides 64.
  let lanes = min(p.Dh, WG);
  let parts = WG / lanes;
  let sub = lid / lanes;
  if (sub < parts) {
    for (var d = lid % lanes; d < p.Dh; d += lanes) {
      var acc = 0.0;
      for (var j = sub; j < count; j += parts) { acc += e[j] * valueAt(b, g, lo, i0 + j, n, d); }
      sums[sub * p.Dh + d] = acc;
    }
  }
  workgroupBarrier();
  let base = ((b * p.H + h) * p.splits + c) * (2u + p.Dh);
  for (var d = lid; d < p.Dh; d += WG) {
    var acc = 0.0;
    for (var r = 0u; r < parts; r++) { acc += sums[r * p.Dh + d]; }
    part[base + 2u + d] = acc;
  }
  if (lid == 0u) {
    part[base] = M;
    part[base + 1u] = L;
  }
}
