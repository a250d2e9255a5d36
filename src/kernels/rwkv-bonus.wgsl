// RWKV-7 bonus term per (row, head): s = Σ_n r ⊙ k ⊙ r_k[h], out = s·v (forward), and the first backward
// pass: ds = Σ_n dout ⊙ v (to `ds` for rwkv-bonus-backward.wgsl), dv (+)= s·dout. One invocation per
// (row, head); the forward binds 1–5, the backward all seven.
struct Params { rows: u32, H: u32, n: u32, accumulate: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>; // out or dv: (rows, H, N)
@group(0) @binding(2) var<storage, read> r: array<f32>;
@group(0) @binding(3) var<storage, read> k: array<f32>;
@group(0) @binding(4) var<storage, read> v: array<f32>;
@group(0) @binding(5) var<storage, read> rk: array<f32>;        // (H, N)
@group(0) @binding(6) var<storage, read> dout: array<f32>;
@group(0) @binding(7) var<storage, read_write> ds: array<f32>;  // (rows, H)

const WG = 64u;

fn store(i: u32, x: f32) {
  if (p.accumulate == 1u) { dst[i] += x; } else { dst[i] = x; }
}

fn bonusScale(e: u32) -> f32 {
  let h = e % p.H;
  var s = 0.0;
  for (var n = 0u; n < p.n; n++) { s += r[e * p.n + n] * k[e * p.n + n] * rk[h * p.n + n]; }
  return s;
}

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let e = gid.x + gid.y * nwg.x * WG;
  if (e >= p.rows * p.H) { return; }
  let s = bonusScale(e);
  for (var n = 0u; n < p.n; n++) { store(e * p.n + n, s * v[e * p.n + n]); }
}

@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let e = gid.x + gid.y * nwg.x * WG;
  if (e >= p.rows * p.H) { return; }
  let s = bonusScale(e);
  var d = 0.0;
  for (var n = 0u; n < p.n; n++) {
    d += dout[e * p.n + n] * v[e * p.n + n];
    store(e * p.n + n, s * dout[e * p.n + n]);
  }
  ds[e] = d;
}
