// Products in the frequency domain. applyFilter: x[s, k] ← x[s, k] · H[s mod C, k] (conjugated when
// flag = 1: a correlation), in place. crossSum: G[c, k] = Σ_b conj(U[b·C + c, k]) · D[b·C + c, k], the
// filter gradient's spectrum summed over the batch in a fixed order (no atomics).
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<storage, read> a: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;

@compute @workgroup_size(256)
fn applyFilter(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flatIndex(gid, nwg);
  if (i >= p.nSeq * p.N) { return; }
  let k = i % p.N;
  let c = (i / p.N) % p.C;
  var h = vec2f(a[2u * (c * p.N + k)], a[2u * (c * p.N + k) + 1u]);
  if (p.flag == 1u) { h = conj(h); }
  let y = cmul(vec2f(dst[2u * i], dst[2u * i + 1u]), h);
  dst[2u * i] = y.x;
  dst[2u * i + 1u] = y.y;
}

@compute @workgroup_size(256)
fn crossSum(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flatIndex(gid, nwg);
  if (i >= p.C * p.N) { return; }
  var s = vec2f(0.0);
  for (var bi = 0u; bi < p.nb; bi++) {
    let j = bi * p.C * p.N + i;
    s += cmul(conj(vec2f(a[2u * j], a[2u * j + 1u])), vec2f(b[2u * j], b[2u * j + 1u]));
  }
  dst[2u * i] = s.x;
  dst[2u * i + 1u] = s.y;
}
