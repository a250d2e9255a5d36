// What both plans of one decode step of attention share: the uniform, the new token's query, key and
// value turned by RoPE into workgroup memory, the append to the KV cache, the visible range and the
// cache addressing. Position j lives in slot j mod S of a cache of S slots (a ring when a sliding
// window keeps only W positions); the visible positions are [lo, t] (lo = max(0, t − W + 1); W = 0:
// lo = 0) and t − lo < S is the caller's promise, so slot t mod S holds no visible position and no
// workgroup reads the slot being written: position t itself is read from workgroup memory.
// Needs rope-common.wgsl (sinCos) before it; the kernel declares p, q, k, v, kc and vc.
struct Params {
  B: u32, H: u32, Hkv: u32, Dh: u32, S: u32, window: u32, rope: u32,
  splits: u32, // workgroups per (sequence, head) that share the visible positions
  scale: f32, _f0: f32, _f1: f32, _f2: f32,
  invFreq: array<vec4f, 32>, // θ_i of RoPE's pairs (i, i + Dh/2)
}

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

// Start of the Dh values of position j of kv head g of sequence b in a cache.
fn slot(b: u32, j: u32, g: u32) -> u32 {
  return ((b * p.S + j % p.S) * p.Hkv + g) * p.Dh;
}

// The first visible position from t.
fn firstVisible(t: u32) -> u32 {
  return select(0u, t + 1u - p.window, p.window > 0u && t + 1u > p.window);
}

// Fills qs, kn and vn with query head h and kv head g of sequence b at position t (q and k turned when
// rope = 1); with `append`, also writes kn and vn at slot t mod S of the caches. Ends with a barrier.
fn loadToken(lid: u32, b: u32, h: u32, g: u32, t: u32, append: bool) {
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
  if (append) {
    let ci = slot(b, t, g);
    for (var d = lid; d < p.Dh; d += WG) {
      kc[ci + d] = kn[d];
      vc[ci + d] = vn[d];
    }
  }
}

// The scaled score of the turned query against visible position lo + i of n (the last is t: kn).
fn scoreAt(b: u32, g: u32, lo: u32, i: u32, n: u32) -> f32 {
  var s = 0.0;
  if (i + 1u == n) {
    for (var d = 0u; d < p.Dh; d++) { s += qs[d] * kn[d]; }
  } else {
    let kj = slot(b, lo + i, g);
    for (var d = 0u; d < p.Dh; d++) { s += qs[d] * kc[kj + d]; }
  }
  return s * p.scale;
}

// Dimension d of the value at visible position lo + i of n (the last is t: vn).
fn valueAt(b: u32, g: u32, lo: u32, i: u32, n: u32, d: u32) -> f32 {
  if (i + 1u == n) { return vn[d]; }
  return vc[slot(b, lo + i, g) + d];
}
