// Gradient norm, pass 2 (one workgroup): sums the partials in a fixed order, writes the L2 norm (NaN
// when any partial or the total is non-finite) and adds this step to the running `stats`.
struct Params { count: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> norm: array<u32>;
@group(0) @binding(2) var<storage, read_write> stats: array<f32>;
@group(0) @binding(3) var<storage, read> partials: array<u32>;
@group(0) @binding(4) var<storage, read> loss: array<f32>;

// Prepended: reduce-common.wgsl (WG, workgroupSumCount).
const EXP = 0x7f800000u; // exponent bits: all set ⇔ NaN or ±Inf
const NAN = 0x7fc00000u;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32) {
  var s = 0.0;
  var flag = 0u;
  for (var i = lid; i < p.count; i += WG) {
    let b = partials[i];
    let nonFinite = (b & EXP) == EXP;
    flag |= u32(nonFinite);
    s += bitcast<f32>(select(b, 0u, nonFinite));
  }
  let total = workgroupSumCount(lid, s, flag); // count: invocations that met a non-finite partial
  if (lid == 0u) {
    let nonFinite = total.count != 0u || (bitcast<u32>(total.sum) & EXP) == EXP;
    let n = sqrt(total.sum);
    norm[0] = select(bitcast<u32>(n), NAN, nonFinite);
    stats[1] += 1.0;
    stats[2] += loss[0];
    if (nonFinite) {
      stats[0] += 1.0;
    } else {
      stats[3] += n;
    }
  }
}
