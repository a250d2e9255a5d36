// Hyena's filter activation y = sin(w_c·x) over rows of C columns with a learnable frequency per column.
// forward: dst = y, a = x, b = w. backward: dst = dx ((+)= dy·w·cos(w·x), flag 1 = accumulate),
// prod = dy·x·cos(w·x) (summed over rows into dw by the caller), a = x, b = w, dy.
struct Params { n: u32, C: u32, flag: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<storage, read> a: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;
@group(0) @binding(4) var<storage, read> dy: array<f32>;
@group(0) @binding(5) var<storage, read_write> prod: array<f32>;

// WGSL's sin and cos may be off by 2⁻¹¹ (SwiftShader is); these are accurate to f32 round-off for the
// arguments a filter sees: Cody–Waite reduction by π/2 with a three-part constant, then Cephes' sinf
// and cosf polynomials on [−π/4, π/4].
fn sinCos(x: f32) -> vec2f {
  let j = round(x * 0.6366197723675814);
  let r = ((x - j * 1.5703125) - j * 4.837512969970703125e-4) - j * 7.54978995489188216e-8;
  let z = r * r;
  let s = r + r * z * (-1.6666654611e-1 + z * (8.3321608736e-3 + z * -1.9515295891e-4));
  let c = 1.0 - 0.5 * z + z * z * (4.166664568298827e-2 + z * (-1.388731625493765e-3 + z * 2.443315711809948e-5));
  let q = ((i32(j) % 4) + 4) % 4;
  if (q == 0) { return vec2f(s, c); }
  if (q == 1) { return vec2f(c, -s); }
  if (q == 2) { return vec2f(-s, -c); }
  return vec2f(-c, s);
}

fn index(gid: vec3u, nwg: vec3u) -> u32 {
  return gid.x + gid.y * nwg.x * 256u;
}

@compute @workgroup_size(256)
fn forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = index(gid, nwg);
  if (i >= p.n) { return; }
  dst[i] = sinCos(b[i % p.C] * a[i]).x;
}

@compute @workgroup_size(256)
fn backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = index(gid, nwg);
  if (i >= p.n) { return; }
  let w = b[i % p.C];
  let g = dy[i] * sinCos(w * a[i]).y;
  let dx = g * w;
  if (p.flag == 1u) { dst[i] += dx; } else { dst[i] = dx; }
  prod[i] = g * a[i];
}
