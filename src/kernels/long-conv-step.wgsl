// One decode step of the long convolution: append u (B, C) at row pos of the history (B, capacity, C),
// then y[b, c] = Σ_{τ ≤ pos} h[τ, c] · history[b, pos − τ, c]. One invocation owns one (b, c) column,
// so its own write is visible to its reads. A position outside [0, capacity) writes nothing.
struct Params { B: u32, C: u32, capacity: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> history: array<f32>;
@group(0) @binding(3) var<storage, read> h: array<f32>;
@group(0) @binding(4) var<storage, read> u: array<f32>;
@group(0) @binding(5) var<storage, read> pos: array<i32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * 256u;
  if (i >= p.B * p.C || pos[0] < 0 || u32(pos[0]) >= p.capacity) { return; }
  let t = u32(pos[0]);
  let c = i % p.C;
  let row = (i / p.C) * p.capacity;
  history[(row + t) * p.C + c] = u[i];
  var acc = 0.0;
  for (var tau = 0u; tau <= t; tau++) { acc += h[tau * p.C + c] * history[(row + t - tau) * p.C + c]; }
  y[i] = acc;
}
