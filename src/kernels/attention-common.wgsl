// Shared by the tiled attention kernels (prepended): masked q/k/v loads; kernels declare p, q, k, v.
const MAX_CHUNKS = 8u; // 16-dim chunks per head row, Dh ≤ 128

// Elements outside the sequence (row ≥ T) or the head (d ≥ Dh) read as zero.
fn loadQ(base: u32, row: u32, d: u32) -> f32 {
  if (row >= p.T || d >= p.Dh) { return 0.0; }
  return q[base + row * p.H * p.Dh + d];
}
fn loadK(base: u32, row: u32, d: u32) -> f32 {
  if (row >= p.T || d >= p.Dh) { return 0.0; }
  return k[base + row * p.Hkv * p.Dh + d];
}
fn loadV(base: u32, row: u32, d: u32) -> f32 {
  if (row >= p.T || d >= p.Dh) { return 0.0; }
  return v[base + row * p.Hkv * p.Dh + d];
}
