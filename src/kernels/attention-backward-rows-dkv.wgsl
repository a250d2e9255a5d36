// Attention backward dK and dV, rows variant: one invocation per (batch, kv head, key) streams its queries.
// Prepended: attention-rows-common.wgsl, attention-backward-rows-common.wgsl (Params, p, chunk reads).
@group(0) @binding(1) var<storage, read_write> dk: array<vec4f>; // (B, T, Hkv, Dh)
@group(0) @binding(2) var<storage, read_write> dv: array<vec4f>; // (B, T, Hkv, Dh)
@group(0) @binding(3) var<storage, read> q: array<vec4f>;        // (B, T, H, Dh)
@group(0) @binding(4) var<storage, read> k: array<vec4f>;        // (B, T, Hkv, Dh)
@group(0) @binding(5) var<storage, read> v: array<vec4f>;        // (B, T, Hkv, Dh)
@group(0) @binding(6) var<storage, read> dO: array<vec4f>;       // (B, T, H, Dh)
@group(0) @binding(7) var<storage, read> lse: array<f32>;        // (B, H, T)
@group(0) @binding(8) var<storage, read> D: array<f32>;          // (B, H, T)

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
