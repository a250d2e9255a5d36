// FMA-throughput microbenchmark: every invocation advances independent vec4 chains x ← x·m + c,
// 64 fused multiply-adds per loop round, touching memory only to write one vec4 at the end.
//   chains1: one vec4 chain (4 scalar chains; suits CPU emulation, whose registers are few),
//   chains4: four vec4 chains (16 scalar chains; more instruction-level parallelism).
// m < 1 keeps the values bounded and normal; the result still depends on every step, so the host
// checks it against a CPU replay and the compiler cannot drop work.
struct Params { iters: u32, _a: u32, _b: u32, _c: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> out: array<vec4f>;

override WG: u32 = 64;
override FUSED: bool = true; // fma(x, m, c); otherwise x * m + c (contracted or not by the compiler)
const M = vec4f(0.999);
const C = vec4f(0.001);

fn step(x: vec4f) -> vec4f {
  if (FUSED) { return fma(x, M, C); }
  return x * M + C;
}

// Chain q starts at (0, 0.25, 0.5, 0.75) + s + q/8, s = (invocation mod 64) / 64.
fn start(gid: u32, q: f32) -> vec4f {
  let s = f32(gid & 63u) * (1.0 / 64.0);
  return vec4f(0.0, 0.25, 0.5, 0.75) + (s + q * 0.125);
}

@compute @workgroup_size(WG)
fn chains1(@builtin(global_invocation_id) gid: vec3u) {
  var x0 = start(gid.x, 0.0);
  for (var i = 0u; i < p.iters; i++) {
    x0 = step(x0); x0 = step(x0); x0 = step(x0); x0 = step(x0);
    x0 = step(x0); x0 = step(x0); x0 = step(x0); x0 = step(x0);
    x0 = step(x0); x0 = step(x0); x0 = step(x0); x0 = step(x0);
    x0 = step(x0); x0 = step(x0); x0 = step(x0); x0 = step(x0);
  }
  out[gid.x] = x0;
}

@compute @workgroup_size(WG)
fn chains4(@builtin(global_invocation_id) gid: vec3u) {
  var x0 = start(gid.x, 0.0);
  var x1 = start(gid.x, 1.0);
  var x2 = start(gid.x, 2.0);
  var x3 = start(gid.x, 3.0);
  for (var i = 0u; i < p.iters; i++) {
    x0 = step(x0); x1 = step(x1); x2 = step(x2); x3 = step(x3);
    x0 = step(x0); x1 = step(x1); x2 = step(x2); x3 = step(x3);
    x0 = step(x0); x1 = step(x1); x2 = step(x2); x3 = step(x3);
    x0 = step(x0); x1 = step(x1); x2 = step(x2); x3 = step(x3);
  }
  out[gid.x] = (x0 + x1) + (x2 + x3);
}
