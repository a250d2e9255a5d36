// Single-query attention for decode: one new query per (sequence, head) over a KV cache of S slots,
// where position j lives in slot j mod S (a ring when a sliding window keeps only S = W positions).
// Visible positions: [lo, pos] with lo = max(0, pos − W + 1) (W = 0: lo = 0); pos − lo < S is the
// caller's promise. Entry `append` writes the new k, v at slot pos mod S; entry `main` attends.
struct Params { B: u32, H: u32, Hkv: u32, Dh: u32, S: u32, window: u32, _p0: u32, _p1: u32, scale: f32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;   // main: o (B, H, Dh); append: k cache
@group(0) @binding(2) var<storage, read_write> aux: array<f32>;   // main: scores (B, H, S); append: v cache
@group(0) @binding(3) var<storage, read> a: array<f32>;           // main: q (B, H, Dh); append: k (B, Hkv, Dh)
@group(0) @binding(4) var<storage, read> kc: array<f32>;          // main: k cache; append: v (B, Hkv, Dh)
@group(0) @binding(5) var<storage, read> pos: array<i32>;
@group(0) @binding(6) var<storage, read> vc: array<f32>;          // main: v cache; append: unbound

const WG = 64u;
var<workgroup> red: array<f32, WG>;

// kc/vc[b, slot, g, d] = k/v[b, g, d] for slot = pos mod S; one invocation per element of k.
@compute @workgroup_size(WG)
fn append(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  let row = p.Hkv * p.Dh;
  if (i >= p.B * row) { return; }
  let b = i / row;
  let slot = u32(pos[0]) % p.S;
  let j = (b * p.S + slot) * row + i % row;
  dst[j] = a[i];
  aux[j] = kc[i];
}

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

// One workgroup per (h, b): scores of the visible keys (strided over invocations) into the scratch,
// their max, exp and sum, then o[d] = Σ_i p_i v_i[d] / Σ_i p_i with invocations over d.
@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3u) {
  let h = wid.x;
  let b = wid.y;
  let t = u32(pos[0]);
  let lo = select(0u, t + 1u - p.window, p.window > 0u && t + 1u > p.window);
  let n = t + 1u - lo;
  let g = h / (p.H / p.Hkv);
  let qi = (b * p.H + h) * p.Dh;
  let si = (b * p.H + h) * p.S;
  var m = -3.0e38;
  for (var i = lid; i < n; i += WG) {
    let ki = ((b * p.S + (lo + i) % p.S) * p.Hkv + g) * p.Dh;
    var s = 0.0;
    for (var d = 0u; d < p.Dh; d++) { s += a[qi + d] * kc[ki + d]; }
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
    var acc = 0.0;
    for (var i = 0u; i < n; i++) {
      acc += aux[si + i] * vc[((b * p.S + (lo + i) % p.S) * p.Hkv + g) * p.Dh + d];
    }
    dst[qi + d] = acc / L;
  }
}
