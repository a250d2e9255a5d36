// Attention backward dQ, rows variant: one invocation per (batch, head, query) streams its visible keys.
struct Params {
  n: u32, T: u32, H: u32, Hkv: u32, Dh: u32,
  window: u32, accumulate: u32,
  scale: f32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dq: array<vec4f>; // (B, T, H, Dh)
@group(0) @binding(2) var<storage, read> q: array<vec4f>;        // (B, T, H, Dh)
@group(0) @binding(3) var<storage, read> k: array<vec4f>;        // (B, T, Hkv, Dh)
@group(0) @binding(4) var<storage, read> v: array<vec4f>;        // (B, T, Hkv, Dh)
@group(0) @binding(5) var<storage, read> dO: array<vec4f>;       // (B, T, H, Dh)
@group(0) @binding(6) var<storage, read> lse: array<f32>;        // (B, H, T)
@group(0) @binding(7) var<storage, read> D: array<f32>;          // (B, H, T)

override NV: u32 = 32u;    // vec4 chunks per head row, ⌈Dh/4⌉; the host unrolls `c < NV` loops
override VEC: bool = true; // Dh % 4 == 0: every row starts on a vec4
const MAX_NV = 32u;        // Dh ≤ 128
const WG = 64u;

// Chunk c (dims 4c..4c+3) of the row starting at element `base`; dims ≥ Dh read as zero.
fn mask(c: u32) -> vec4<bool> { return vec4u(c * 4u) + vec4u(0u, 1u, 2u, 3u) < vec4u(p.Dh); }
fn qChunk(base: u32, c: u32) -> vec4f {
  let i = base + c * 4u;
  if (VEC) { return q[i >> 2u]; }
  let x = vec4f(q[i >> 2u][i & 3u], q[(i + 1u) >> 2u][(i + 1u) & 3u],
                q[(i + 2u) >> 2u][(i + 2u) & 3u], q[(i + 3u) >> 2u][(i + 3u) & 3u]);
  return select(vec4f(0.0), x, mask(c));
}
fn dOChunk(base: u32, c: u32) -> vec4f {
  let i = base + c * 4u;
  if (VEC) { return dO[i >> 2u]; }
  let x = vec4f(dO[i >> 2u][i & 3u], dO[(i + 1u) >> 2u][(i + 1u) & 3u],
                dO[(i + 2u) >> 2u][(i + 2u) & 3u], dO[(i + 3u) >> 2u][(i + 3u) & 3u]);
  return select(vec4f(0.0), x, mask(c));
}
fn kChunk(base: u32, c: u32) -> vec4f {
  let i = base + c * 4u;
  if (VEC) { return k[i >> 2u]; }
  let x = vec4f(k[i >> 2u][i & 3u], k[(i + 1u) >> 2u][(i + 1u) & 3u],
                k[(i + 2u) >> 2u][(i + 2u) & 3u], k[(i + 3u) >> 2u][(i + 3u) & 3u]);
  return select(vec4f(0.0), x, mask(c));
}
fn vChunk(base: u32, c: u32) -> vec4f {
  let i = base + c * 4u;
  if (VEC) { return v[i >> 2u]; }
  let x = vec4f(v[i >> 2u][i & 3u], v[(i + 1u) >> 2u][(i + 1u) & 3u],
                v[(i + 2u) >> 2u][(i + 2u) & 3u], v[(i + 3u) >> 2u][(i + 3u) & 3u]);
  return select(vec4f(0.0), x, mask(c));
}

// P_tj = exp(scale·q·k_j − lse_t) recomputed, dS_tj = P_tj (dO_t·v_j − D_t); dq_t = scale·Σ_j dS_tj k_j.
@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let row = gid.x + gid.y * (nwg.x * WG); // (b·H + h)·T + t
  if (row >= p.n) { return; }
  let t = row % p.T;
  let h = (row / p.T) % p.H;
  let b = row / (p.T * p.H);
  let qBase = ((b * p.T + t) * p.H + h) * p.Dh;
  let kStride = p.Hkv * p.Dh;
  let kBase = b * p.T * kStride + (h / (p.H / p.Hkv)) * p.Dh;
  let rowLse = lse[row];
  let rowD = D[row];
  var qr: array<vec4f, MAX_NV>;
  var dor: array<vec4f, MAX_NV>;
  var acc: array<vec4f, MAX_NV>;
  for (var c = 0u; c < NV; c++) {
    qr[c] = qChunk(qBase, c) * p.scale;
    dor[c] = dOChunk(qBase, c);
  }
  var j = 0u;
  if (p.window > 0u && t + 1u > p.window) { j = t + 1u - p.window; }
  for (; j <= t; j++) {
    let kj = kBase + j * kStride;
    var s = 0.0;
    var dp = 0.0;
    for (var c = 0u; c < NV; c++) {
      s += dot(qr[c], kChunk(kj, c));
      dp += dot(dor[c], vChunk(kj, c));
    }
    let ds = exp(s - rowLse) * (dp - rowD);
    for (var c = 0u; c < NV; c++) { acc[c] += ds * kChunk(kj, c); }
  }
  for (var c = 0u; c < NV; c++) {
    let x = acc[c] * p.scale;
    if (VEC) {
      let i = (qBase >> 2u) + c;
      if (p.accumulate == 1u) { dq[i] += x; } else { dq[i] = x; }
    } else {
      for (var e = 0u; e < 4u; e++) {
        let i = qBase + c * 4u + e;
        if (c * 4u + e < p.Dh) {
          if (p.accumulate == 1u) { dq[i >> 2u][i & 3u] += x[e]; } else { dq[i >> 2u][i & 3u] = x[e]; }
        }
      }
    }
  }
}
