// Rotary position embedding (HF rotate_half): rotates each pair (i, i + Dh/2) by ±(t + posOffset)·θ_i,
// plus pos[0] when hasPos = 1 (decode: the position lives in a buffer written before each step).
// Needs rope-common.wgsl (sinCos) before it.
struct Params {
  n: u32, half: u32, nHeads: u32, T: u32,
  posOffset: u32, inverse: u32, accumulate: u32, hasPos: u32,
  invFreq: array<vec4f, 32>, // θ_i, computed on the host in f32 as HF does
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> pos: array<i32>;

const WG = 64u;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let idx = gid.x + gid.y * (nwg.x * WG);
  if (idx >= p.n) { return; }
  let i = idx % p.half;
  let row = idx / p.half;                    // (b·T + t)·nHeads + h
  let t = (row / p.nHeads) % p.T;
  let at = t + p.posOffset + select(0u, u32(pos[0]), p.hasPos == 1u);
  let sc = sinCos(f32(at) * p.invFreq[i / 4u][i % 4u]);
  let s = select(sc.x, -sc.x, p.inverse == 1u);
  let c = sc.y;
  let i1 = row * 2u * p.half + i;
  let i2 = i1 + p.half;
  let x1 = x[i1];
  let x2 = x[i2];
  let y1 = x1 * c - x2 * s;
  let y2 = x2 * c + x1 * s;
  if (p.accumulate == 1u) {
    y[i1] += y1;
    y[i2] += y2;
  } else {
    y[i1] = y1;
    y[i2] = y2;
  }
}
