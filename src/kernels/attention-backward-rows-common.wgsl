// Shared by the rows attention backward kernels (after attention-rows-common): Params, dO chunks.
struct Params {
  n: u32, T: u32, H: u32, Hkv: u32, Dh: u32,
  window: u32, accumulate: u32,
  scale: f32,
}
@group(0) @binding(0) var<uniform> p: Params;

fn dOChunk(base: u32, c: u32) -> vec4f {
  let i = base + c * 4u;
  if (VEC) { return dO[i >> 2u]; }
  let x = vec4f(dO[i >> 2u][i & 3u], dO[(i + 1u) >> 2u][(i + 1u) & 3u],
                dO[(i + 2u) >> 2u][(i + 2u) & 3u], dO[(i + 3u) >> 2u][(i + 3u) & 3u]);
  return select(vec4f(0.0), x, mask(c));
}
