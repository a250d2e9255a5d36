// WKV-7 input packing: the six (B, T, H, N) inputs interleaved into packed (B·T·H, 6, N) with w = exp(log w),
// so that the recurrence kernels bind one buffer for all of them (WebGPU guarantees only 8 storage
// buffers per stage) and read each step's vectors from one contiguous block.
struct Params { count: u32, n: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> packed: array<f32>;
@group(0) @binding(2) var<storage, read> r: array<f32>;
@group(0) @binding(3) var<storage, read> logw: array<f32>;
@group(0) @binding(4) var<storage, read> k: array<f32>;
@group(0) @binding(5) var<storage, read> v: array<f32>;
@group(0) @binding(6) var<storage, read> kk: array<f32>;
@group(0) @binding(7) var<storage, read> a: array<f32>;

const WG = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let e = gid.x + gid.y * nwg.x * WG;
  if (e >= p.count) { return; }
  let at = (e / p.n) * 6u * p.n + e % p.n;
  packed[at] = r[e];
  packed[at + p.n] = exp(logw[e]);
  packed[at + 2u * p.n] = k[e];
  packed[at + 3u * p.n] = v[e];
  packed[at + 4u * p.n] = kk[e];
  packed[at + 5u * p.n] = a[e];
}
