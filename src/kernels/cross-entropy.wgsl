// Cross-entropy, pass 1: each workgroup reduces WG / L rows with L lanes per row: the row's
// logsumexp by an online (single-read) max/sum, and its NLL −log softmax[target] (0 if ignored).
override L: u32 = 256u; // lanes per row: a power of two ≤ WG, from V
struct Params { rows: u32, V: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> rowLoss: array<f32>;
@group(0) @binding(2) var<storage, read_write> lse: array<f32>;
@group(0) @binding(3) var<storage, read> logits: array<f32>;
@group(0) @binding(4) var<storage, read> targets: array<i32>;

const WG = 256u;
const LOWEST = -3.4028234e38; // finite: no ∞ − ∞ for lanes or rows without elements
var<workgroup> wmax: array<f32, WG>;
var<workgroup> wsum: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) wg: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let lane = lid % L;
  let row = (wg.x + wg.y * nwg.x) * (WG / L) + lid / L;
  let live = row < p.rows;
  let base = row * p.V;
  var m = LOWEST;
  var s = 0.0;
  if (live) {
    // Four independent loads per iteration keep more memory requests in flight.
    var j = lane;
    for (; j + 3u * L < p.V; j += 4u * L) {
      let x = vec4f(logits[base + j], logits[base + j + L], logits[base + j + 2u * L], logits[base + j + 3u * L]);
      let mx = max(max(x.x, x.y), max(x.z, x.w));
      if (mx > m) {
        s *= exp(m - mx);
        m = mx;
      }
      s += dot(exp(x - vec4f(m)), vec4f(1.0));
    }
    for (; j < p.V; j += L) {
      let x = logits[base + j];
      if (x > m) {
        s = s * exp(m - x) + 1.0;
        m = x;
      } else {
        s += exp(x - m);
      }
    }
  }
  wmax[lid] = m;
  wsum[lid] = s;
  workgroupBarrier();
  for (var k = L / 2u; k > 0u; k >>= 1u) {
    if (lane < k) {
      let m1 = wmax[lid];
      let m2 = wmax[lid + k];
      let mx = max(m1, m2);
      wsum[lid] = wsum[lid] * exp(m1 - mx) + wsum[lid + k] * exp(m2 - mx);
      wmax[lid] = mx;
    }
    workgroupBarrier();
  }
  if (live && lane == 0u) {
    let l = wmax[lid] + log(wsum[lid]);
    lse[row] = l;
    let t = targets[row];
    var nll = 0.0;
    if (t >= 0 && u32(t) < p.V) { nll = l - logits[base + u32(t)]; }
    rowLoss[row] = nll;
  }
}
