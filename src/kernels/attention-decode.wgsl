// One decode step of attention in one dispatch, the single plan: one workgroup per (sequence, head)
// turns the new query and key, the first query head of each kv group appends the token's k, v to the
// KV cache, and the query attends to every visible position: scores in a scratch buffer, softmax, then
// o = Σ p_i v_i. Needs rope-common.wgsl and attention-decode-common.wgsl before it.
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> o: array<f32>;      // (B, H, Dh)
@group(0) @binding(2) var<storage, read_write> aux: array<f32>;    // scores scratch (B, H, S)
@group(0) @binding(3) var<storage, read_write> kc: array<f32>;     // k cache (B, S, Hkv, Dh)
@group(0) @binding(4) var<storage, read_write> vc: array<f32>;     // v cache (B, S, Hkv, Dh)
@group(0) @binding(5) var<storage, read> q: array<f32>;            // (B, H, Dh), before RoPE
@group(0) @binding(6) var<storage, read> k: array<f32>;            // (B, Hkv, Dh), before RoPE
@group(0) @binding(7) var<storage, read> v: array<f32>;            // (B, Hkv, Dh)
@group(0) @binding(8) var<storage, read> pos: array<i32>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3u) {
  let h = wid.x;
  let b = wid.y;
  let t = u32(pos[0]);
  let group = p.H / p.Hkv;
  let g = h / group;
  loadToken(lid, b, h, g, t, h % group == 0u);
  let lo = firstVisible(t);
  let n = t + 1u - lo; // visible positions; the last is t
  let si = (b * p.H + h) * p.S;
  var m = -3.0e38;
  for (var i = lid; i < n; i += WG) {
    let s = scoreAt(b, g, lo, i, n);
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
  let qi = (b * p.H + h) * p.Dh;
  for (var d = lid; d < p.Dh; d += WG) {
    var acc = aux[si + n - 1u] * vn[d];
    for (var i = 0u; i + 1u < n; i++) {
      acc += aux[si + i] * vc[slot(b, lo + i, g) + d];
    }
    o[qi + d] = acc / L;
  }
}
