// Shared by the one-workgroup reductions (prepended): fixed-order tree sums of (f32, u32) pairs.
const WG = 256u;
var<workgroup> sums: array<f32, WG>;
var<workgroup> counts: array<u32, WG>;

struct SumCount { sum: f32, count: u32 }

// (Σ s, Σ c) over the workgroup, returned to every invocation: a tree in workgroup memory, fixed order.
fn workgroupSumCount(lid: u32, s: f32, c: u32) -> SumCount {
  sums[lid] = s;
  counts[lid] = c;
  workgroupBarrier();
  for (var k = WG / 2u; k > 0u; k >>= 1u) {
    if (lid < k) {
      sums[lid] += sums[lid + k];
      counts[lid] += counts[lid + k];
    }
    workgroupBarrier();
  }
  return SumCount(sums[0], counts[0]);
}
