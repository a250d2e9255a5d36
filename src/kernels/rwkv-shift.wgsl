// RWKV token shift xx_t = x_{t−1} − x_t per sequence (x_{−1} = 0, or the decode state), and its backward
// dx_t = dxx_{t+1} − dxx_t (the last step of each sequence has no successor).
struct Params { B: u32, T: u32, C: u32, flags: u32 } // forward: 1 = state; backward: 1 = accumulate
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;   // xx (forward) or dx (backward)
@group(0) @binding(2) var<storage, read> src: array<f32>;         // x (forward) or dxx (backward)
@group(0) @binding(3) var<storage, read_write> state: array<f32>; // (B, C): the previous token (forward)

const WG = 256u;

// One invocation per (b, c), walking the sequence: reading x_{t−1} and the state needs no second pass.
@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let e = gid.x + gid.y * nwg.x * WG;
  if (e >= p.B * p.C) { return; }
  let b = e / p.C;
  let c = e % p.C;
  var prev = select(0.0, state[e], (p.flags & 1u) != 0u);
  for (var t = 0u; t < p.T; t++) {
    let i = (b * p.T + t) * p.C + c;
    let x = src[i];
    dst[i] = prev - x;
    prev = x;
  }
  if ((p.flags & 1u) != 0u) { state[e] = prev; }
}

@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.B * p.T * p.C) { return; }
  let t = (i / p.C) % p.T;
  let next = select(0.0, src[i + p.C], t + 1u < p.T);
  let v = next - src[i];
  if ((p.flags & 1u) != 0u) { dst[i] += v; } else { dst[i] = v; }
}
