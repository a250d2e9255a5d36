// FFTs too long for workgroup memory: one dispatch per Stockham stage over global ping-pong buffers
// (radix p.radix = 4 or 2, sub-length p.Ns, direction sign = p.scale), plus the real load and store.
// loadReal: dst = spectrum, src = real columns. stage: dst = next, src = previous.
// storeReal: dst = real columns, src = spectrum (scale p.scale, flag 1 = accumulate).
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<storage, read> src: array<f32>;

fn load2(i: u32) -> vec2f {
  return vec2f(src[2u * i], src[2u * i + 1u]);
}

fn store2(i: u32, v: vec2f) {
  dst[2u * i] = v.x;
  dst[2u * i + 1u] = v.y;
}

@compute @workgroup_size(256)
fn loadReal(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flatIndex(gid, nwg);
  if (i >= p.nSeq * p.N) { return; }
  let seq = i / p.N;
  let k = i % p.N;
  var x = 0.0;
  if (k < p.T) { x = src[colIndex(seq, k)]; }
  store2(i, vec2f(x, 0.0));
}

@compute @workgroup_size(256)
fn stage(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let R = p.radix;
  let per = p.N / R;
  let i = flatIndex(gid, nwg);
  if (i >= p.nSeq * per) { return; }
  let base = (i / per) * p.N;
  let j = i % per;
  let out = base + outIndex(j, p.Ns, R);
  if (R == 4u) {
    var v: array<vec2f, 4>;
    for (var r = 0u; r < 4u; r++) { v[r] = load2(base + j + r * per); }
    let o = radix4(v, j, p.Ns, p.scale);
    for (var r = 0u; r < 4u; r++) { store2(out + r * p.Ns, o[r]); }
  } else {
    let o = radix2(load2(base + j), load2(base + j + per), j, p.Ns, p.scale);
    store2(out, o[0]);
    store2(out + p.Ns, o[1]);
  }
}

@compute @workgroup_size(256)
fn storeReal(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flatIndex(gid, nwg);
  if (i >= p.nSeq * p.T) { return; }
  let seq = i / p.T;
  let t = i % p.T;
  let o = colIndex(seq, t);
  let y = src[2u * (seq * p.N + t)] * p.scale;
  if (p.flag == 1u) { dst[o] += y; } else { dst[o] = y; }
}
