// One decode step of the causal depthwise conv1d: one token x (B, C), state (B, C, K − 1) holding the
// K − 1 previous inputs of each channel, oldest first. One invocation per (b, c) owns its state row,
// so reading the window and shifting it in place needs no synchronisation.
struct Params { B: u32, C: u32, K: u32, hasBias: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> state: array<f32>;
@group(0) @binding(3) var<storage, read> x: array<f32>;
@group(0) @binding(4) var<storage, read> w: array<f32>;
@group(0) @binding(5) var<storage, read> bias: array<f32>;

const WG = 256u;

// y[b, c] = bias[c] + Σ_{i<K−1} w[c, i]·state[b, c, i] + w[c, K−1]·x[b, c]; then state shifts left by one
// and takes x[b, c] as its newest entry.
@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let j = gid.x + gid.y * nwg.x * WG;
  if (j >= p.B * p.C) { return; }
  let c = j % p.C;
  let S = p.K - 1u;
  let xv = x[j];
  var acc = select(0.0, bias[c], p.hasBias == 1u) + w[c * p.K + S] * xv;
  for (var i = 0u; i < S; i++) {
    let s = state[j * S + i];
    acc += w[c * p.K + i] * s;
    if (i > 0u) { state[j * S + i - 1u] = s; }
  }
  if (S > 0u) { state[j * S + S - 1u] = xv; }
  y[j] = acc;
}
