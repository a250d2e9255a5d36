// Shared by the row-norm kernels (prepended by the host); each declares `alias Sum` (the type rowTotal adds).
struct Params { rows: u32, D: u32, rowsPerBlock: u32, accumulate: u32, eps: f32 }
@group(0) @binding(0) var<uniform> p: Params;
// backward: dx, dy, …; the parameter partials entry: partials, dy, …
@group(0) @binding(1) var<storage, read_write> dx: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read_write> partials: array<f32>;

override WG: u32 = 256; // a power of two
// Plan: true = one invocation per row (WG rows per workgroup, no barriers: software adapters);
// false = one workgroup per row, its values spread over the lanes and summed by rowSum.
override ROWS: bool = false;
var<workgroup> red: array<Sum, WG>;

// An invocation's share of a row: values first, first + step, … below end (0 past the last row, so
// every invocation of a workgroup reaches the barriers).
struct RowWork { row: u32, first: u32, step: u32, end: u32 }

fn rowWork(wg: vec3u, nwg: vec3u, lid: u32) -> RowWork {
  let group = wg.x + wg.y * nwg.x;
  var w = RowWork(group, lid, WG, 0u);
  if (ROWS) { w = RowWork(group * WG + lid, 0u, 1u, 0u); }
  if (w.row < p.rows) { w.end = p.D; }
  return w;
}

// The row w reads per-row values (x[row, 0], mean, rstd) from: its own; past the end, the last
// (read, unused).
fn readRow(w: RowWork) -> u32 {
  return min(w.row, p.rows - 1u);
}

// Whether this invocation writes the row's own outputs (mean, rstd).
fn writesRow(w: RowWork) -> bool {
  return w.row < p.rows && w.first == 0u;
}

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

// Sum of v over the row: v itself when one invocation holds the whole row.
fn rowTotal(v: Sum, lid: u32) -> Sum {
  if (ROWS) { return v; }
  return rowSum(v, lid);
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
