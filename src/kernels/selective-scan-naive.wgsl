// Naive selective scan, the benchmark's baseline: every state h_t materialised in global memory.
struct Params { B: u32, T: u32, D: u32, N: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(2) var<storage, read> x: array<f32>; // (B, T, D)
// writeStates: H, x, delta, A, Bm
@group(0) @binding(1) var<storage, read_write> H: array<f32>; // (B, T, D, N)
@group(0) @binding(3) var<storage, read> delta: array<f32>;   // (B, T, D)
@group(0) @binding(4) var<storage, read> A: array<f32>;       // (D, N)
@group(0) @binding(5) var<storage, read> Bm: array<f32>;      // (B, T, N)
// readStates: y, x, states, C, Dskip
@group(0) @binding(1) var<storage, read_write> y: array<f32>; // (B, T, D)
@group(0) @binding(3) var<storage, read> states: array<f32>;  // (B, T, D, N)
@group(0) @binding(4) var<storage, read> C: array<f32>;       // (B, T, N)
@group(0) @binding(5) var<storage, read> Dskip: array<f32>;   // (D)

const WG = 64u;

fn index(gid: vec3u, nwg: vec3u) -> u32 {
  return gid.x + gid.y * (nwg.x * WG);
}

// One invocation per (b, d, n) walks T, storing h_t[d, n] into H (B, T, D, N).
@compute @workgroup_size(WG)
fn writeStates(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = index(gid, nwg);
  if (i >= p.B * p.D * p.N) { return; }
  let n = i % p.N;
  let d = (i / p.N) % p.D;
  let b = i / (p.N * p.D);
  let a = A[d * p.N + n];
  var h = 0.0;
  for (var t = 0u; t < p.T; t++) {
    let j = (b * p.T + t) * p.D + d;
    let dt = delta[j];
    h = fma(exp(dt * a), h, dt * x[j] * Bm[(b * p.T + t) * p.N + n]);
    H[j * p.N + n] = h;
  }
}

// One invocation per (b, t, d) reads its N states back: y = Σ_n C·h + Dskip·x.
@compute @workgroup_size(WG)
fn readStates(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = index(gid, nwg);
  if (i >= p.B * p.T * p.D) { return; }
  let bt = i / p.D;
  var acc = 0.0;
  for (var n = 0u; n < p.N; n++) {
    acc = fma(C[bt * p.N + n], states[i * p.N + n], acc);
  }
  y[i] = acc + Dskip[i % p.D] * x[i];
}
