// WKV-7 backward, last pass: the chain rule from the column pass's (dr, dw, dk, dα, dβ) to the inputs
// (dr, d log w = dw·w, dk, dκ = −dα + dβ ⊙ a, da = dβ ⊙ κ), written or added to the gradients.
struct Params { count: u32, n: u32, offG: u32, accumulate: u32 } // accumulate: bit 0 dr, 1 d log w, 2 dk, 4 dκ, 5 da
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dr: array<f32>;
@group(0) @binding(2) var<storage, read_write> dlogw: array<f32>;
@group(0) @binding(3) var<storage, read_write> dk: array<f32>;
@group(0) @binding(4) var<storage, read_write> dkk: array<f32>;
@group(0) @binding(5) var<storage, read_write> da: array<f32>;
@group(0) @binding(6) var<storage, read> scratch: array<f32>; // gradients (B, T, H, 5, N) at offG
@group(0) @binding(7) var<storage, read> packed: array<f32>;  // (B, T, H, 6, N)

const WG = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let e = gid.x + gid.y * nwg.x * WG;
  if (e >= p.count) { return; }
  let row = e / p.n;
  let j = e % p.n;
  let g = p.offG + row * 5u * p.n + j;
  let x = row * 6u * p.n + j;
  let w = packed[x + p.n];
  let kap = packed[x + 4u * p.n];
  let a = packed[x + 5u * p.n];
  let dbeta = scratch[g + 4u * p.n];
  let vr = scratch[g];
  let vw = scratch[g + p.n] * w;
  let vk = scratch[g + 2u * p.n];
  let vkk = dbeta * a - scratch[g + 3u * p.n];
  let va = dbeta * kap;
  // Storage pointers cannot be passed to functions (core WGSL): one line per output.
  dr[e] = select(0.0, dr[e], (p.accumulate & 1u) != 0u) + vr;
  dlogw[e] = select(0.0, dlogw[e], (p.accumulate & 2u) != 0u) + vw;
  dk[e] = select(0.0, dk[e], (p.accumulate & 4u) != 0u) + vk;
  dkk[e] = select(0.0, dkk[e], (p.accumulate & 16u) != 0u) + vkk;
  da[e] = select(0.0, da[e], (p.accumulate & 32u) != 0u) + va;
}
