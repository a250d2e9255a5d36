// WKV-7 recurrence forward, after wkv7-common.wgsl. One workgroup per (b, h), one invocation per row i of
// the state S (N × N, V×K layout: S[i][j], i value, j key), held in registers (NV vec4s). With α = −κ,
// β = κ ⊙ a:
//   sa_i = S_{t−1}[i]·α;  S_t[i] = S_{t−1}[i] ⊙ w + sa_i β + v_i k;  y_i = S_t[i]·r.
// Rows are independent (sa_i and y_i are per-row dots): no barriers, no workgroup memory. Every CHUNK
// steps each invocation saves its row to chunkStates, and sa (a vector per step, like y) is saved too:
// the backward's column pass needs it and cannot form row sums itself. The decode step is this kernel
// with T = 1 and the state in place.
struct Params {
  T: u32, H: u32, n: u32, nChunks: u32,
  flags: u32, // 1 = state: read as S_0, overwritten with S_T; 2 = write chunk states; 4 = write sa
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;           // (B, T, H, N)
@group(0) @binding(2) var<storage, read_write> chunkStates: array<f32>; // (B, H, nChunks, N, N)
@group(0) @binding(3) var<storage, read_write> state: array<f32>;       // (B, H, N, N)
@group(0) @binding(4) var<storage, read_write> saOut: array<f32>;       // (B, T, H, N)
@group(0) @binding(5) var<storage, read> packed: array<f32>;            // (B, T, H, 6, N)

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) i: u32) {
  let b = wg.y;
  let h = wg.x;
  let bh = b * p.H + h;
  let rowAt = (bh * p.n + i) * p.n;
  var s: array<vec4f, MAX_NV>;
  for (var c = 0u; c < NV; c++) {
    s[c] = vec4f(0.0);
    if ((p.flags & 1u) != 0u) {
      for (var l = 0u; l < 4u; l++) {
        if (c * 4u + l < p.n) { s[c][l] = state[rowAt + c * 4u + l]; }
      }
    }
  }
  for (var t = 0u; t < p.T; t++) {
    if ((p.flags & 2u) != 0u && t % CHUNK == 0u) {
      let atChunk = ((bh * p.nChunks + t / CHUNK) * p.n + i) * p.n;
      for (var c = 0u; c < NV; c++) {
        for (var l = 0u; l < 4u; l++) {
          if (c * 4u + l < p.n) { chunkStates[atChunk + c * 4u + l] = s[c][l]; }
        }
      }
    }
    let row = (b * p.T + t) * p.H + h;
    var sa4 = vec4f(0.0);
    for (var c = 0u; c < NV; c++) { sa4 = fma(s[c], -vecOf(row, KK_, c), sa4); }
    let sa = dot(sa4, vec4f(1.0));
    let vi = at(row, V_, i);
    var y4 = vec4f(0.0);
    for (var c = 0u; c < NV; c++) {
      let beta = vecOf(row, KK_, c) * vecOf(row, A_, c);
      s[c] = fma(s[c], vecOf(row, W_, c), fma(vec4f(sa), beta, vi * vecOf(row, K_, c)));
      y4 = fma(s[c], vecOf(row, R_, c), y4);
    }
    y[row * p.n + i] = dot(y4, vec4f(1.0));
    if ((p.flags & 4u) != 0u) { saOut[row * p.n + i] = sa; }
  }
  if ((p.flags & 1u) != 0u) {
    for (var c = 0u; c < NV; c++) {
      for (var l = 0u; l < 4u; l++) {
        if (c * 4u + l < p.n) { state[rowAt + c * 4u + l] = s[c][l]; }
      }
    }
  }
}
