// WKV-7 backward, column pass, after wkv7-common.wgsl. One workgroup per (b, h), one invocation per column
// j of S and Ŝ (registers, NV vec4s over the rows i). Given the per-step vectors sa (saved by the forward)
// and dsa (from the row pass), both recurrences are column-local:
//   S_t[:, j] = w_j S_{t−1}[:, j] + β_j sa_t + k_j v_t;   Ŝ_{t−1}[:, j] = w_j Ŝ_t[:, j] + α_j dsa_t,
// so every key-side gradient is a dot within the column — no barriers, no atomics:
//   dr_j = S_t[:, j]·dy;  dk_j = Ŝ_t[:, j]·v;  dw_j = Ŝ_t[:, j]·S_{t−1}[:, j];
//   dβ_j = Ŝ_t[:, j]·sa;  dα_j = dsa·S_{t−1}[:, j]   (Ŝ_t after += dy r_j).
// Chunks are walked in reverse: from the chunk's saved start state each invocation recomputes its column
// of S_{t−1} for every step of the chunk into its own scratch slots, then walks the chunk backwards.
// The five gradients go to scratch as (B·T·H, 5, N); the unpack kernel applies the chain rule.
struct Params { T: u32, H: u32, n: u32, nChunks: u32, offG: u32, offW: u32 }
@group(0) @binding(0) var<uniform> p: Params;
// dsa (B, T, H, N) at 0, gradients (B, T, H, 5, N) at offG, step columns (B, H, N, CHUNK, N) at offW.
@group(0) @binding(1) var<storage, read_write> scratch: array<f32>;
@group(0) @binding(2) var<storage, read> chunkStates: array<f32>; // (B, H, nChunks, N, N)
@group(0) @binding(3) var<storage, read> sa: array<f32>;          // (B, T, H, N)
@group(0) @binding(4) var<storage, read> dy: array<f32>;          // (B, T, H, N)
@group(0) @binding(5) var<storage, read> packed: array<f32>;      // (B, T, H, 6, N)

fn vecSa(row: u32, c: u32) -> vec4f {
  let i = row * p.n + c * 4u;
  return select(vec4f(0.0), vec4f(sa[i], sa[i + 1u], sa[i + 2u], sa[i + 3u]), lanes(c));
}

fn vecDy(row: u32, c: u32) -> vec4f {
  let i = row * p.n + c * 4u;
  return select(vec4f(0.0), vec4f(dy[i], dy[i + 1u], dy[i + 2u], dy[i + 3u]), lanes(c));
}

// vec4 c of a length-N vector in scratch starting at `at`, zero past N.
fn vecScratch(at: u32, c: u32) -> vec4f {
  let i = at + c * 4u;
  return select(vec4f(0.0), vec4f(scratch[i], scratch[i + 1u], scratch[i + 2u], scratch[i + 3u]), lanes(c));
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) j: u32) {
  let b = wg.y;
  let h = wg.x;
  let bh = b * p.H + h;
  var s: array<vec4f, MAX_NV>;
  var sh: array<vec4f, MAX_NV>;
  for (var c = 0u; c < NV; c++) { sh[c] = vec4f(0.0); }
  let steps0 = p.offW + (bh * p.n + j) * CHUNK * p.n; // this column's scratch slots
  for (var ch = p.nChunks; ch > 0u; ch--) {
    let t0 = (ch - 1u) * CHUNK;
    let steps = min(CHUNK, p.T - t0);
    let atChunk = (bh * p.nChunks + ch - 1u) * p.n * p.n + j;
    for (var c = 0u; c < NV; c++) {
      s[c] = vec4f(0.0);
      for (var l = 0u; l < 4u; l++) {
        if (c * 4u + l < p.n) { s[c][l] = chunkStates[atChunk + (c * 4u + l) * p.n]; }
      }
    }
    for (var st = 0u; st < steps; st++) {
      let row = (b * p.T + t0 + st) * p.H + h;
      let w = at(row, W_, j);
      let beta = at(row, KK_, j) * at(row, A_, j);
      let kj = at(row, K_, j);
      for (var c = 0u; c < NV; c++) {
        for (var l = 0u; l < 4u; l++) {
          if (c * 4u + l < p.n) { scratch[steps0 + st * p.n + c * 4u + l] = s[c][l]; }
        }
        s[c] = fma(vec4f(w), s[c], fma(vec4f(beta), vecSa(row, c), kj * vecOf(row, V_, c)));
      }
    }
    for (var st = steps; st > 0u; st--) {
      let row = (b * p.T + t0 + st - 1u) * p.H + h;
      let w = at(row, W_, j);
      let kap = at(row, KK_, j);
      let beta = kap * at(row, A_, j);
      let kj = at(row, K_, j);
      let rj = at(row, R_, j);
      var dr4 = vec4f(0.0);
      var dk4 = vec4f(0.0);
      var dw4 = vec4f(0.0);
      var db4 = vec4f(0.0);
      var dal4 = vec4f(0.0);
      for (var c = 0u; c < NV; c++) {
        let prev = vecScratch(steps0 + (st - 1u) * p.n, c);
        let sa4 = vecSa(row, c);
        let v4 = vecOf(row, V_, c);
        let dy4 = vecDy(row, c);
        let dsa4 = vecScratch(row * p.n, c);
        let cur = fma(vec4f(w), prev, fma(vec4f(beta), sa4, kj * v4));
        dr4 = fma(cur, dy4, dr4);
        sh[c] = fma(dy4, vec4f(rj), sh[c]);
        dk4 = fma(sh[c], v4, dk4);
        dw4 = fma(sh[c], prev, dw4);
        db4 = fma(sh[c], sa4, db4);
        dal4 = fma(dsa4, prev, dal4);
        sh[c] = fma(vec4f(w), sh[c], -kap * dsa4);
      }
      let g = p.offG + row * 5u * p.n + j;
      let one = vec4f(1.0);
      scratch[g] = dot(dr4, one);
      scratch[g + p.n] = dot(dw4, one);
      scratch[g + 2u * p.n] = dot(dk4, one);
      scratch[g + 3u * p.n] = dot(dal4, one);
      scratch[g + 4u * p.n] = dot(db4, one);
    }
  }
}
