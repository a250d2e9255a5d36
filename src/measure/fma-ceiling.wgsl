// FMA-throughput microbenchmark. Every invocation iterates coupled pairs x ← x·y + c, y ← y·x + c
// (64 fused multiply-adds per loop round), touching memory only to write one vec4 at the end:
//   pair2:  one vec2 pair (2 lanes of chains: few registers, which suits CPU emulation),
//   pair4:  one vec4 pair, pairs8: two vec4 pairs (more instruction-level parallelism).
// The recurrence is nonlinear, so no compiler can fold rounds into a closed form (an affine
// x ← m·x + c can be: seen on NVIDIA). With c < 1/4 and 0 ≤ x, y ≤ 1/2 it stays in [c, 1/2],
// contracts slowly (the result still depends on every round) and stays normal. The host checks
// the output against a CPU replay, so the work is real.
struct Params { iters: u32, _a: u32, _b: u32, _c: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> out: array<vec4f>;

override WG: u32 = 64;
override FUSED: bool = true; // fma(); otherwise a * b + c (contracted or not by the compiler)
const C = 0.249;

fn f2(a: vec2f, b: vec2f) -> vec2f {
  if (FUSED) { return fma(a, b, vec2f(C)); }
  return a * b + C;
}

fn f4(a: vec4f, b: vec4f) -> vec4f {
  if (FUSED) { return fma(a, b, vec4f(C)); }
  return a * b + C;
}

// Starting points in [0, 1/2): x = (lane + s + q) / 4 with s = (invocation mod 64) / 64.
fn seed(gid: u32) -> f32 { return f32(gid & 63u) * (1.0 / 64.0); }

@compute @workgroup_size(WG)
fn pair2(@builtin(global_invocation_id) gid: vec3u) {
  var x = (vec2f(0.0, 0.5) + seed(gid.x)) * 0.25;
  var y = x + 0.03125;
  for (var i = 0u; i < p.iters; i++) {
    x = f2(x, y); y = f2(y, x);
    x = f2(x, y); y = f2(y, x);
    x = f2(x, y); y = f2(y, x);
    x = f2(x, y); y = f2(y, x);
    x = f2(x, y); y = f2(y, x);
    x = f2(x, y); y = f2(y, x);
    x = f2(x, y); y = f2(y, x);
    x = f2(x, y); y = f2(y, x);
    x = f2(x, y); y = f2(y, x);
    x = f2(x, y); y = f2(y, x);
    x = f2(x, y); y = f2(y, x);
    x = f2(x, y); y = f2(y, x);
    x = f2(x, y); y = f2(y, x);
    x = f2(x, y); y = f2(y, x);
    x = f2(x, y); y = f2(y, x);
    x = f2(x, y); y = f2(y, x);
  }
  out[gid.x] = vec4f(x, y);
}

@compute @workgroup_size(WG)
fn pair4(@builtin(global_invocation_id) gid: vec3u) {
  var x = (vec4f(0.0, 0.25, 0.5, 0.75) + seed(gid.x)) * 0.25;
  var y = x + 0.03125;
  for (var i = 0u; i < p.iters; i++) {
    x = f4(x, y); y = f4(y, x);
    x = f4(x, y); y = f4(y, x);
    x = f4(x, y); y = f4(y, x);
    x = f4(x, y); y = f4(y, x);
    x = f4(x, y); y = f4(y, x);
    x = f4(x, y); y = f4(y, x);
    x = f4(x, y); y = f4(y, x);
    x = f4(x, y); y = f4(y, x);
  }
  out[gid.x] = x + y;
}

@compute @workgroup_size(WG)
fn pairs8(@builtin(global_invocation_id) gid: vec3u) {
  var x0 = (vec4f(0.0, 0.25, 0.5, 0.75) + seed(gid.x)) * 0.25;
  var y0 = x0 + 0.03125;
  var x1 = (vec4f(0.0, 0.25, 0.5, 0.75) + (seed(gid.x) + 0.125)) * 0.25;
  var y1 = x1 + 0.03125;
  for (var i = 0u; i < p.iters; i++) {
    x0 = f4(x0, y0); x1 = f4(x1, y1); y0 = f4(y0, x0); y1 = f4(y1, x1);
    x0 = f4(x0, y0); x1 = f4(x1, y1); y0 = f4(y0, x0); y1 = f4(y1, x1);
    x0 = f4(x0, y0); x1 = f4(x1, y1); y0 = f4(y0, x0); y1 = f4(y1, x1);
    x0 = f4(x0, y0); x1 = f4(x1, y1); y0 = f4(y0, x0); y1 = f4(y1, x1);
  }
  out[gid.x] = (x0 + y0) + (x1 + y1);
}
