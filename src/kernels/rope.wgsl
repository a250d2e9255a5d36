// Rotary position embedding (HF rotate_half): rotates each pair (i, i + Dh/2) by ±(t + posOffset)·θ_i,
// plus pos[0] when hasPos = 1 (decode: the position lives in a buffer written before each step).
struct Params {
  n: u32, half: u32, nHeads: u32, T: u32,
  posOffset: u32, inverse: u32, accumulate: u32, hasPos: u32,
  invFreq: array<vec4f, 32>, // θ_i, computed on the host in f32 as HF does
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> pos: array<i32>;

const WG = 64u;
// sin and cos with ~1e-7 error at any angle below 2^16·π/2: WGSL only promises 2^-11 for sin/cos
// (SwiftShader is that coarse). Cody–Waite reduction by π/2 in three parts (j·PIO2_1 is exact), then
// Cephes' sinf/cosf polynomials on [−π/4, π/4].
const TWO_OVER_PI = 0.6366197723675814;
const PIO2_1 = 1.5703125;
const PIO2_2 = 4.837512969970703125e-4;
const PIO2_3 = 7.549789954891882e-8;

fn sinCos(a: f32) -> vec2f {
  let j = round(a * TWO_OVER_PI);
  let r = ((a - j * PIO2_1) - j * PIO2_2) - j * PIO2_3;
  let z = r * r;
  let s = r + r * z * (-1.6666654611e-1 + z * (8.3321608736e-3 + z * -1.9515295891e-4));
  let c = 1.0 - 0.5 * z + z * z * (4.166664568298827e-2 + z * (-1.388731625493765e-3 + z * 2.443315711809948e-5));
  switch (i32(j) & 3) {
    case 0: { return vec2f(s, c); }
    case 1: { return vec2f(c, -s); }
    case 2: { return vec2f(-s, -c); }
    default: { return vec2f(-c, s); }
  }
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let idx = gid.x + gid.y * (nwg.x * WG);
  if (idx >= p.n) { return; }
  let i = idx % p.half;
  let row = idx / p.half;                    // (b·T + t)·nHeads + h
  let t = (row / p.nHeads) % p.T;
  let at = t + p.posOffset + select(0u, u32(pos[0]), p.hasPos == 1u);
  let sc = sinCos(f32(at) * p.invFreq[i / 4u][i % 4u]);
  let s = select(sc.x, -sc.x, p.inverse == 1u);
  let c = sc.y;
  let i1 = row * 2u * p.half + i;
  let i2 = i1 + p.half;
  let x1 = x[i1];
  let x2 = x[i2];
  let y1 = x1 * c - x2 * s;
  let y2 = x2 * c + x1 * s;
  if (p.accumulate == 1u) {
    y[i1] += y1;
    y[i2] += y2;
  } else {
    y[i1] = y1;
    y[i2] = y2;
  }
}
