// RWKV activations: tanh (the decay LoRA) and relu² (the channel-mix), and their backwards
// dx (+)= f′(x)·dy; each can accumulate.
struct Params { n: u32, op: u32, accumulate: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<storage, read> a: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;

const WG = 256u;
// Op codes (rwkv-activations.ts OPS).
const TANH = 0u;

// tanh without overflow for large |u| (exp(−2|u|) ≤ 1).
fn safeTanh(u: f32) -> f32 {
  let e = exp(-2.0 * abs(u));
  return sign(u) * (1.0 - e) / (1.0 + e);
}

fn index(gid: vec3u, nwg: vec3u) -> u32 {
  return gid.x + gid.y * nwg.x * WG;
}

fn store(i: u32, v: f32) {
  if (p.accumulate == 1u) { dst[i] += v; } else { dst[i] = v; }
}

@compute @workgroup_size(WG)
fn unary(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = index(gid, nwg);
  if (i >= p.n) { return; }
  let x = a[i];
  if (p.op == TANH) { store(i, safeTanh(x)); } else { store(i, max(x, 0.0) * max(x, 0.0)); }
}

@compute @workgroup_size(WG)
fn binary(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = index(gid, nwg);
  if (i >= p.n) { return; }
  let x = a[i];
  if (p.op == TANH) {
    let t = safeTanh(x);
    store(i, (1.0 - t * t) * b[i]);
  } else {
    store(i, 2.0 * max(x, 0.0) * b[i]);
  }
}
