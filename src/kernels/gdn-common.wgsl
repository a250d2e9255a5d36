// Shared by the Gated DeltaNet kernels (prepended by the host): the inputs both bind at the same slots,
// the sizes and masked loads of q and k rows. Each kernel declares `p: Params` with fields T, H, dk, dv.
@group(0) @binding(4) var<storage, read> q: array<f32>;    // (B, T, H, dk)
@group(0) @binding(5) var<storage, read> k: array<f32>;    // (B, T, H, dk)
@group(0) @binding(6) var<storage, read> v: array<f32>;    // (B, T, H, dv)
@group(0) @binding(7) var<storage, read> beta: array<f32>; // (B, T, H)
@group(0) @binding(8) var<storage, read> g: array<f32>;    // (B, T, H), log-decay

override NV: u32 = 4u;     // vec4s per state column, ⌈dk/4⌉; the host unrolls `c < NV` loops
override CHUNK: u32 = 16u; // time steps per chunk
override WG: u32 = 64u;    // invocations per workgroup: dv, one per state column
const MAX_NV = 32u;        // dk ≤ 128

// Which components of vec4 c of a column exist (i = 4c + l < dk).
fn lanes(c: u32) -> vec4<bool> {
  return vec4u(c * 4u) + vec4u(0u, 1u, 2u, 3u) < vec4u(p.dk);
}

// Components 4c … 4c + 3 of the q (or k) row starting at i0, zero past dk (reads past the row are
// masked, past the buffer clamped by WebGPU's bounds checks).
fn rowQ(i0: u32, c: u32) -> vec4f {
  let i = i0 + c * 4u;
  return select(vec4f(0.0), vec4f(q[i], q[i + 1u], q[i + 2u], q[i + 3u]), lanes(c));
}

fn rowK(i0: u32, c: u32) -> vec4f {
  let i = i0 + c * 4u;
  return select(vec4f(0.0), vec4f(k[i], k[i + 1u], k[i + 2u], k[i + 3u]), lanes(c));
}
