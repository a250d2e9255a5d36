// RoPE's angle functions, shared by rope.wgsl and attention-decode.wgsl.
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
