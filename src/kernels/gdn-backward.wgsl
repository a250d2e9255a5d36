// Gated DeltaNet recurrence backward, after gdn-common.wgsl. One workgroup per (b, h), one invocation per
// column j of the state S and of its adjoint Ŝ (registers, NV vec4s each). Chunks are walked in
// reverse: from the chunk's saved start state each invocation recomputes its column of S_{t−1} for every
// step of the chunk into its own scratch slots (no barrier), then runs the adjoint recurrence of
// LAYERS.md back over the chunk, with s = S_{t−1}, ŝ = Ŝ_t (after ŝ_j += q ô_j), x_j = s_j·k, y_j = ŝ_j·k:
//   dv_j = β y_j;  dq = Σ_j S_t[:, j] ô_j;  dk = Σ_j β v_j ŝ_j − αβ (y_j s_j + x_j ŝ_j);
//   dβ = Σ_j y_j (v_j − α x_j);  dα = Σ_j ŝ_j·s_j − β x_j y_j;  ŝ_j ← α (ŝ_j − β y_j k).
// The sums over columns go through workgroup memory, SL vec4s per column per round; invocation i mod WG
// adds vec4 i in column order: deterministic, no atomics. Every gradient goes to scratch (dg = dα·α);
// the host copies or adds it to the outputs.
struct Params {
  T: u32, H: u32, dk: u32, dv: u32, nChunks: u32,
  flags: u32, // 1 = write Ŝ_0 (the initial state's gradient)
  // Scratch offsets (dq at 0): dk, dv, dβ, dg, Ŝ_0, per-step states (B, H, CHUNK, dv, dk).
  offK: u32, offV: u32, offB: u32, offG: u32, offS: u32, offW: u32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> scratch: array<f32>;
@group(0) @binding(2) var<storage, read> chunkStates: array<f32>; // (B, H, nChunks, dk, dv)
@group(0) @binding(3) var<storage, read> dout: array<f32>;        // (B, T, H, dv)

override SL: u32 = 4u; // vec4s per column per reduction round: min(NV, 512 / WG)
const MAX_WG = 128u;
var<workgroup> red: array<vec4f, 512>;
var<workgroup> redScalars: array<vec2f, MAX_WG>;

// Column j's components 4c … 4c + 3 of the chunk state starting at element `at`, zero past dk.
fn loadChunkState(at: u32, c: u32) -> vec4f {
  var s = vec4f(0.0);
  for (var l = 0u; l < 4u; l++) {
    if (c * 4u + l < p.dk) { s[l] = chunkStates[at + (c * 4u + l) * p.dv]; }
  }
  return s;
}

// Writes dk-vector components to scratch[at + 4c + l] (stride 1) or scratch[at + (4c + l)·stride].
fn storeScratch(at: u32, stride: u32, c: u32, s: vec4f) {
  for (var l = 0u; l < 4u; l++) {
    if (c * 4u + l < p.dk) { scratch[at + (c * 4u + l) * stride] = s[l]; }
  }
}

fn loadScratch(at: u32, c: u32) -> vec4f {
  let i = at + c * 4u;
  return select(vec4f(0.0), vec4f(scratch[i], scratch[i + 1u], scratch[i + 2u], scratch[i + 3u]), lanes(c));
}

// scratch[at + i] = Σ_j part_j[i] over the workgroup's columns j, in column order.
fn sumColumns(part: ptr<function, array<vec4f, MAX_NV>>, j: u32, at: u32) {
  for (var r = 0u; r < NV; r += SL) {
    for (var i = 0u; i < SL; i++) { red[j * SL + i] = (*part)[min(r + i, NV - 1u)]; }
    workgroupBarrier();
    for (var i = j; i < SL && r + i < NV; i += WG) {
      var acc = vec4f(0.0);
      for (var jj = 0u; jj < WG; jj++) { acc += red[jj * SL + i]; }
      storeScratch(at, 1u, r + i, acc);
    }
    workgroupBarrier();
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) j: u32) {
  let b = wg.y;
  let h = wg.x;
  let bh = b * p.H + h;
  var s: array<vec4f, MAX_NV>;
  var sh: array<vec4f, MAX_NV>;
  var part: array<vec4f, MAX_NV>;
  for (var c = 0u; c < NV; c++) { sh[c] = vec4f(0.0); }
  for (var kk = p.nChunks; kk > 0u; kk--) {
    let t0 = (kk - 1u) * CHUNK;
    let steps = min(CHUNK, p.T - t0);
    let atChunk = (bh * p.nChunks + kk - 1u) * p.dk * p.dv + j;
    for (var c = 0u; c < NV; c++) { s[c] = loadChunkState(atChunk, c); }
    for (var st = 0u; st < steps; st++) {
      let w = p.offW + ((bh * CHUNK + st) * p.dv + j) * p.dk;
      let r = (b * p.T + t0 + st) * p.H + h;
      let a = exp(g[r]);
      var u = vec4f(0.0);
      for (var c = 0u; c < NV; c++) {
        storeScratch(w, 1u, c, s[c]);
        s[c] *= a;
        u = fma(s[c], rowK(r * p.dk, c), u);
      }
      let vp = beta[r] * (v[r * p.dv + j] - dot(u, vec4f(1.0)));
      for (var c = 0u; c < NV; c++) { s[c] = fma(rowK(r * p.dk, c), vec4f(vp), s[c]); }
    }
    for (var st = steps; st > 0u; st--) {
      let w = p.offW + ((bh * CHUNK + st - 1u) * p.dv + j) * p.dk;
      let r = (b * p.T + t0 + st - 1u) * p.H + h;
      let kq = r * p.dk;
      let a = exp(g[r]);
      let be = beta[r];
      let vj = v[r * p.dv + j];
      let od = dout[r * p.dv + j];
      var x4 = vec4f(0.0);
      var y4 = vec4f(0.0);
      var z4 = vec4f(0.0);
      for (var c = 0u; c < NV; c++) {
        s[c] = loadScratch(w, c);
        sh[c] = fma(rowQ(kq, c), vec4f(od), sh[c]);
        x4 = fma(s[c], rowK(kq, c), x4);
        y4 = fma(sh[c], rowK(kq, c), y4);
        z4 = fma(sh[c], s[c], z4);
      }
      let x = dot(x4, vec4f(1.0));
      let y = dot(y4, vec4f(1.0));
      let vp = be * (vj - a * x);
      scratch[p.offV + r * p.dv + j] = be * y;
      redScalars[j] = vec2f(y * (vj - a * x), dot(z4, vec4f(1.0)) - be * x * y);
      for (var c = 0u; c < NV; c++) { part[c] = fma(rowK(kq, c), vec4f(vp), a * s[c]) * od; }
      sumColumns(&part, j, kq);
      if (j == 0u) {
        var acc = vec2f(0.0);
        for (var jj = 0u; jj < WG; jj++) { acc += redScalars[jj]; }
        scratch[p.offB + r] = acc.x;
        scratch[p.offG + r] = acc.y * a;
      }
      for (var c = 0u; c < NV; c++) { part[c] = be * (vj * sh[c] - a * (y * s[c] + x * sh[c])); }
      sumColumns(&part, j, p.offK + kq);
      for (var c = 0u; c < NV; c++) { sh[c] = a * (sh[c] - be * y * rowK(kq, c)); }
    }
  }
  if ((p.flags & 1u) != 0u) {
    for (var c = 0u; c < NV; c++) { storeScratch(p.offS + bh * p.dk * p.dv + j, p.dv, c, sh[c]); }
  }
}
