// Cross-entropy, pass 2 (one workgroup): loss = [mean NLL over counted rows, counted rows], summed in
// a fixed order; 0 when every row is ignored.
struct Params { rows: u32, V: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> loss: array<f32>;
@group(0) @binding(2) var<storage, read> rowLoss: array<f32>;
@group(0) @binding(3) var<storage, read> targets: array<i32>;

// Prepended: reduce-common.wgsl (WG, workgroupSumCount).

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32) {
  var s = 0.0;
  var c = 0u;
  for (var i = lid; i < p.rows; i += WG) {
    s += rowLoss[i];
    let t = targets[i];
    c += u32(t >= 0 && u32(t) < p.V);
  }
  let total = workgroupSumCount(lid, s, c);
  if (lid == 0u) {
    let n = total.count;
    loss[0] = select(0.0, total.sum / f32(n), n > 0u);
    loss[1] = f32(n);
  }
}
