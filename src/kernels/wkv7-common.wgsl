// Shared by the WKV-7 recurrence kernels (prepended by the host): the packed per-step inputs and their
// masked vec4 loads. `packed` is (B, T, H, 6, N): r, w = exp(log w), k, v, κ, a for every (b, t, h) row,
// written by wkv7-pack.wgsl. Each kernel declares `p: Params` with a field `n` (the head size N) and
// binds `packed` at PACKED_BINDING.
override NV: u32 = 4u;     // vec4s per state row, ⌈N/4⌉; the host unrolls `c < NV` loops
override CHUNK: u32 = 16u; // time steps per chunk
override WG: u32 = 64u;    // invocations per workgroup: N, one per state row (or column)
const MAX_NV = 32u;        // N ≤ 128

// Which entries of packed row (B·T·H row `row`, input q).
const R_ = 0u;
const W_ = 1u;
const K_ = 2u;
const V_ = 3u;
const KK_ = 4u;
const A_ = 5u;

// Which components of vec4 c exist (index 4c + l < N).
fn lanes(c: u32) -> vec4<bool> {
  return vec4u(c * 4u) + vec4u(0u, 1u, 2u, 3u) < vec4u(p.n);
}

// Element i of input q at (b, t, h) row `row`.
fn at(row: u32, q: u32, i: u32) -> f32 {
  return packed[(row * 6u + q) * p.n + i];
}

// Components 4c … 4c + 3 of input q at row `row`, zero past N (reads past the row are masked).
fn vecOf(row: u32, q: u32, c: u32) -> vec4f {
  let i = (row * 6u + q) * p.n + c * 4u;
  return select(vec4f(0.0), vec4f(packed[i], packed[i + 1u], packed[i + 2u], packed[i + 3u]), lanes(c));
}
