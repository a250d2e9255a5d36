// Column ranges of row-major matrices: slice (forward) and scatter (its backward).
struct Params { rows: u32, cols: u32, stride: u32, offset: u32, accumulate: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<storage, read> src: array<f32>;

const WG = 256u;

fn index(gid: vec3u, nwg: vec3u) -> u32 {
  return gid.x + gid.y * nwg.x * WG;
}

fn store(i: u32, v: f32) {
  if (p.accumulate == 1u) { dst[i] += v; } else { dst[i] = v; }
}

// out[r, j] (+)= x[r·stride + offset + j], j < cols.
@compute @workgroup_size(WG)
fn slice(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = index(gid, nwg);
  if (i >= p.rows * p.cols) { return; }
  store(i, src[(i / p.cols) * p.stride + p.offset + i % p.cols]);
}

// One invocation per element of dx (rows × stride): columns in the range get dy[r, c − offset]; the
// others are zeroed when overwriting and left as they are when accumulating.
@compute @workgroup_size(WG)
fn scatter(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = index(gid, nwg);
  if (i >= p.rows * p.stride) { return; }
  let c = i % p.stride;
  if (c >= p.offset && c < p.offset + p.cols) {
    store(i, src[(i / p.stride) * p.cols + c - p.offset]);
  } else if (p.accumulate == 0u) {
    dst[i] = 0.0;
  }
}
