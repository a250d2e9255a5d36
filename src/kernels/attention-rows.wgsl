// Attention forward, rows variant: one invocation per (batch, head, query), keys streamed, online softmax.
// Prepended: attention-rows-common.wgsl (sizes, q/k/v chunk reads).
struct Params {
  n: u32, T: u32, H: u32, Hkv: u32, Dh: u32,
  window: u32,
  scale: f32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> o: array<vec4f>; // (B, T, H, Dh)
@group(0) @binding(2) var<storage, read_write> lse: array<f32>; // (B, H, T)
@group(0) @binding(3) var<storage, read> q: array<vec4f>;       // (B, T, H, Dh)
@group(0) @binding(4) var<storage, read> k: array<vec4f>;       // (B, T, Hkv, Dh)
@group(0) @binding(5) var<storage, read> v: array<vec4f>;       // (B, T, Hkv, Dh)

const NEG = -1e30;         // −∞ that keeps exp(NEG − NEG) finite

// o_t = Σ_j P_tj v_j over the visible keys with a running max m and sum l of exp(s − m); lse = m + log l.
@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let row = gid.x + gid.y * (nwg.x * WG); // (b·H + h)·T + t
  if (row >= p.n) { return; }
  let t = row % p.T;
  let h = (row / p.T) % p.H;
  let b = row / (p.T * p.H);
  let qBase = ((b * p.T + t) * p.H + h) * p.Dh;
  let kStride = p.Hkv * p.Dh;
  let kBase = b * p.T * kStride + (h / (p.H / p.Hkv)) * p.Dh;
  var qr: array<vec4f, MAX_NV>;
  var acc: array<vec4f, MAX_NV>;
  for (var c = 0u; c < NV; c++) { qr[c] = qChunk(qBase, c) * p.scale; }
  var j = 0u;
  if (p.window > 0u && t + 1u > p.window) { j = t + 1u - p.window; }
  var m = NEG;
  var l = 0.0;
  for (; j <= t; j++) {
    let kj = kBase + j * kStride;
    var s = 0.0;
    for (var c = 0u; c < NV; c++) { s += dot(qr[c], kChunk(kj, c)); }
    let mNew = max(m, s);
    let alpha = exp(m - mNew);
    let pj = exp(s - mNew);
    l = l * alpha + pj;
    m = mNew;
    for (var c = 0u; c < NV; c++) { acc[c] = acc[c] * alpha + pj * vChunk(kj, c); }
  }
  for (var c = 0u; c < NV; c++) {
    let x = acc[c] / l;
    if (VEC) {
      o[(qBase >> 2u) + c] = x;
    } else {
      for (var e = 0u; e < 4u; e++) {
        let d = c * 4u + e;
        let i = qBase + d;
        if (d < p.Dh) { o[i >> 2u][i & 3u] = x[e]; }
      }
    }
  }
  lse[(b * p.H + h) * p.T + t] = m + log(l);
}
