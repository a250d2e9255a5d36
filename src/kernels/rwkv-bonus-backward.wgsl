// RWKV-7 bonus term, second backward pass, per element (row, h, n) given ds (rwkv-bonus.wgsl):
// dr (+)= ds·k·r_k, dk (+)= ds·r·r_k, and the per-row terms ds·r·k of dr_k (summed over rows by the host).
struct Params { count: u32, H: u32, n: u32, accumulate: u32 } // accumulate: bit 0 dr, bit 1 dk
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dr: array<f32>;
@group(0) @binding(2) var<storage, read_write> dk: array<f32>;
@group(0) @binding(3) var<storage, read_write> partial: array<f32>; // (rows, H·N)
@group(0) @binding(4) var<storage, read> ds: array<f32>;            // (rows, H)
@group(0) @binding(5) var<storage, read> r: array<f32>;
@group(0) @binding(6) var<storage, read> k: array<f32>;
@group(0) @binding(7) var<storage, read> rk: array<f32>;            // (H, N)

const WG = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.count) { return; }
  let d = ds[i / p.n];
  let w = rk[i % (p.H * p.n)];
  let vr = d * k[i] * w;
  let vk = d * r[i] * w;
  dr[i] = select(0.0, dr[i], (p.accumulate & 1u) != 0u) + vr;
  dk[i] = select(0.0, dk[i], (p.accumulate & 2u) != 0u) + vk;
  partial[i] = d * r[i] * k[i];
}
