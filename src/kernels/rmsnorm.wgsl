// RMSNorm over rows of width D: y = x·rstd·w with rstd = 1/√(mean(x²) + eps), saved per row.
// forward and backward (dx): one workgroup or one invocation (ROWS) per row. dweight: one invocation
// per (block of rows, column) writes a partial sum; sumRows' kernel then adds the partials in order.
// Prepended: norm-common.wgsl (Params, p, dx, dy, partials, WG, ROWS, rowWork, readRow,
// writesRow, rowTotal, storeDx, blockRows).
alias Sum = f32;
@group(0) @binding(3) var<storage, read> x: array<f32>;
// forward: y, rstdOut, x, weight
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> rstdOut: array<f32>;
@group(0) @binding(4) var<storage, read> weight: array<f32>;
// backward: dx, dy, x, weight, rstd
@group(0) @binding(5) var<storage, read> rstd: array<f32>;
// dweight: partials (blocks, D), dy, x, rstd (bound 4th here: this entry has no weight)
@group(0) @binding(4) var<storage, read> rowRstd: array<f32>;

@compute @workgroup_size(WG)
fn forward(
  @builtin(workgroup_id) wg: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let w = rowWork(wg, nwg, lid);
  let base = w.row * p.D;
  var ss = 0.0;
  for (var i = w.first; i < w.end; i += w.step) {
    let v = x[base + i];
    ss += v * v;
  }
  let r = inverseSqrt(rowTotal(ss, lid) / f32(p.D) + p.eps);
  for (var i = w.first; i < w.end; i += w.step) {
    y[base + i] = x[base + i] * r * weight[i];
  }
  if (writesRow(w)) { rstdOut[w.row] = r; }
}

// dx = r·(g − x̂·mean(g ⊙ x̂)) with g = dy ⊙ w, x̂ = x·r.
@compute @workgroup_size(WG)
fn backward(
  @builtin(workgroup_id) wg: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let w = rowWork(wg, nwg, lid);
  let base = w.row * p.D;
  let r = rstd[readRow(w)];
  var dot = 0.0;
  for (var i = w.first; i < w.end; i += w.step) {
    dot += dy[base + i] * weight[i] * x[base + i];
  }
  let m = rowTotal(dot, lid) * r / f32(p.D); // mean(g ⊙ x̂)
  for (var i = w.first; i < w.end; i += w.step) {
    let v = r * (dy[base + i] * weight[i] - x[base + i] * r * m);
    storeDx(base + i, v);
  }
}

// partials[blk, c] = Σ dy ⊙ x̂ over the rows of block blk, in row order.
@compute @workgroup_size(64)
fn dweight(@builtin(global_invocation_id) gid: vec3u) {
  let c = gid.x;
  let blk = gid.y;
  if (c >= p.D) { return; }
  let rs = blockRows(blk);
  var s = 0.0;
  for (var r = rs.x; r < rs.y; r++) {
    s += dy[r * p.D + c] * x[r * p.D + c] * rowRstd[r];
  }
  partials[blk * p.D + c] = s;
}
