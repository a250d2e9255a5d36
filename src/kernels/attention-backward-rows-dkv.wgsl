// Attention backward dK and dV, rows variant: one invocation per (batch, kv head, key) streams its queries.
struct Params {
  n: u32, T: u32, H: u32, Hkv: u32, Dh: u32,
  window: u32, accumulate: u32,
  scale: f32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dk: array<vec4f>; // (B, T, Hkv, Dh)
@group(0) @binding(2) var<storage, read_write> dv: array<vec4f>; // (B, T, Hkv, Dh)
@group(0) @binding(3) var<storage, read> q: array<vec4f>;        // (B, T, H, Dh)
@group(0) @binding(4) var<storage, read> k: array<vec4f>;        // (B, T, Hkv, Dh)
@group(0) @binding(5) var<storage, read> v: array<vec4f>;        // (B, T, Hkv, Dh)
@group(0) @binding(6) var<storage, read> dO: array<vec4f>;       // (B, T, H, Dh)
@group(0) @binding(7) var<storage, read> lse: array<f32>;        // (B, H, T)
@group(0) @binding(8) var<storage, read> D: array<f32>;          // (B, H, T)

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

// Over query heads h of the group and queries t that see key j, with P and dS as in the dQ kernel:
// dv_j = Σ P_tj dO_t, dk_j = scale·Σ dS_tj q_t.
@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let row = gid.x + gid.y * (nwg.x * WG); // (b·Hkv + g)·T + j
  if (row >= p.n) { return; }
  let j = row % p.T;
  let g = (row / p.T) % p.Hkv;
  let b = row / (p.T * p.Hkv);
  let kBase = ((b * p.T + j) * p.Hkv + g) * p.Dh;
  let qStride = p.H * p.Dh;
  let group = p.H / p.Hkv;
  var kr: array<vec4f, MAX_NV>;
  var vr: array<vec4f, MAX_NV>;
  var qr: array<vec4f, MAX_NV>;
  var dor: array<vec4f, MAX_NV>;
  var accK: array<vec4f, MAX_NV>;
  var accV: array<vec4f, MAX_NV>;
  for (var c = 0u; c < NV; c++) {
    kr[c] = kChunk(kBase, c) * p.scale;
    vr[c] = vChunk(kBase, c);
  }
  // Queries that see key j: [j, tEnd).
  var tEnd = p.T;
  if (p.window > 0u) { tEnd = min(p.T, j + p.window); }
  for (var h = g * group; h < (g + 1u) * group; h++) {
    let rowBase = (b * p.H + h) * p.T;
    for (var t = j; t < tEnd; t++) {
      let qt = (b * p.T + t) * qStride + h * p.Dh;
      var s = 0.0;
      var dp = 0.0;
      for (var c = 0u; c < NV; c++) {
        qr[c] = qChunk(qt, c);
        dor[c] = dOChunk(qt, c);
        s += dot(qr[c], kr[c]);
        dp += dot(dor[c], vr[c]);
      }
      let pt = exp(s - lse[rowBase + t]);
      let ds = pt * (dp - D[rowBase + t]);
      for (var c = 0u; c < NV; c++) {
        accK[c] += ds * qr[c];
        accV[c] += pt * dor[c];
      }
    }
  }
  for (var c = 0u; c < NV; c++) {
    let xk = accK[c] * p.scale;
    let xv = accV[c];
    if (VEC) {
      let i = (kBase >> 2u) + c;
      if (p.accumulate == 1u) {
        dk[i] += xk;
        dv[i] += xv;
      } else {
        dk[i] = xk;
        dv[i] = xv;
      }
    } else {
      for (var e = 0u; e < 4u; e++) {
        let i = kBase + c * 4u + e;
        if (c * 4u + e < p.Dh) {
          if (p.accumulate == 1u) {
            dk[i >> 2u][i & 3u] += xk[e];
            dv[i >> 2u][i & 3u] += xv[e];
          } else {
            dk[i >> 2u][i & 3u] = xk[e];
            dv[i >> 2u][i & 3u] = xv[e];
          }
        }
      }
    }
  }
}
