// Causal depthwise conv1d over rows = B·T of C channels, weight (C, K): forward and backward entries.
struct Params { rows: u32, T: u32, C: u32, K: u32, flag: u32, rowsPerBlock: u32 }
// Tap i reads the row s_i = K − 1 − i earlier (left zero padding: only while s_i ≤ t = r mod T).
// Bindings by entry: forward (dst = y, a = x, b = w, bias), backwardInput (dst = dx, a = dy, b = w),
// weightPartials (dst = partials, a = x, b = dy).
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<storage, read> a: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;

const WG = 256u;

fn index(gid: vec3u, nwg: vec3u) -> u32 {
  return gid.x + gid.y * nwg.x * WG;
}

// y[r, c] = bias[c] + Σ_i w[c, i]·x[r − s_i, c]; flag: 1 = has a bias.
@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let j = index(gid, nwg);
  if (j >= p.rows * p.C) { return; }
  let c = j % p.C;
  let t = (j / p.C) % p.T;
  var y = select(0.0, bias[c], p.flag == 1u);
  for (var i = 0u; i < p.K; i++) {
    let s = p.K - 1u - i;
    if (s <= t) { y += b[c * p.K + i] * a[j - s * p.C]; }
  }
  dst[j] = y;
}

// dx[r, c] (+)= Σ_i w[c, i]·dy[r + s_i, c] over t + s_i < T; flag: 1 = accumulate.
@compute @workgroup_size(WG)
fn backwardInput(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let j = index(gid, nwg);
  if (j >= p.rows * p.C) { return; }
  let c = j % p.C;
  let t = (j / p.C) % p.T;
  var d = 0.0;
  for (var i = 0u; i < p.K; i++) {
    let s = p.K - 1u - i;
    if (t + s < p.T) { d += b[c * p.K + i] * a[j + s * p.C]; }
  }
  if (p.flag == 1u) { dst[j] += d; } else { dst[j] = d; }
}

// partials[blk, c·K + i] = Σ over the rows r of block blk, in order, of dy[r, c]·x[r − s_i, c].
@compute @workgroup_size(64)
fn weightPartials(@builtin(global_invocation_id) gid: vec3u) {
  let ck = gid.x;
  let blk = gid.y;
  if (ck >= p.C * p.K) { return; }
  let c = ck / p.K;
  let s = p.K - 1u - ck % p.K;
  let r1 = min(p.rows, (blk + 1u) * p.rowsPerBlock);
  var sum = 0.0;
  for (var r = blk * p.rowsPerBlock; r < r1; r++) {
    if (s <= r % p.T) { sum += b[r * p.C + c] * a[(r - s) * p.C + c]; }
  }
  dst[blk * p.C * p.K + ck] = sum;
}
