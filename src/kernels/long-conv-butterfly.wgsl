// Stockham butterflies for the FFT shaders. Twiddles come from a table of (cos, sin)(2πj/N), j < N,
// computed in f64 on the host: WGSL's sin/cos may be off by 2⁻¹¹, far more than f32 round-off.
@group(0) @binding(3) var<storage, read> twiddles: array<f32>;

/** exp(sign·i·2π·k/m) for k/m < 1 and m dividing N. */
fn cis(k: u32, m: u32, sign: f32) -> vec2f {
  let j = k * (p.N / m);
  return vec2f(twiddles[2u * j], sign * twiddles[2u * j + 1u]);
}

// Stockham autosort stage (Govindaraju et al. 2008): butterfly j of a stage that merges R transforms
// of length Ns reads its inputs at j + r·N/R and writes output r at outIndex(j, Ns, R) + r·Ns.
fn outIndex(j: u32, Ns: u32, R: u32) -> u32 {
  return (j / Ns) * Ns * R + j % Ns;
}

fn radix4(v: array<vec2f, 4>, j: u32, Ns: u32, sign: f32) -> array<vec2f, 4> {
  let k = j % Ns;
  let a0 = v[0];
  let a1 = cmul(v[1], cis(k, 4u * Ns, sign));
  let a2 = cmul(v[2], cis(2u * k, 4u * Ns, sign));
  let a3 = cmul(v[3], cis(3u * k, 4u * Ns, sign));
  let s0 = a0 + a2;
  let s1 = a0 - a2;
  let s2 = a1 + a3;
  let d = a1 - a3;
  let s3 = sign * vec2f(-d.y, d.x); // (sign·i)·d
  return array<vec2f, 4>(s0 + s2, s1 + s3, s0 - s2, s1 - s3);
}

fn radix2(v0: vec2f, v1: vec2f, j: u32, Ns: u32, sign: f32) -> array<vec2f, 2> {
  let t = cmul(v1, cis(j % Ns, 2u * Ns, sign));
  return array<vec2f, 2>(v0 + t, v0 - t);
}

