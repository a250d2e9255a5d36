// Shared by the row-norm kernels (prepended by the host); each declares `alias Sum` (the type rowSum adds).
struct Params { rows: u32, D: u32, rowsPerBlock: u32, accumulate: u32, eps: f32 }
@group(0) @binding(0) var<uniform> p: Params;
// backward: dx, dy, …; the parameter partials entry: partials, dy, …
@group(0) @binding(1) var<storage, read_write> dx: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read_write> partials: array<f32>;

override WG: u32 = 256; // a power of two
var<workgroup> red: array<Sum, WG>;

// Sum of v over the workgroup (tree in workgroup memory, fixed order).
fn rowSum(v: Sum, lid: u32) -> Sum {
  red[lid] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) { red[lid] += red[lid + s]; }
    workgroupBarrier();
  }
  let total = red[0];
  workgroupBarrier();
  return total;
}

fn rowOf(wg: vec3u, nwg: vec3u) -> u32 {
  return wg.x + wg.y * nwg.x;
}

// dx[i] = v, or dx[i] += v when accumulating.
fn storeDx(i: u32, v: f32) {
  if (p.accumulate == 1u) { dx[i] += v; } else { dx[i] = v; }
}

// The rows [x, y) of row block blk, whose parameter gradients one partial sums.
fn blockRows(blk: u32) -> vec2u {
  let r0 = blk * p.rowsPerBlock;
  return vec2u(r0, min(p.rows, r0 + p.rowsPerBlock));
}
