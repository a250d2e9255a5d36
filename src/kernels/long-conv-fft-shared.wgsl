// FFTs that fit in workgroup memory (N ≤ MAX_N): one workgroup per sequence, radix-4 Stockham stages
// (and one radix-2 stage when log₂N is odd) ping-ponging between two workgroup arrays.
// forwardReal: dst = spectrum, src = real columns. inverseReal: dst = real columns, src = spectrum.
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<storage, read> src: array<f32>;

// Invocations per workgroup (≤ 256), set per length: N/4 butterflies per radix-4 stage need no more.
override WG: u32 = 256u;
const MAX_N = 1024u; // two arrays of MAX_N complex f32 = 16 KiB, WebGPU's guaranteed workgroup storage
var<workgroup> bufA: array<vec2f, MAX_N>;
var<workgroup> bufB: array<vec2f, MAX_N>;

fn ld(w: u32, i: u32) -> vec2f {
  if (w == 0u) { return bufA[i]; }
  return bufB[i];
}

fn st(w: u32, i: u32, v: vec2f) {
  if (w == 0u) { bufA[i] = v; } else { bufB[i] = v; }
}

/** Transforms bufA (natural order) in place of the pair; returns which array holds the result. */
fn fftShared(tid: u32, sign: f32) -> u32 {
  let N = p.N;
  var w = 0u;
  var Ns = 1u;
  loop {
    if (Ns * 4u > N) { break; }
    for (var j = tid; j < N / 4u; j += WG) {
      var v: array<vec2f, 4>;
      for (var r = 0u; r < 4u; r++) { v[r] = ld(w, j + r * (N / 4u)); }
      let o = radix4(v, j, Ns, sign);
      let base = outIndex(j, Ns, 4u);
      for (var r = 0u; r < 4u; r++) { st(1u - w, base + r * Ns, o[r]); }
    }
    workgroupBarrier();
    w = 1u - w;
    Ns *= 4u;
  }
  if (Ns < N) {
    for (var j = tid; j < N / 2u; j += WG) {
      let o = radix2(ld(w, j), ld(w, j + N / 2u), j, Ns, sign);
      let base = outIndex(j, Ns, 2u);
      st(1u - w, base, o[0]);
      st(1u - w, base + Ns, o[1]);
    }
    workgroupBarrier();
    w = 1u - w;
  }
  return w;
}

@compute @workgroup_size(WG)
fn forwardReal(
  @builtin(local_invocation_id) lid: vec3u,
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
) {
  let seq = wid.x + wid.y * nwg.x;
  if (seq >= p.nSeq) { return; }
  for (var k = lid.x; k < p.N; k += WG) {
    var x = 0.0;
    if (k < p.T) { x = src[colIndex(seq, k)]; }
    bufA[k] = vec2f(x, 0.0);
  }
  workgroupBarrier();
  let w = fftShared(lid.x, -1.0);
  for (var k = lid.x; k < p.N; k += WG) {
    let v = ld(w, k);
    let i = 2u * (seq * p.N + k);
    dst[i] = v.x;
    dst[i + 1u] = v.y;
  }
}

// The real part of the inverse transform, times p.scale, of rows t < T; flag 1 = accumulate.
@compute @workgroup_size(WG)
fn inverseReal(
  @builtin(local_invocation_id) lid: vec3u,
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
) {
  let seq = wid.x + wid.y * nwg.x;
  if (seq >= p.nSeq) { return; }
  for (var k = lid.x; k < p.N; k += WG) {
    let i = 2u * (seq * p.N + k);
    bufA[k] = vec2f(src[i], src[i + 1u]);
  }
  workgroupBarrier();
  let w = fftShared(lid.x, 1.0);
  for (var t = lid.x; t < p.T; t += WG) {
    let i = colIndex(seq, t);
    let y = ld(w, t).x * p.scale;
    if (p.flag == 1u) { dst[i] += y; } else { dst[i] = y; }
  }
}
