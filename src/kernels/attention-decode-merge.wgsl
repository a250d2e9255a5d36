// One decode step of attention, pass 2 of the split plan: per (sequence b, head h), the blocks'
// partial softmaxes (m_s, l_s, o_s) merge into o = Σ o_s e^{m_s − M} / Σ l_s e^{m_s − M}, M = max m_s.
// Empty blocks (m = −3e38, l = 0, o = 0) weigh nothing; block 0 is never empty, so M is a real score.
struct Params { H: u32, Dh: u32, splits: u32, _p0: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> o: array<f32>; // (B, H, Dh)
@group(0) @binding(2) var<storage, read> part: array<f32>;    // (B, H, splits, 2 + Dh): m, l, o

const WG = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3u) {
  let h = wid.x;
  let b = wid.y;
  let stride = 2u + p.Dh;
  let base = (b * p.H + h) * p.splits * stride;
  var M = -3.0e38;
  for (var s = 0u; s < p.splits; s++) { M = max(M, part[base + s * stride]); }
  for (var d = lid; d < p.Dh; d += WG) {
    var L = 0.0;
    var acc = 0.0;
    for (var s = 0u; s < p.splits; s++) {
      let at = base + s * stride;
      let w = exp(part[at] - M);
      L += part[at + 1u] * w;
      acc += part[at + 2u + d] * w;
    }
    o[(b * p.H + h) * p.Dh + d] = acc / L;
  }
}
