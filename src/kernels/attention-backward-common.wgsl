// Shared by the tiled attention backward kernels (after attention-common): Params, tiles, dO loads.
struct Params {
  T: u32, H: u32, Hkv: u32, Dh: u32,
  window: u32, accumulate: u32,
  scale: f32,
}
@group(0) @binding(0) var<uniform> p: Params;

// 16 rows × one 16-dim chunk, padded to 17 so that reads down a column do not conflict.
var<workgroup> qc: array<array<f32, 17>, 16>;  // [query][dim]
var<workgroup> doc: array<array<f32, 17>, 16>; // [query][dim]
var<workgroup> kc: array<array<f32, 17>, 16>;  // [key][dim]
var<workgroup> vc: array<array<f32, 17>, 16>;  // [key][dim]

fn loadDO(base: u32, row: u32, d: u32) -> f32 {
  if (row >= p.T || d >= p.Dh) { return 0.0; }
  return dO[base + row * p.H * p.Dh + d];
}
