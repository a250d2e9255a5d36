// Cross-entropy backward: dlogits = (softmax − onehot(target)) / counted rows, from the saved
// logsumexp; 0 (or unchanged when accumulating) for ignored rows. One invocation per logit.
struct Params { rows: u32, V: u32, accumulate: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dlogits: array<f32>;
@group(0) @binding(2) var<storage, read> logits: array<f32>;
@group(0) @binding(3) var<storage, read> lse: array<f32>;
@group(0) @binding(4) var<storage, read> targets: array<i32>;
@group(0) @binding(5) var<storage, read> loss: array<f32>;

const WG = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * (nwg.x * WG);
  if (i >= p.rows * p.V) { return; }
  let row = i / p.V;
  let t = targets[row];
  let counted = t >= 0 && u32(t) < p.V;
  var d = 0.0;
  if (counted) {
    let onehot = select(0.0, 1.0, u32(t) == i - row * p.V);
    d = (exp(logits[i] - lse[row]) - onehot) / loss[1];
  }
  if (p.accumulate == 0u) {
    dlogits[i] = d;
  } else if (counted) {
    dlogits[i] += d;
  }
}
