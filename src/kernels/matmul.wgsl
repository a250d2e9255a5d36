// Batched matmul C = A·B (+ C when accumulating), either operand optionally transposed, B optionally
// shared by every batch (stride 0). Entry points:
//   tile   — (WG_Y·8)×(WG_X·8) output tiles (64×64, or 128×128 on GPUs for large problems); BK-deep
//            slices of A and B staged in workgroup memory;
//            8×8 outputs per invocation in 16 vec4 registers (register blocking); vec4 global loads
//            where the contiguous dimension is a multiple of 4 (VEC_A/VEC_B), scalar loads otherwise.
//   gemvKN — one output row from a vector (binding A) and a matrix (binding B) stored (K, N):
//            GV_X invocations × 4 outputs along N, GV_K slices of K, partial sums reduced in a tree.
//   gemvNK — the same with the matrix stored (N, K): NK_K slices of K × NK_Y groups of 4 outputs.
// The host maps M = 1 (and N = 1, by transposing the problem) onto the gemv entry points.
// Every operand is bound as array<vec4f> (pool buffers are 16-byte multiples); scalar access reads
// one component. Layout choices are override constants, so each pipeline holds only its own path;
// accumulate and the output's vec4 alignment are flags in the uniforms (epilogue only).
struct Params {
  M: u32, N: u32, K: u32, flags: u32, // flags: 1 = accumulate, 2 = N % 4 == 0 (vec4 stores)
  strideA: u32, strideB: u32, strideC: u32, _pad: u32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> C: array<vec4f>;
@group(0) @binding(2) var<storage, read> A: array<vec4f>;
@group(0) @binding(3) var<storage, read> B: array<vec4f>;

override TRANS_A: bool = false;    // A stored (K, M)
override TRANS_B: bool = false;    // B stored (N, K)
override VEC_A: bool = false;      // A's contiguous dimension (K, or M when transposed) % 4 == 0
override VEC_B: bool = false;      // B's contiguous dimension (N, or K when transposed) % 4 == 0

override WG_X: u32 = 8;            // invocations along N; the tile is WG_X·8 columns
override WG_Y: u32 = 8;            // invocations along M; the tile is WG_Y·8 rows
override BK: u32 = 16;             // depth of one staged slice, a multiple of 4
override WG = WG_X * WG_Y;
override BM4 = WG_Y * 2u;            // tile rows / 4
override BN4 = WG_X * 2u;            // tile columns / 4

// Tiles of the current K slice, both k-major: tA[k·BM4 + m/4] holds rows m..m+3 at depth k.
var<workgroup> tA: array<vec4f, BK * BM4>;
var<workgroup> tB: array<vec4f, BK * BN4>;

fn scalarA(i: u32) -> f32 { return A[i >> 2u][i & 3u]; }
fn scalarB(i: u32) -> f32 { return B[i >> 2u][i & 3u]; }

// A(m, k) of one batch, zero outside the matrix.
fn elemA(base: u32, m: u32, k: u32) -> f32 {
  if (m >= p.M || k >= p.K) { return 0.0; }
  if (TRANS_A) { return scalarA(base + k * p.M + m); }
  return scalarA(base + m * p.K + k);
}

fn elemB(base: u32, k: u32, n: u32) -> f32 {
  if (k >= p.K || n >= p.N) { return 0.0; }
  if (TRANS_B) { return scalarB(base + n * p.K + k); }
  return scalarB(base + k * p.N + n);
}

// Stages A(m0.., k0..) into tA.
fn loadTileA(base: u32, m0: u32, k0: u32, tid: u32) {
  if (TRANS_A) {
    // Contiguous along m: one vec4 is 4 rows at one depth, stored as is.
    for (var e = tid; e < BK * BM4; e += WG) {
      let k = k0 + e / BM4;
      let m = m0 + (e % BM4) * 4u;
      var v = vec4f(0.0);
      if (VEC_A) {
        if (k < p.K && m < p.M) { v = A[(base + k * p.M + m) >> 2u]; }
      } else {
        v = vec4f(elemA(base, m, k), elemA(base, m + 1u, k), elemA(base, m + 2u, k), elemA(base, m + 3u, k));
      }
      tA[e] = v;
    }
  } else {
    // Contiguous along k: one vec4 is 4 depths of one row, scattered into 4 tile rows.
    let BK4 = BK / 4u;
    for (var e = tid; e < BK4 * BM4 * 4u; e += WG) {
      let mm = e / BK4;
      let kk = (e % BK4) * 4u;
      let m = m0 + mm;
      let k = k0 + kk;
      var v = vec4f(0.0);
      if (VEC_A) {
        if (m < p.M && k < p.K) { v = A[(base + m * p.K + k) >> 2u]; }
      } else {
        v = vec4f(elemA(base, m, k), elemA(base, m, k + 1u), elemA(base, m, k + 2u), elemA(base, m, k + 3u));
      }
      let at = kk * BM4 + mm / 4u;
      let c = mm & 3u;
      tA[at][c] = v.x;
      tA[at + BM4][c] = v.y;
      tA[at + 2u * BM4][c] = v.z;
      tA[at + 3u * BM4][c] = v.w;
    }
  }
}

fn loadTileB(base: u32, n0: u32, k0: u32, tid: u32) {
  if (!TRANS_B) {
    for (var e = tid; e < BK * BN4; e += WG) {
      let k = k0 + e / BN4;
      let n = n0 + (e % BN4) * 4u;
      var v = vec4f(0.0);
      if (VEC_B) {
        if (k < p.K && n < p.N) { v = B[(base + k * p.N + n) >> 2u]; }
      } else {
        v = vec4f(elemB(base, k, n), elemB(base, k, n + 1u), elemB(base, k, n + 2u), elemB(base, k, n + 3u));
      }
      tB[e] = v;
    }
  } else {
    let BK4 = BK / 4u;
    for (var e = tid; e < BK4 * BN4 * 4u; e += WG) {
      let nn = e / BK4;
      let kk = (e % BK4) * 4u;
      let n = n0 + nn;
      let k = k0 + kk;
      var v = vec4f(0.0);
      if (VEC_B) {
        if (n < p.N && k < p.K) { v = B[(base + n * p.K + k) >> 2u]; }
      } else {
        v = vec4f(elemB(base, k, n), elemB(base, k + 1u, n), elemB(base, k + 2u, n), elemB(base, k + 3u, n));
      }
      let at = kk * BN4 + nn / 4u;
      let c = nn & 3u;
      tB[at][c] = v.x;
      tB[at + BN4][c] = v.y;
      tB[at + 2u * BN4][c] = v.z;
      tB[at + 3u * BN4][c] = v.w;
    }
  }
}

fn store1(i: u32, v: f32) {
  if ((p.flags & 1u) != 0u) { C[i >> 2u][i & 3u] += v; } else { C[i >> 2u][i & 3u] = v; }
}

// Writes the outputs (m, n..n+3) that exist.
fn store4(base: u32, m: u32, n: u32, v: vec4f) {
  if (m >= p.M || n >= p.N) { return; }
  let i = base + m * p.N + n;
  if ((p.flags & 2u) != 0u) {
    if ((p.flags & 1u) != 0u) { C[i >> 2u] += v; } else { C[i >> 2u] = v; }
    return;
  }
  store1(i, v.x);
  if (n + 1u < p.N) { store1(i + 1u, v.y); }
  if (n + 2u < p.N) { store1(i + 2u, v.z); }
  if (n + 3u < p.N) { store1(i + 3u, v.w); }
}

@compute @workgroup_size(WG_X, WG_Y)
fn tile(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let tid = lid.y * WG_X + lid.x;
  let baseA = wg.z * p.strideA;
  let baseB = wg.z * p.strideB;
  let m0 = wg.y * BM4 * 4u;
  let n0 = wg.x * BN4 * 4u;
  let tx = lid.x;
  let ty = lid.y;
  // Rows ty·4 + i and ty·4 + i + BM/2 (i < 4); columns tx·4 + j and tx·4 + j + BN/2.
  var c00 = vec4f(0.0); var c01 = vec4f(0.0); var c10 = vec4f(0.0); var c11 = vec4f(0.0);
  var c20 = vec4f(0.0); var c21 = vec4f(0.0); var c30 = vec4f(0.0); var c31 = vec4f(0.0);
  var c40 = vec4f(0.0); var c41 = vec4f(0.0); var c50 = vec4f(0.0); var c51 = vec4f(0.0);
  var c60 = vec4f(0.0); var c61 = vec4f(0.0); var c70 = vec4f(0.0); var c71 = vec4f(0.0);
  for (var k0 = 0u; k0 < p.K; k0 += BK) {
    loadTileA(baseA, m0, k0, tid);
    loadTileB(baseB, n0, k0, tid);
    workgroupBarrier();
    for (var k = 0u; k < BK; k++) {
      let a0 = tA[k * BM4 + ty];
      let a1 = tA[k * BM4 + ty + WG_Y];
      let b0 = tB[k * BN4 + tx];
      let b1 = tB[k * BN4 + tx + WG_X];
      c00 = fma(vec4f(a0.x), b0, c00); c01 = fma(vec4f(a0.x), b1, c01);
      c10 = fma(vec4f(a0.y), b0, c10); c11 = fma(vec4f(a0.y), b1, c11);
      c20 = fma(vec4f(a0.z), b0, c20); c21 = fma(vec4f(a0.z), b1, c21);
      c30 = fma(vec4f(a0.w), b0, c30); c31 = fma(vec4f(a0.w), b1, c31);
      c40 = fma(vec4f(a1.x), b0, c40); c41 = fma(vec4f(a1.x), b1, c41);
      c50 = fma(vec4f(a1.y), b0, c50); c51 = fma(vec4f(a1.y), b1, c51);
      c60 = fma(vec4f(a1.z), b0, c60); c61 = fma(vec4f(a1.z), b1, c61);
      c70 = fma(vec4f(a1.w), b0, c70); c71 = fma(vec4f(a1.w), b1, c71);
    }
    workgroupBarrier();
  }
  // Epilogue as a loop over the 8 rows (a switch picks the registers): one copy of the store code
  // instead of 16 keeps the shader small, which matters to compile time on CPU emulation.
  let baseC = wg.z * p.strideC;
  let q0 = n0 + tx * 4u;
  let q1 = q0 + WG_X * 4u;
  for (var r = 0u; r < 8u; r++) {
    var v0 = c70;
    var v1 = c71;
    switch (r) {
      case 0u: { v0 = c00; v1 = c01; }
      case 1u: { v0 = c10; v1 = c11; }
      case 2u: { v0 = c20; v1 = c21; }
      case 3u: { v0 = c30; v1 = c31; }
      case 4u: { v0 = c40; v1 = c41; }
      case 5u: { v0 = c50; v1 = c51; }
      case 6u: { v0 = c60; v1 = c61; }
      default: {}
    }
    let m = m0 + ty * 4u + (r >> 2u) * WG_Y * 4u + (r & 3u);
    store4(baseC, m, q0, v0);
    store4(baseC, m, q1, v1);
  }
}

// ---- GEMV: C (batch, 1, N) = v (batch, K) · W, v in binding A, W in binding B (p.M = 1). ----
// Workgroup memory is kept small: CPU emulation pays compile time for zero-initialising it.
override GV_X: u32 = 16; // gemvKN: column groups of 4 outputs per workgroup
override GV_K: u32 = 8;  // gemvKN: K slices (a power of two)
override NK_K: u32 = 8;   // gemvNK: K slices (a power of two)
override NK_Y: u32 = 16;  // gemvNK: row groups of 4 outputs per workgroup
var<workgroup> partKN: array<vec4f, GV_X * GV_K>;
var<workgroup> partNK: array<vec4f, NK_K * NK_Y>;

// W stored (K, N): invocation (x, y) owns outputs n..n+3 (n = 4·(GV_X·wg.x + x)) over k ≡ y mod
// GV_K; the GV_K partial vec4s of each column group are summed in a tree.
@compute @workgroup_size(GV_X, GV_K)
fn gemvKN(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let n = (wg.x * GV_X + lid.x) * 4u;
  let baseV = wg.y * p.strideA;
  let baseW = wg.y * p.strideB;
  var acc = vec4f(0.0);
  if (n < p.N) {
    for (var k = lid.y; k < p.K; k += GV_K) {
      let v = scalarA(baseV + k);
      let row = baseW + k * p.N + n;
      var w: vec4f;
      if (VEC_B) {
        w = B[row >> 2u];
      } else {
        w = vec4f(scalarB(row), 0.0, 0.0, 0.0);
        if (n + 1u < p.N) { w.y = scalarB(row + 1u); }
        if (n + 2u < p.N) { w.z = scalarB(row + 2u); }
        if (n + 3u < p.N) { w.w = scalarB(row + 3u); }
      }
      acc = fma(vec4f(v), w, acc);
    }
  }
  partKN[lid.y * GV_X + lid.x] = acc;
  workgroupBarrier();
  for (var s = GV_K / 2u; s > 0u; s >>= 1u) {
    if (lid.y < s) { partKN[lid.y * GV_X + lid.x] += partKN[(lid.y + s) * GV_X + lid.x]; }
    workgroupBarrier();
  }
  if (lid.y == 0u) { store4(wg.y * p.strideC, 0u, n, partKN[lid.x]); }
}

// W stored (N, K): invocation (x, y) owns outputs n..n+3 (n = 4·(NK_Y·wg.x + y)) over the vec4s
// k4 ≡ x mod NK_K, so one load of v serves 4 rows; the NK_K partial vec4s are summed in a tree.
@compute @workgroup_size(NK_K, NK_Y)
fn gemvNK(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let n = (wg.x * NK_Y + lid.y) * 4u;
  let baseV = wg.y * p.strideA;
  let baseW = wg.y * p.strideB;
  var acc = vec4f(0.0);
  if (n < p.N) {
    // Rows past the end read the last row; store4 drops their results.
    let w0 = baseW + n * p.K;
    let w1 = baseW + min(n + 1u, p.N - 1u) * p.K;
    let w2 = baseW + min(n + 2u, p.N - 1u) * p.K;
    let w3 = baseW + min(n + 3u, p.N - 1u) * p.K;
    for (var k = lid.x * 4u; k < p.K; k += NK_K * 4u) {
      if (VEC_B) {
        let v = A[(baseV + k) >> 2u];
        acc += vec4f(dot(v, B[(w0 + k) >> 2u]), dot(v, B[(w1 + k) >> 2u]), dot(v, B[(w2 + k) >> 2u]),
                     dot(v, B[(w3 + k) >> 2u]));
      } else {
        let e = min(p.K - k, 4u);
        for (var j = 0u; j < e; j++) {
          let v = scalarA(baseV + k + j);
          acc += v * vec4f(scalarB(w0 + k + j), scalarB(w1 + k + j), scalarB(w2 + k + j), scalarB(w3 + k + j));
        }
      }
    }
  }
  partNK[lid.y * NK_K + lid.x] = acc;
  workgroupBarrier();
  for (var s = NK_K / 2u; s > 0u; s >>= 1u) {
    if (lid.x < s) { partNK[lid.y * NK_K + lid.x] += partNK[lid.y * NK_K + lid.x + s]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) { store4(wg.y * p.strideC, 0u, n, partNK[lid.y * NK_K]); }
}
