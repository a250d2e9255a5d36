// Attention forward, rows variant (no workgroup memory, no barriers): one invocation per (batch, head, query) streams its visible keys with an online softmax, o accumulated in vec4 registers.
struct Params {
  n: u32, T: u32, H: u32, Hkv: u32, Dh: u32,
  window: u32,
  scale: f32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> o: array<vec4f>;   // (B, T, H, Dh)
@group(0) @binding(2) var<storage, read_write> lse: array<f32>;   // (B, H, T)
@group(0) @binding(3) var<storage, read> q: array<vec4f>;         // (B, T, H, Dh)
@group(0) @binding(4) var<storage, read> k: array<vec4f>;         // (B, T, Hkv, Dh)
@group(0) @binding(5) var<storage, read> v: array<vec4f>;         // (B, T, Hkv, Dh)

override NV: u32 = 32u;    // vec4 chunks per head row, ⌈Dh / 4⌉
override VEC: bool = true; // Dh % 4 == 0: rows start on vec4 boundaries
const MAX_NV = 32u;        // Dh ≤ 128
const WG = 64u;
const NEG = -1e30;

// Chunk c of the head row starting at element `base`; dims ≥ Dh read as zero.
fn chunk(x: ptr<storage, array<vec4f>, read>, base: u32, c: u32) -> vec4f {
  let d = c * 4u;
  if (VEC) { return (*x)[(base + d) >> 2u]; }
  var r = vec4f(0.0);
  for (var e = 0u; e < 4u; e++) {
    let i = base + d + e;
    r[e] = select(0.0, (*x)[i >> 2u][i & 3u], d + e < p.Dh);
  }
  return r;
}
