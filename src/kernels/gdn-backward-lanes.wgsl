// Gated DeltaNet recurrence backward for software adapters, after gdn-common.wgsl: one invocation per
// (b, h), holding the whole adjoint Ŝ (dv columns of NV vec4s) in private memory. SwiftShader runs a
// workgroup's invocations as SIMD lanes: here every lane is a different head doing the same work, so
// no sum crosses lanes and there are no barriers (the GPU kernel, gdn-backward.wgsl, sums over columns
// through workgroup memory with four barriers per step, which SwiftShader pays for dearly).
// Same math as gdn-backward.wgsl, per step t (s = S_{t−1}, ŝ = Ŝ_t after ŝ_j += q ô_j):
//   dv_j = β y_j;  dq = Σ_j S_t[:, j] ô_j;  dk = Σ_j β v_j ŝ_j − αβ (y_j s_j + x_j ŝ_j);
//   dβ = Σ_j y_j (v_j − α x_j);  dα = Σ_j ŝ_j·s_j − β x_j y_j;  ŝ_j ← α (ŝ_j − β y_j k).
// Chunks are walked in reverse; each chunk's states S_{t−1} are recomputed from its saved start state
// into scratch (B·H, CHUNK, dv, NV vec4s). Gradients go to scratch at the GPU kernel's offsets.
struct Params {
  T: u32, H: u32, dk: u32, dv: u32, nChunks: u32,
  flags: u32, // 1 = write Ŝ_0 (the initial state's gradient)
  offK: u32, offV: u32, offB: u32, offG: u32, offS: u32, offW: u32,
  BH: u32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> scratch: array<f32>;
@group(0) @binding(2) var<storage, read> chunkStates: array<f32>; // (B, H, nChunks, dk, dv)
@group(0) @binding(3) var<storage, read> dout: array<f32>;        // (B, T, H, dv)

// Private arrays need a constant size: the host writes dv·NV in place of the placeholder.
const SV = STATE_VEC4S;

fn loadW(at: u32) -> vec4f {
  return vec4f(scratch[at], scratch[at + 1u], scratch[at + 2u], scratch[at + 3u]);
}

fn storeW(at: u32, s: vec4f) {
  scratch[at] = s.x;
  scratch[at + 1u] = s.y;
  scratch[at + 2u] = s.z;
  scratch[at + 3u] = s.w;
}

// Components 4c … 4c + 3 of column j of the chunk state starting at element `at`, zero past dk.
fn loadChunkColumn(at: u32, j: u32, c: u32) -> vec4f {
  var s = vec4f(0.0);
  for (var l = 0u; l < 4u; l++) {
    if (c * 4u + l < p.dk) { s[l] = chunkStates[at + (c * 4u + l) * p.dv + j]; }
  }
  return s;
}

fn storeDk(at: u32, c: u32, s: vec4f) {
  for (var l = 0u; l < 4u; l++) {
    if (c * 4u + l < p.dk) { scratch[at + c * 4u + l] = s[l]; }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let lane = wg.x * WG + lid;
  let live = lane < p.BH;
  let bh = min(lane, p.BH - 1u); // lanes past B·H redo the last head and write nothing
  let b = bh / p.H;
  let h = bh % p.H;
  let w0 = p.offW + bh * CHUNK * SV * 4u; // this lane's recomputed states
  var sh: array<vec4f, SV>;
  var s: array<vec4f, SV>;
  for (var e = 0u; e < SV; e++) { sh[e] = vec4f(0.0); }
  var kr: array<vec4f, MAX_NV>;
  var qr: array<vec4f, MAX_NV>;
  for (var kk = p.nChunks; kk > 0u; kk--) {
    let t0 = (kk - 1u) * CHUNK;
    let steps = min(CHUNK, p.T - t0);
    let atChunk = (bh * p.nChunks + kk - 1u) * p.dk * p.dv;
    for (var j = 0u; j < p.dv; j++) {
      for (var c = 0u; c < NV; c++) { s[j * NV + c] = loadChunkColumn(atChunk, j, c); }
    }
    for (var st = 0u; st < steps; st++) {
      let r = (b * p.T + t0 + st) * p.H + h;
      let a = exp(g[r]);
      let be = beta[r];
      for (var c = 0u; c < NV; c++) { kr[c] = rowK(r * p.dk, c); }
      for (var j = 0u; j < p.dv; j++) {
        let w = w0 + (st * SV + j * NV) * 4u;
        var u = vec4f(0.0);
        for (var c = 0u; c < NV; c++) {
          let sj = s[j * NV + c];
          if (live) { storeW(w + c * 4u, sj); }
          u = fma(sj, kr[c], u);
        }
        let vp = be * (v[r * p.dv + j] - a * dot(u, vec4f(1.0)));
        for (var c = 0u; c < NV; c++) { s[j * NV + c] = fma(kr[c], vec4f(vp), a * s[j * NV + c]); }
      }
    }
    for (var st = steps; st > 0u; st--) {
      let r = (b * p.T + t0 + st - 1u) * p.H + h;
      let kq = r * p.dk;
      let a = exp(g[r]);
      let be = beta[r];
      for (var c = 0u; c < NV; c++) {
        kr[c] = rowK(kq, c);
        qr[c] = rowQ(kq, c);
      }
      var dq: array<vec4f, MAX_NV>;
      var dk: array<vec4f, MAX_NV>;
      for (var c = 0u; c < NV; c++) {
        dq[c] = vec4f(0.0);
        dk[c] = vec4f(0.0);
      }
      var dbeta = 0.0;
      var dalpha = 0.0;
      for (var j = 0u; j < p.dv; j++) {
        let w = w0 + ((st - 1u) * SV + j * NV) * 4u;
        let vj = v[r * p.dv + j];
        let od = dout[r * p.dv + j];
        var x4 = vec4f(0.0);
        var y4 = vec4f(0.0);
        var z4 = vec4f(0.0);
        for (var c = 0u; c < NV; c++) {
          let sj = loadW(w + c * 4u);
          let shj = fma(qr[c], vec4f(od), sh[j * NV + c]);
          sh[j * NV + c] = shj;
          x4 = fma(sj, kr[c], x4);
          y4 = fma(shj, kr[c], y4);
          z4 = fma(shj, sj, z4);
        }
        let x = dot(x4, vec4f(1.0));
        let y = dot(y4, vec4f(1.0));
        let vp = be * (vj - a * x);
        if (live) { scratch[p.offV + r * p.dv + j] = be * y; }
        dbeta = fma(y, vj - a * x, dbeta);
        dalpha += dot(z4, vec4f(1.0)) - be * x * y;
        for (var c = 0u; c < NV; c++) {
          let sj = loadW(w + c * 4u);
          let shj = sh[j * NV + c];
          dq[c] = fma(fma(kr[c], vec4f(vp), a * sj), vec4f(od), dq[c]);
          dk[c] += be * (vj * shj - a * (y * sj + x * shj));
          sh[j * NV + c] = a * (shj - be * y * kr[c]);
        }
      }
      if (live) {
        for (var c = 0u; c < NV; c++) {
          storeDk(kq, c, dq[c]);
          storeDk(p.offK + kq, c, dk[c]);
        }
        scratch[p.offB + r] = dbeta;
        scratch[p.offG + r] = dalpha * a;
      }
    }
  }
  if (live && (p.flags & 1u) != 0u) {
    let at = p.offS + bh * p.dk * p.dv;
    for (var j = 0u; j < p.dv; j++) {
      for (var c = 0u; c < NV; c++) {
        let v4 = sh[j * NV + c];
        for (var l = 0u; l < 4u; l++) {
          if (c * 4u + l < p.dk) { scratch[at + (c * 4u + l) * p.dv + j] = v4[l]; }
        }
      }
    }
  }
}
