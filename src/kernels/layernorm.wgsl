// LayerNorm over rows of width D: y = (x − mean)·rstd·w + b with rstd = 1/√(var + eps); mean and rstd
// saved per row. forward (two-pass mean/variance) and backward (dx): one workgroup or one invocation
// (ROWS) per row.
// dparams: one invocation per (block of rows, column) writes partial dweight and dbias sums, which
// sumRows' kernel then adds in fixed order.
// Prepended: norm-common.wgsl (Params, p, dx, dy, partials, WG, ROWS, rowWork, readRow,
// writesRow, rowTotal, storeDx, blockRows).
alias Sum = vec2f; // rowTotal adds two sums at once
@group(0) @binding(4) var<storage, read> x: array<f32>;
@group(0) @binding(6) var<storage, read> weight: array<f32>;
// forward: y, meanOut, rstdOut, x, bias, weight
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> meanOut: array<f32>;
@group(0) @binding(3) var<storage, read_write> rstdOut: array<f32>;
@group(0) @binding(5) var<storage, read> bias: array<f32>;
// backward: dx, dy, mean, x, rstd, weight; dparams: partials (blocks, 2, D: dweight, dbias), dy, mean, x, rstd
@group(0) @binding(3) var<storage, read> mean: array<f32>;
@group(0) @binding(5) var<storage, read> rstd: array<f32>;

@compute @workgroup_size(WG)
fn forward(
  @builtin(workgroup_id) wg: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let w = rowWork(wg, nwg, lid);
  let base = w.row * p.D;
  // Mean shifted by the row's first value: the sums stay small when the row's offset is large.
  let x0 = x[readRow(w) * p.D];
  var s = 0.0;
  for (var i = w.first; i < w.end; i += w.step) { s += x[base + i] - x0; }
  let mu = x0 + rowTotal(vec2f(s, 0.0), lid).x / f32(p.D);
  var ss = 0.0;
  for (var i = w.first; i < w.end; i += w.step) {
    let c = x[base + i] - mu;
    ss += c * c;
  }
  let r = inverseSqrt(rowTotal(vec2f(ss, 0.0), lid).x / f32(p.D) + p.eps);
  for (var i = w.first; i < w.end; i += w.step) {
    y[base + i] = (x[base + i] - mu) * r * weight[i] + bias[i];
  }
  if (writesRow(w)) {
    meanOut[w.row] = mu;
    rstdOut[w.row] = r;
  }
}

// dx = r·(g − mean(g) − x̂·mean(g ⊙ x̂)) with g = dy ⊙ w, x̂ = (x − mean)·r.
@compute @workgroup_size(WG)
fn backward(
  @builtin(workgroup_id) wg: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let w = rowWork(wg, nwg, lid);
  let base = w.row * p.D;
  let mu = mean[readRow(w)];
  let r = rstd[readRow(w)];
  var sums = vec2f(0.0);
  for (var i = w.first; i < w.end; i += w.step) {
    let g = dy[base + i] * weight[i];
    sums += vec2f(g, g * (x[base + i] - mu) * r);
  }
  let m = rowTotal(sums, lid) / f32(p.D); // (mean(g), mean(g ⊙ x̂))
  for (var i = w.first; i < w.end; i += w.step) {
    let xh = (x[base + i] - mu) * r;
    let v = r * (dy[base + i] * weight[i] - m.x - xh * m.y);
    storeDx(base + i, v);
  }
}

// partials[blk, 0, c] = Σ dy ⊙ x̂ and partials[blk, 1, c] = Σ dy over the rows of block blk.
@compute @workgroup_size(64)
fn dparams(@builtin(global_invocation_id) gid: vec3u) {
  let c = gid.x;
  let blk = gid.y;
  if (c >= p.D) { return; }
  let rs = blockRows(blk);
  var dw = 0.0;
  var db = 0.0;
  for (var r = rs.x; r < rs.y; r++) {
    let g = dy[r * p.D + c];
    dw += g * (x[r * p.D + c] - mean[r]) * rstd[r];
    db += g;
  }
  partials[blk * 2u * p.D + c] = dw;
  partials[(blk * 2u + 1u) * p.D + c] = db;
}
