// Gated DeltaNet recurrence forward, after gdn-common.wgsl. One workgroup per (b, h), one invocation
// per column j of the state S (dk × dv, K×V layout), held in registers (NV vec4s):
//   s_j ← α_t s_j;  v′_j = β_t (v_tj − s_j·k_t);  s_j += k_t v′_j;  o_tj = s_j·q_t.
// Columns are independent (Sᵀk and Sᵀq are per-column dots): no barriers, no workgroup memory. Every
// CHUNK steps each invocation saves its column to chunkStates for the backward; global memory never
// sees the per-step state. The decode step is this kernel with T = 1.
struct Params {
  T: u32, H: u32, dk: u32, dv: u32, nChunks: u32,
  flags: u32, // 1 = state: read as S_0, overwritten with S_T; 2 = write chunk states
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> o: array<f32>;           // (B, T, H, dv)
@group(0) @binding(2) var<storage, read_write> chunkStates: array<f32>; // (B, H, nChunks, dk, dv)
@group(0) @binding(3) var<storage, read_write> state: array<f32>;       // (B, H, dk, dv)

// Column j's components 4c … 4c + 3, starting at element `at` (row i at at + i·dv), zero past dk.
fn loadState(at: u32, c: u32) -> vec4f {
  var s = vec4f(0.0);
  for (var l = 0u; l < 4u; l++) {
    if (c * 4u + l < p.dk) { s[l] = state[at + (c * 4u + l) * p.dv]; }
  }
  return s;
}

fn storeState(at: u32, c: u32, s: vec4f) {
  for (var l = 0u; l < 4u; l++) {
    if (c * 4u + l < p.dk) { state[at + (c * 4u + l) * p.dv] = s[l]; }
  }
}

fn storeChunkState(at: u32, c: u32, s: vec4f) {
  for (var l = 0u; l < 4u; l++) {
    if (c * 4u + l < p.dk) { chunkStates[at + (c * 4u + l) * p.dv] = s[l]; }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) j: u32) {
  let b = wg.y;
  let h = wg.x;
  let bh = b * p.H + h;
  let at = bh * p.dk * p.dv + j;
  var s: array<vec4f, MAX_NV>;
  for (var c = 0u; c < NV; c++) {
    if ((p.flags & 1u) != 0u) { s[c] = loadState(at, c); } else { s[c] = vec4f(0.0); }
  }
  for (var t = 0u; t < p.T; t++) {
    if ((p.flags & 2u) != 0u && t % CHUNK == 0u) {
      let atChunk = (bh * p.nChunks + t / CHUNK) * p.dk * p.dv + j;
      for (var c = 0u; c < NV; c++) { storeChunkState(atChunk, c, s[c]); }
    }
    let r = (b * p.T + t) * p.H + h;
    let kq = r * p.dk;
    let a = exp(g[r]);
    var u = vec4f(0.0);
    for (var c = 0u; c < NV; c++) {
      s[c] *= a;
      u = fma(s[c], rowK(kq, c), u);
    }
    let vp = beta[r] * (v[r * p.dv + j] - dot(u, vec4f(1.0)));
    var acc = vec4f(0.0);
    for (var c = 0u; c < NV; c++) {
      s[c] = fma(rowK(kq, c), vec4f(vp), s[c]);
      acc = fma(s[c], rowQ(kq, c), acc);
    }
    o[r * p.dv + j] = dot(acc, vec4f(1.0));
  }
  if ((p.flags & 1u) != 0u) {
    for (var c = 0u; c < NV; c++) { storeState(at, c, s[c]); }
  }
}
