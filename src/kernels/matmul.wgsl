// Batched matmul C = A·B (+ C when accumulating), with either operand optionally transposed.
// 16×16 workgroup tiles staged in workgroup memory; one output per invocation.
struct Params {
  M: u32, N: u32, K: u32, transA: u32,
  transB: u32, accumulate: u32, strideA: u32, strideB: u32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> C: array<f32>;
@group(0) @binding(2) var<storage, read> A: array<f32>;
@group(0) @binding(3) var<storage, read> B: array<f32>;

const TS = 16u;
var<workgroup> tA: array<array<f32, 16>, 16>;
var<workgroup> tB: array<array<f32, 16>, 16>;

fn loadA(base: u32, m: u32, k: u32) -> f32 {
  if (m >= p.M || k >= p.K) { return 0.0; }
  if (p.transA == 1u) { return A[base + k * p.M + m]; }
  return A[base + m * p.K + k];
}

fn loadB(base: u32, k: u32, n: u32) -> f32 {
  if (k >= p.K || n >= p.N) { return 0.0; }
  if (p.transB == 1u) { return B[base + n * p.K + k]; }
  return B[base + k * p.N + n];
}

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let batch = wg.z;
  let row = wg.y * TS + lid.y;
  let col = wg.x * TS + lid.x;
  let baseA = batch * p.strideA;
  let baseB = batch * p.strideB;
  var acc = 0.0;
  for (var k0 = 0u; k0 < p.K; k0 += TS) {
    tA[lid.y][lid.x] = loadA(baseA, row, k0 + lid.x);
    tB[lid.y][lid.x] = loadB(baseB, k0 + lid.y, col);
    workgroupBarrier();
    for (var k = 0u; k < TS; k++) {
      acc += tA[lid.y][k] * tB[k][lid.x];
    }
    workgroupBarrier();
  }
  if (row < p.M && col < p.N) {
    let i = batch * p.M * p.N + row * p.N + col;
    if (p.accumulate == 1u) { C[i] += acc; } else { C[i] = acc; }
  }
}
