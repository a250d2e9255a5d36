// Column sums over blocks of rows: dst[blk·cols + c] = Σ x[offset + r·stride + c] for the rows r of
// block blk, in row order (deterministic). Two launches make a two-pass reduction (elementwise.ts).
struct Params { rows: u32, cols: u32, stride: u32, offset: u32, rowsPerBlock: u32, accumulate: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let c = gid.x;
  let blk = gid.y;
  if (c >= p.cols) { return; }
  let r0 = blk * p.rowsPerBlock;
  let r1 = min(p.rows, r0 + p.rowsPerBlock);
  var s = 0.0;
  for (var r = r0; r < r1; r++) {
    s += x[p.offset + r * p.stride + c];
  }
  let i = blk * p.cols + c;
  if (p.accumulate == 1u) { dst[i] += s; } else { dst[i] = s; }
}
