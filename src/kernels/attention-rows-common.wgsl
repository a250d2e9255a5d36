// Shared by the rows attention kernels (prepended): overrides, masked q/k/v chunks; kernels declare p, q, k, v.
override NV: u32 = 32u;    // vec4 chunks per head row, ⌈Dh/4⌉; the host unrolls `c < NV` loops
override VEC: bool = true; // Dh % 4 == 0: every row starts on a vec4
const MAX_NV = 32u;        // Dh ≤ 128
const WG = 64u;

// Chunk c (dims 4c..4c+3) of the row starting at element `base`; dims ≥ Dh read as zero.
fn mask(c: u32) -> vec4<bool> { return vec4u(c * 4u) + vec4u(0u, 1u, 2u, 3u) < vec4u(p.Dh); }
fn qChunk(base: u32, c: u32) -> vec4f {
  let i = base + c * 4u;
  if (VEC) { return q[i >> 2u]; }
  let x = vec4f(q[i >> 2u][i & 3u], q[(i + 1u) >> 2u][(i + 1u) & 3u],
                q[(i + 2u) >> 2u][(i + 2u) & 3u], q[(i + 3u) >> 2u][(i + 3u) & 3u]);
  return select(vec4f(0.0), x, mask(c));
}
fn kChunk(base: u32, c: u32) -> vec4f {
  let i = base + c * 4u;
  if (VEC) { return k[i >> 2u]; }
  let x = vec4f(k[i >> 2u][i & 3u], k[(i + 1u) >> 2u][(i + 1u) & 3u],
                k[(i + 2u) >> 2u][(i + 2u) & 3u], k[(i + 3u) >> 2u][(i + 3u) & 3u]);
  return select(vec4f(0.0), x, mask(c));
}
fn vChunk(base: u32, c: u32) -> vec4f {
  let i = base + c * 4u;
  if (VEC) { return v[i >> 2u]; }
  let x = vec4f(v[i >> 2u][i & 3u], v[(i + 1u) >> 2u][(i + 1u) & 3u],
                v[(i + 2u) >> 2u][(i + 2u) & 3u], v[(i + 3u) >> 2u][(i + 3u) & 3u]);
  return select(vec4f(0.0), x, mask(c));
}

