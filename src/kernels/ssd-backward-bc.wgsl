// SSD (Mamba-2) scan backward, columns pass, after ssd-common.wgsl: dB and dC. One workgroup per (b, g),
// one invocation per column n of the state H[:, n] and of its adjoint Ĥ[:, n] (registers, NV vec4s over
// P): both recurrences are local to a column, and so are the gradients,
//   forward:  H[:, n] ← a H[:, n] + Δ B_tn x_t;  dC_tn = Σ_h ŷ_t·H_t[:, n];
//   backward: Ĥ[:, n] ← ŷ_t C_tn + a Ĥ[:, n];   dB_tn = Σ_h Δ x_t·Ĥ_t[:, n]  (then Ĥ ← a Ĥ).
// Each invocation walks the heads of its group in turn, a forward sweep then a backward sweep per head,
// and adds their terms into dB, dC itself (fixed order, no atomics, no barriers, nothing stored).
struct Params {
  T: u32, H: u32, P: u32, N: u32, G: u32,
  flags: u32, // 1 = add into dB, 2 = add into dC, 4 = start from the initial state H_0
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dB: array<f32>; // (B, T, G, N)
@group(0) @binding(2) var<storage, read_write> dC: array<f32>; // (B, T, G, N)
@group(0) @binding(3) var<storage, read> state: array<f32>;    // (B, H, P, N), H_0
@group(0) @binding(9) var<storage, read> dout: array<vec4f>;   // (B, T, H, P)

// Components 4c … 4c + 3 of column n of H_0 whose row 0 starts at `at`, zero past P.
fn loadColumn(at: u32, c: u32) -> vec4f {
  var s = vec4f(0.0);
  for (var l = 0u; l < 4u; l++) {
    if (c * 4u + l < p.P) { s[l] = state[at + (c * 4u + l) * p.N]; }
  }
  return s;
}

fn doutAt(i: u32) -> f32 { return dout[i >> 2u][i & 3u]; }

fn rowDout(i0: u32, c: u32) -> vec4f {
  let i = i0 + c * 4u;
  if (VEC_P) { return dout[i >> 2u]; }
  return select(vec4f(0.0), vec4f(doutAt(i), doutAt(i + 1u), doutAt(i + 2u), doutAt(i + 3u)), lanes(c, p.P));
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) n: u32) {
  let b = wg.y;
  let g = wg.x;
  let perGroup = p.H / p.G;
  var s: array<vec4f, MAX_NV>;
  for (var hg = 0u; hg < perGroup; hg++) {
    let h = g * perGroup + hg;
    let Ah = A[h];
    // The first head writes (or adds, when accumulating), later heads add.
    let addB = hg > 0u || (p.flags & 1u) != 0u;
    let addC = hg > 0u || (p.flags & 2u) != 0u;
    let at = (b * p.H + h) * p.P * p.N + n;
    for (var c = 0u; c < NV; c++) {
      if ((p.flags & 4u) != 0u) { s[c] = loadColumn(at, c); } else { s[c] = vec4f(0.0); }
    }
    for (var t = 0u; t < p.T; t++) {
      let bt = b * p.T + t;
      let r = bt * p.H + h;
      let i = (bt * p.G + g) * p.N + n;
      let d = dt[r];
      let a = exp(d * Ah);
      let u = vec4f(d * bAt(i));
      var dc = vec4f(0.0);
      for (var c = 0u; c < NV; c++) {
        s[c] = fma(rowX(r * p.P, c), u, a * s[c]);
        dc = fma(rowDout(r * p.P, c), s[c], dc);
      }
      let gc = dot(dc, vec4f(1.0));
      if (addC) { dC[i] += gc; } else { dC[i] = gc; }
    }
    for (var c = 0u; c < NV; c++) { s[c] = vec4f(0.0); }
    for (var t = p.T; t > 0u; t--) {
      let bt = b * p.T + t - 1u;
      let r = bt * p.H + h;
      let i = (bt * p.G + g) * p.N + n;
      let d = dt[r];
      let cn = vec4f(cAt(i));
      var db = vec4f(0.0);
      for (var c = 0u; c < NV; c++) {
        s[c] = fma(rowDout(r * p.P, c), cn, s[c]);
        db = fma(rowX(r * p.P, c), s[c], db);
      }
      let gb = d * dot(db, vec4f(1.0));
      if (addB) { dB[i] += gb; } else { dB[i] = gb; }
      let a = exp(d * Ah);
      for (var c = 0u; c < NV; c++) { s[c] *= a; }
    }
  }
}
