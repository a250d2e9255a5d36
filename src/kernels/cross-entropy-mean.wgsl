// Cross-entropy, pass 2 (one workgroup): loss = [mean NLL over counted rows, counted rows], summed in
// a fixed order; 0 when every row is ignored.
struct Params { rows: u32, V: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> loss: array<f32>;
@group(0) @binding(2) var<storage, read> rowLoss: array<f32>;
@group(0) @binding(3) var<storage, read> targets: array<i32>;

const WG = 256u;
var<workgroup> sums: array<f32, WG>;
var<workgroup> counts: array<u32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32) {
  var s = 0.0;
  var c = 0u;
  for (var i = lid; i < p.rows; i += WG) {
    s += rowLoss[i];
    let t = targets[i];
    c += u32(t >= 0 && u32(t) < p.V);
  }
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
  if (lid == 0u) {
    let n = counts[0];
    loss[0] = select(0.0, sums[0] / f32(n), n > 0u);
    loss[1] = f32(n);
  }
}
