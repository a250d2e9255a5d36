// Shared by the SSD (Mamba-2) kernels (prepended by the host): the inputs every kernel binds at the same
// slots, and masked vec4 loads of B, C rows (over N) and of x rows (over P). Each kernel declares
// `p: Params` with fields T, H, P, N, G.
@group(0) @binding(4) var<storage, read> x: array<f32>;  // (B, T, H, P)
@group(0) @binding(5) var<storage, read> dt: array<f32>; // (B, T, H), Δ > 0
@group(0) @binding(6) var<storage, read> A: array<f32>;  // (H), A < 0
@group(0) @binding(7) var<storage, read> Bm: array<f32>; // (B, T, G, N)
@group(0) @binding(8) var<storage, read> C: array<f32>;  // (B, T, G, N)

override NV: u32 = 4u;     // vec4s per register vector (⌈N/4⌉ or ⌈P/4⌉); the host unrolls `c < NV` loops
override CHUNK: u32 = 16u; // time steps per chunk
override WG: u32 = 64u;    // invocations per workgroup: one per state row p (or column n)
const MAX_NV = 32u;        // N, P ≤ 128

// Which components of vec4 c of a vector of length n exist (i = 4c + l < n).
fn lanes(c: u32, n: u32) -> vec4<bool> {
  return vec4u(c * 4u) + vec4u(0u, 1u, 2u, 3u) < vec4u(n);
}

// Components 4c … 4c + 3 of the B (or C) row starting at i0, zero past N (reads past the row are masked,
// past the buffer clamped by WebGPU's bounds checks).
fn rowB(i0: u32, c: u32) -> vec4f {
  let i = i0 + c * 4u;
  return select(vec4f(0.0), vec4f(Bm[i], Bm[i + 1u], Bm[i + 2u], Bm[i + 3u]), lanes(c, p.N));
}

fn rowC(i0: u32, c: u32) -> vec4f {
  let i = i0 + c * 4u;
  return select(vec4f(0.0), vec4f(C[i], C[i + 1u], C[i + 2u], C[i + 3u]), lanes(c, p.N));
}

// Components 4c … 4c + 3 of the x row starting at i0, zero past P.
fn rowX(i0: u32, c: u32) -> vec4f {
  let i = i0 + c * 4u;
  return select(vec4f(0.0), vec4f(x[i], x[i + 1u], x[i + 2u], x[i + 3u]), lanes(c, p.P));
}

// The group of head h: heads of a group are contiguous (mamba_ssm).
fn groupOf(h: u32) -> u32 {
  return h / (p.H / p.G);
}
