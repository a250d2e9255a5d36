// Shared by the SSD (Mamba-2) kernels (prepended by the host): the inputs every kernel binds at the same
// slots, and masked vec4 loads of B, C rows (over N) and of x rows (over P). x, B and C are bound as
// vec4 arrays (the pool rounds buffers to 16 bytes): rows of a multiple of 4 load as whole vec4s, which
// SwiftShader runs far faster than four bounds-checked scalar loads. Each kernel declares `p: Params`
// with fields T, H, P, N, G.
@group(0) @binding(4) var<storage, read> x: array<vec4f>;  // (B, T, H, P)
@group(0) @binding(5) var<storage, read> dt: array<f32>;   // (B, T, H), Δ > 0
@group(0) @binding(6) var<storage, read> A: array<f32>;    // (H), A < 0
@group(0) @binding(7) var<storage, read> Bm: array<vec4f>; // (B, T, G, N)
@group(0) @binding(8) var<storage, read> C: array<vec4f>;  // (B, T, G, N)

override NV: u32 = 4u;      // vec4s per register vector (⌈N/4⌉ or ⌈P/4⌉); the host unrolls `c < NV` loops
override WG: u32 = 64u;     // invocations per workgroup: one per state row p (or column n)
override VEC_N: bool = true; // N % 4 == 0: B and C rows start on a vec4
override VEC_P: bool = true; // P % 4 == 0: x rows start on a vec4
// Private arrays need a constant size: the host writes NV in place of the placeholder.
const MAX_NV = NV_PLACEHOLDER;

// Which components of vec4 c of a vector of length n exist (i = 4c + l < n).
fn lanes(c: u32, n: u32) -> vec4<bool> {
  return vec4u(c * 4u) + vec4u(0u, 1u, 2u, 3u) < vec4u(n);
}

fn xAt(i: u32) -> f32 { return x[i >> 2u][i & 3u]; }
fn bAt(i: u32) -> f32 { return Bm[i >> 2u][i & 3u]; }
fn cAt(i: u32) -> f32 { return C[i >> 2u][i & 3u]; }

// Components 4c … 4c + 3 of the B (or C) row starting at i0, zero past N.
fn rowB(i0: u32, c: u32) -> vec4f {
  let i = i0 + c * 4u;
  if (VEC_N) { return Bm[i >> 2u]; }
  return select(vec4f(0.0), vec4f(bAt(i), bAt(i + 1u), bAt(i + 2u), bAt(i + 3u)), lanes(c, p.N));
}

fn rowC(i0: u32, c: u32) -> vec4f {
  let i = i0 + c * 4u;
  if (VEC_N) { return C[i >> 2u]; }
  return select(vec4f(0.0), vec4f(cAt(i), cAt(i + 1u), cAt(i + 2u), cAt(i + 3u)), lanes(c, p.N));
}

// Components 4c … 4c + 3 of the x row starting at i0, zero past P.
fn rowX(i0: u32, c: u32) -> vec4f {
  let i = i0 + c * 4u;
  if (VEC_P) { return x[i >> 2u]; }
  return select(vec4f(0.0), vec4f(xAt(i), xAt(i + 1u), xAt(i + 2u), xAt(i + 3u)), lanes(c, p.P));
}

// The group of head h: heads of a group are contiguous (mamba_ssm).
fn groupOf(h: u32) -> u32 {
  return h / (p.H / p.G);
}
