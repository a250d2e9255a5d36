// SwiGLU backward (LAYERS.md): dgate = dy·up·σ(g)(1 + g(1 − σ(g))), dup = dy·silu(g), optionally
// accumulated into both gradients.
struct Params { n: u32, accumulate: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dgate: array<f32>;
@group(0) @binding(2) var<storage, read_write> dup: array<f32>;
@group(0) @binding(3) var<storage, read> gate: array<f32>;
@group(0) @binding(4) var<storage, read> up: array<f32>;
@group(0) @binding(5) var<storage, read> dy: array<f32>;

const WG = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  let g = gate[i];
  let s = 1.0 / (1.0 + exp(-g));
  let dg = dy[i] * up[i] * s * (1.0 + g * (1.0 - s));
  let du = dy[i] * g * s;
  if (p.accumulate == 1u) {
    dgate[i] += dg;
    dup[i] += du;
  } else {
    dgate[i] = dg;
    dup[i] = du;
  }
}
