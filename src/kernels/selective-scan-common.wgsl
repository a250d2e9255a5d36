// Prelude of the fused selective-scan kernels (prepended by the host): shared inputs, overrides, loads.
@group(0) @binding(4) var<storage, read> x: array<f32>;     // (B, T, D)
@group(0) @binding(5) var<storage, read> delta: array<f32>; // (B, T, D), already softplus'ed
@group(0) @binding(6) var<storage, read> A: array<f32>;     // (D, N), already −exp(A_log)
@group(0) @binding(7) var<storage, read> Bm: array<vec4f>;  // (B, T, N)
@group(0) @binding(8) var<storage, read> C: array<vec4f>;   // (B, T, N)

override NS: u32 = 4u;     // vec4s per state row, ⌈N/4⌉
override CPI: u32 = 1u;    // channels per invocation
override NV: u32 = 4u;     // vec4s of state per invocation, CPI·NS; the host unrolls `c < NV` loops
override VEC: bool = true; // N % 4 == 0: rows of Bm and C start on a vec4
override CHUNK: u32 = 64u; // time steps per chunk
override WG: u32 = 64u;    // invocations per workgroup
// Bm and C staged per chunk in workgroup memory (GPUs), or read from storage at each step (CPU
// emulation, where workgroup loads are slower than storage loads).
override STAGE: bool = true;
const MAX_NV = 16u;        // NV ≤ 16: N ≤ 64
const LOG2E = 1.4426950408889634; // exp(Δ·A) = exp2(Δ·log2(e)·A): one multiply per step, not per state

// Bm and C of the current chunk, step-major, NS vec4s per step, zero past T and past N.
var<workgroup> sB: array<vec4f, CHUNK * NS>;
var<workgroup> sC: array<vec4f, CHUNK * NS>;

// Channel k < CPI of invocation lid of workgroup wgx: consecutive invocations, consecutive channels.
fn channel(wgx: u32, lid: u32, k: u32) -> u32 {
  return (wgx * CPI + k) * WG + lid;
}

// Each kernel declares `p: Params` with fields T, D, N (and more of its own).
// Stages steps t0 … t0 + CHUNK − 1 of batch b: consecutive invocations load consecutive values.
fn stage(b: u32, t0: u32, lid: u32) {
  if (!STAGE) { return; }
  for (var e = lid; e < CHUNK * NS * 4u; e += WG) {
    let t = t0 + e / (NS * 4u);
    let n = e % (NS * 4u);
    var vb = 0.0;
    var vc = 0.0;
    if (t < p.T && n < p.N) {
      let i = (b * p.T + t) * p.N + n;
      vb = Bm[i >> 2u][i & 3u];
      vc = C[i >> 2u][i & 3u];
    }
    sB[e >> 2u][e & 3u] = vb;
    sC[e >> 2u][e & 3u] = vc;
  }
}

// Which components of state vec4 q exist (n = 4q + j < N).
fn lanes(q: u32) -> vec4<bool> {
  return vec4u(q * 4u) + vec4u(0u, 1u, 2u, 3u) < vec4u(p.N);
}

// Components 4q … 4q + 3 of Bm and C at step t0 + s of batch b, zero past N. Here and below, reads
// past a row's end are masked (and, past the buffer's end, clamped by WebGPU's bounds checks).
fn stepB(b: u32, t0: u32, s: u32, q: u32) -> vec4f {
  if (STAGE) { return sB[s * NS + q]; }
  let i = (b * p.T + t0 + s) * p.N + q * 4u;
  if (VEC) { return Bm[i >> 2u]; }
  let v = vec4f(Bm[i >> 2u][i & 3u], Bm[(i + 1u) >> 2u][(i + 1u) & 3u], Bm[(i + 2u) >> 2u][(i + 2u) & 3u],
                Bm[(i + 3u) >> 2u][(i + 3u) & 3u]);
  return select(vec4f(0.0), v, lanes(q));
}

fn stepC(b: u32, t0: u32, s: u32, q: u32) -> vec4f {
  if (STAGE) { return sC[s * NS + q]; }
  let i = (b * p.T + t0 + s) * p.N + q * 4u;
  if (VEC) { return C[i >> 2u]; }
  let v = vec4f(C[i >> 2u][i & 3u], C[(i + 1u) >> 2u][(i + 1u) & 3u], C[(i + 2u) >> 2u][(i + 2u) & 3u],
                C[(i + 3u) >> 2u][(i + 3u) & 3u]);
  return select(vec4f(0.0), v, lanes(q));
}

// Components 4q … 4q + 3 of row d of A, zero past N.
fn rowA(d: u32, q: u32) -> vec4f {
  let i = d * p.N + q * 4u;
  return select(vec4f(0.0), vec4f(A[i], A[i + 1u], A[i + 2u], A[i + 3u]), lanes(q));
}
