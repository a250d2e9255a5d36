// Shared by every long-convolution shader: the uniform, complex arithmetic and the column layout. Spectra are arrays of f32 pairs (re, im): sequence s, bin k at 2·(s·N + k).
// Real columns: sequence s = b·C + c of an activation (B, T, C) row-major; a filter (T, C) is B = 1.
struct Params {
  T: u32,
  C: u32,
  N: u32,
  nSeq: u32,
  flag: u32,
  Ns: u32,
  nb: u32,
  radix: u32,
  scale: f32,
}
@group(0) @binding(0) var<uniform> p: Params;

fn cmul(a: vec2f, b: vec2f) -> vec2f {
  return vec2f(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x);
}

fn conj(a: vec2f) -> vec2f {
  return vec2f(a.x, -a.y);
}

/** Index of element t of real column `seq` in a (B, T, C) activation. */
fn colIndex(seq: u32, t: u32) -> u32 {
  let b = seq / p.C;
  let c = seq % p.C;
  return (b * p.T + t) * p.C + c;
}

/** Flat invocation index over a 2-D grid of 256-wide workgroups (dispatch.ts `grid`). */
fn flatIndex(gid: vec3u, nwg: vec3u) -> u32 {
  return gid.x + gid.y * nwg.x * 256u;
}
