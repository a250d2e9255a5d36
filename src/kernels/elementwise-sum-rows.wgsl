// Column sums over blocks of rows, in a fixed order (deterministic): dst[blk·cols + c] = Σ of
// x[offset + r·stride + c] over the rows r of block blk. `partials`: one invocation per (block,
// column), rows in order, for many short blocks. `total`: one block of many rows (the second pass of
// elementwise.ts' two-pass sums); LANES invocations per column sum rows l, l + LANES, …, then the
// lanes are added in order, so that no invocation walks a long serial chain of loads.
struct Params { rows: u32, cols: u32, stride: u32, offset: u32, rowsPerBlock: u32, accumulate: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;

const COLS = 32u;
const LANES = 8u;
var<workgroup> laneSums: array<f32, 256>; // LANES × COLS

fn store(i: u32, s: f32) {
  if (p.accumulate == 1u) { dst[i] += s; } else { dst[i] = s; }
}

@compute @workgroup_size(64)
fn partials(@builtin(global_invocation_id) gid: vec3u) {
  let c = gid.x;
  let blk = gid.y;
  if (c >= p.cols) { return; }
  let r1 = min(p.rows, (blk + 1u) * p.rowsPerBlock);
  var s = 0.0;
  for (var r = blk * p.rowsPerBlock; r < r1; r++) {
    s += x[p.offset + r * p.stride + c];
  }
  store(blk * p.cols + c, s);
}

@compute @workgroup_size(32, 8)
fn total(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let c = wg.x * COLS + lid.x;
  var s = 0.0;
  if (c < p.cols) {
    for (var r = lid.y; r < p.rows; r += LANES) {
      s += x[p.offset + r * p.stride + c];
    }
  }
  laneSums[lid.y * COLS + lid.x] = s;
  workgroupBarrier();
  if (lid.y == 0u && c < p.cols) {
    var sum = 0.0;
    for (var l = 0u; l < LANES; l++) { sum += laneSums[l * COLS + lid.x]; }
    store(c, sum);
  }
}
