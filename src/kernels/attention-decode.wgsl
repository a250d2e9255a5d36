// One decode step of attention in one dispatch: per (sequence, head), RoPE turns the new query and key
// (rope = 1), the first query head of each kv group appends the token's k, v to the KV cache, and the
// query attends to the visible positions [lo, t] (lo = max(0, t − W + 1); W = 0: lo = 0). Position j
// lives in slot j mod S of a cache of S slots (a ring when a sliding window keeps only W positions);
// t − lo < S is the caller's promise, so slot t mod S holds no visible position and no workgroup reads
// the slot being written: position t itself is read from workgroup memory.
// Needs rope-common.wgsl (sinCos) before it.
struct Params {
  B: u32, H: u32, Hkv: u32, Dh: u32, S: u32, window: u32, rope: u32, _p0: u32,
  scale: f32, _f0: f32, _f1: f32, _f2: f32,
  invFreq: array<vec4f, 32>, // θ_i of RoPE's pairs (i, i + Dh/2)
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> o: array<f32>;      // (B, H, Dh)
@group(0) @binding(2) var<storage, read_write> aux: array<f32>;    // scores scratch (B, H, S)
@group(0) @binding(3) var<storage, read_write> kc: array<f32>;     // k cache (B, S, Hkv, Dh)
@group(0) @binding(4) var<storage, read_write> vc: array<f32>;     // v cache (B, S, Hkv, Dh)
@group(0) @binding(5) var<storage, read> q: array<f32>;            // (B, H, Dh), before RoPE
@group(0) @binding(6) var<storage, read> k: array<f32>;            // (B, Hkv, Dh), before RoPE
@group(0) @binding(7) var<storage, read> v: array<f32>;            // (B, Hkv, Dh)
@group(0) @binding(8) var<storage, read> pos: array<i32>;

const WG = 64u;
const MAX_DH = 128u;
var<workgroup> red: array<f32, WG>;
var<workgroup> qs: array<f32, MAX_DH>; // the query, turned
var<workgroup> kn: array<f32, MAX_DH>; // the new key, turned
var<workgroup> vn: array<f32, MAX_DH>; // the new value

// Max (isMax) or sum of v over the workgroup; every invocation gets the result.
fn reduce(lid: u32, v: f32, isMax: bool) -> f32 {
  red[lid] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) {
      let o = red[lid + s];
      red[lid] = select(red[lid] + o, max(red[lid], o), isMax);
    }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}

// The pair (x1, x2) of dimensions (i, i + Dh/2) turned by t·θ_i.
fn turned(x1: f32, x2: f32, i: u32, t: u32) -> vec2f {
  let sc = sinCos(f32(t) * p.invFreq[i / 4u][i % 4u]);
  return vec2f(x1 * sc.y - x2 * sc.x, x2 * sc.y + x1 * sc.x);
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3u) {
  let h = wid.x;
  let b = wid.y;
  let t = u32(pos[0]);
  let group = p.H / p.Hkv;
  let g = h / group;
  let qi = (b * p.H + h) * p.Dh;
  let ki = (b * p.Hkv + g) * p.Dh;
  if (p.rope == 1u) {
    let half = p.Dh / 2u;
    for (var i = lid; i < half; i += WG) {
      let tq = turned(q[qi + i], q[qi + i + half], i, t);
      qs[i] = tq.x;
      qs[i + half] = tq.y;
      let tk = turned(k[ki + i], k[ki + i + half], i, t);
      kn[i] = tk.x;
      kn[i + half] = tk.y;
    }
  } else {
    for (var d = lid; d < p.Dh; d += WG) {
      qs[d] = q[qi + d];
      kn[d] = k[ki + d];
    }
  }
  for (var d = lid; d < p.Dh; d += WG) { vn[d] = v[ki + d]; }
  workgroupBarrier();
  if (h % group == 0u) {
    let ci = ((b * p.S + t % p.S) * p.Hkv + g) * p.Dh;
    for (var d = lid; d < p.Dh; d += WG) {
      kc[ci + d] = kn[d];
      vc[ci + d] = vn[d];
    }
  }
  let lo = select(0u, t + 1u - p.window, p.window > 0u && t + 1u > p.window);
  let n = t + 1u - lo; // visible positions; the last is t
  let si = (b * p.H + h) * p.S;
  var m = -3.0e38;
  for (var i = lid; i < n; i += WG) {
    var s = 0.0;
    if (i + 1u == n) {
      for (var d = 0u; d < p.Dh; d++) { s += qs[d] * kn[d]; }
    } else {
      let kj = ((b * p.S + (lo + i) % p.S) * p.Hkv + g) * p.Dh;
      for (var d = 0u; d < p.Dh; d++) { s += qs[d] * kc[kj + d]; }
    }
    s *= p.scale;
    aux[si + i] = s;
    m = max(m, s);
  }
  let M = reduce(lid, m, true);
  var l = 0.0;
  for (var i = lid; i < n; i += WG) {
    let e = exp(aux[si + i] - M);
    aux[si + i] = e;
    l += e;
  }
  let L = reduce(lid, l, false);
  storageBarrier();
  for (var d = lid; d < p.Dh; d += WG) {
    var acc = aux[si + n - 1u] * vn[d];
    for (var i = 0u; i + 1u < n; i++) {
      acc += aux[si + i] * vc[((b * p.S + (lo + i) % p.S) * p.Hkv + g) * p.Dh + d];
    }
    o[qi + d] = acc / L;
  }
}
