// Attention backward dQ, rows variant: one invocation per (batch, head, query) streams its visible keys.
// Prepended: attention-rows-common.wgsl, attention-backward-rows-common.wgsl (Params, p, chunk reads).
@group(0) @binding(1) var<storage, read_write> dq: array<vec4f>; // (B, T, H, Dh)
@group(0) @binding(2) var<storage, read> q: array<vec4f>;        // (B, T, H, Dh)
@group(0) @binding(3) var<storage, read> k: array<vec4f>;        // (B, T, Hkv, Dh)
@group(0) @binding(4) var<storage, read> v: array<vec4f>;        // (B, T, Hkv, Dh)
@group(0) @binding(5) var<storage, read> dO: array<vec4f>;       // (B, T, H, Dh)
@group(0) @binding(6) var<storage, read> lse: array<f32>;        // (B, H, T)
@group(0) @binding(7) var<storage, read> D: array<f32>;          // (B, H, T)

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
