// Direct O(T²) long convolution for short T, one invocation per output element.
// forward: dst = y, a = h, b = u. backwardInput: dst = du, a = h, b = dy.
// backwardFilter: dst = dh, a = u, b = dy. flag 1 = accumulate (backwards only). nb = batch.
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<storage, read> a: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;

// y[b, t, c] = Σ_{τ ≤ t} h[τ, c] · u[b, t − τ, c]
@compute @workgroup_size(256)
fn forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flatIndex(gid, nwg);
  if (i >= p.nb * p.T * p.C) { return; }
  let c = i % p.C;
  let t = (i / p.C) % p.T;
  var y = 0.0;
  for (var tau = 0u; tau <= t; tau++) { y += a[tau * p.C + c] * b[i - tau * p.C]; }
  dst[i] = y;
}

// du[b, s, c] = Σ_{t ≥ s} h[t − s, c] · dy[b, t, c]
@compute @workgroup_size(256)
fn backwardInput(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flatIndex(gid, nwg);
  if (i >= p.nb * p.T * p.C) { return; }
  let c = i % p.C;
  let s = (i / p.C) % p.T;
  var d = 0.0;
  for (var tau = 0u; s + tau < p.T; tau++) { d += a[tau * p.C + c] * b[i + tau * p.C]; }
  if (p.flag == 1u) { dst[i] += d; } else { dst[i] = d; }
}

// dh[τ, c] = Σ_b Σ_{t ≥ τ} dy[b, t, c] · u[b, t − τ, c], batches in order (no atomics).
@compute @workgroup_size(256)
fn backwardFilter(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flatIndex(gid, nwg);
  if (i >= p.T * p.C) { return; }
  let c = i % p.C;
  let tau = i / p.C;
  var d = 0.0;
  for (var bi = 0u; bi < p.nb; bi++) {
    let row = bi * p.T;
    for (var t = tau; t < p.T; t++) { d += b[(row + t) * p.C + c] * a[(row + t - tau) * p.C + c]; }
  }
  if (p.flag == 1u) { dst[i] += d; } else { dst[i] = d; }
}
