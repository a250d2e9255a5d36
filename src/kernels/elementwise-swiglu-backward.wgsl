// SwiGLU backward (LAYERS.md): dgate = dy·up·σ(g)(1 + g(1 − σ(g))), dup = dy·silu(g), optionally
// accumulated into both gradients. Every invocation maps 4 consecutive values: `mainVec4` with vec4 loads
// and stores (n % 4 == 0), `main` with guarded scalar ones (as elementwise.wgsl).
struct Params { n: u32, accumulate: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dgate: array<f32>;
@group(0) @binding(2) var<storage, read_write> dup: array<f32>;
@group(0) @binding(3) var<storage, read> gate: array<f32>;
@group(0) @binding(4) var<storage, read> up: array<f32>;
@group(0) @binding(5) var<storage, read> dy: array<f32>;
// The same bindings seen as vec4s, used only by `mainVec4`.
@group(0) @binding(1) var<storage, read_write> dgate4: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> dup4: array<vec4f>;
@group(0) @binding(3) var<storage, read> gate4: array<vec4f>;
@group(0) @binding(4) var<storage, read> up4: array<vec4f>;
@group(0) @binding(5) var<storage, read> dy4: array<vec4f>;

const WG = 256u;

struct Grads { dgate: vec4f, dup: vec4f }

fn grads(g: vec4f, u: vec4f, d: vec4f) -> Grads {
  let s = 1.0 / (1.0 + exp(-g));
  return Grads(d * u * s * (1.0 + g * (1.0 - s)), d * g * s);
}

fn index(gid: vec3u, nwg: vec3u) -> u32 {
  return gid.x + gid.y * nwg.x * WG;
}

// Indices i … i + 3 clamped to n − 1 (the values past n are computed but never stored).
fn lanes(i: u32) -> vec4u {
  return min(vec4u(i, i + 1u, i + 2u, i + 3u), vec4u(p.n - 1u));
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = 4u * index(gid, nwg);
  if (i >= p.n) { return; }
  let j = lanes(i);
  let g = vec4f(gate[j.x], gate[j.y], gate[j.z], gate[j.w]);
  let u = vec4f(up[j.x], up[j.y], up[j.z], up[j.w]);
  let d = vec4f(dy[j.x], dy[j.y], dy[j.z], dy[j.w]);
  let r = grads(g, u, d);
  for (var k = 0u; k < 4u && i + k < p.n; k++) {
    if (p.accumulate == 1u) {
      dgate[i + k] += r.dgate[k];
      dup[i + k] += r.dup[k];
    } else {
      dgate[i + k] = r.dgate[k];
      dup[i + k] = r.dup[k];
    }
  }
}

@compute @workgroup_size(WG)
fn mainVec4(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = index(gid, nwg);
  if (i >= p.n / 4u) { return; }
  let r = grads(gate4[i], up4[i], dy4[i]);
  if (p.accumulate == 1u) {
    dgate4[i] += r.dgate;
    dup4[i] += r.dup;
  } else {
    dgate4[i] = r.dgate;
    dup4[i] = r.dup;
  }
}
