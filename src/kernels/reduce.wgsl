// Gradient norm, pass 1: per-workgroup sums of squares of up to six tensors (workgroup_id.y picks
// the tensor); a workgroup that met a NaN/±Inf element writes a NaN partial (bit-tested, not compared).
struct Params {
  n: array<vec4u, 2>,      // elements of each slot
  groups: array<vec4u, 2>, // workgroups of each slot (its grid stride)
  offset: array<vec4u, 2>, // index of each slot's first partial
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> partials: array<u32>;
@group(0) @binding(2) var<storage, read> g0: array<vec4f>;
@group(0) @binding(3) var<storage, read> g1: array<vec4f>;
@group(0) @binding(4) var<storage, read> g2: array<vec4f>;
@group(0) @binding(5) var<storage, read> g3: array<vec4f>;
@group(0) @binding(6) var<storage, read> g4: array<vec4f>;
@group(0) @binding(7) var<storage, read> g5: array<vec4f>;

// Prepended: reduce-common.wgsl (WG, workgroupSumCount).
const EXP = 0x7f800000u; // exponent bits: all set ⇔ NaN or ±Inf
const NAN = 0x7fc00000u;

fn load(slot: u32, i: u32) -> vec4f {
  switch slot {
    case 0u: { return g0[i]; }
    case 1u: { return g1[i]; }
    case 2u: { return g2[i]; }
    case 3u: { return g3[i]; }
    case 4u: { return g4[i]; }
    default: { return g5[i]; }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let slot = wg.y;
  let n = p.n[slot / 4u][slot % 4u];
  let groups = p.groups[slot / 4u][slot % 4u];
  if (wg.x >= groups) { return; }
  let nv = (n + 3u) / 4u;
  var s = 0.0;
  var flag = 0u;
  for (var i = wg.x * WG + lid; i < nv; i += groups * WG) {
    var x = load(slot, i);
    if (4u * i + 4u > n) {
      x = select(vec4f(0.0), x, vec4u(0u, 1u, 2u, 3u) + 4u * i < vec4u(n));
    }
    flag |= u32(any((bitcast<vec4u>(x) & vec4u(EXP)) == vec4u(EXP)));
    s += dot(x, x);
  }
  let total = workgroupSumCount(lid, s, flag); // count: invocations that met a non-finite element
  if (lid == 0u) {
    partials[p.offset[slot / 4u][slot % 4u] + wg.x] = select(bitcast<u32>(total.sum), NAN, total.count != 0u);
  }
}
