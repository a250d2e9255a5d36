// Attention backward, step 1: D = rowsum(dO ⊙ O) for every (batch, time, head), stored (B, H, T).
struct Params { n: u32, T: u32, H: u32, Dh: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> D: array<f32>; // (B, H, T)
@group(0) @binding(2) var<storage, read> dO: array<f32>;      // (B, T, H, Dh)
@group(0) @binding(3) var<storage, read> o: array<f32>;       // (B, T, H, Dh)

const WG = 64u;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let row = gid.x + gid.y * (nwg.x * WG); // (b·T + t)·H + h
  if (row >= p.n) { return; }
  var s = 0.0;
  for (var d = 0u; d < p.Dh; d++) { s += dO[row * p.Dh + d] * o[row * p.Dh + d]; }
  let h = row % p.H;
  let bt = row / p.H;
  D[(bt / p.T * p.H + h) * p.T + bt % p.T] = s;
}
