// Decayed outer-product scan: the retention recurrence and, with its inputs permuted, each pass of its
// backward (retention.ts, retention-backward.ts). One workgroup per (piece z of the sequence, head h,
// sequence b); one invocation per lane l, holding its own vector x_l ∈ ℝⁿ (NV vec4s) in registers. For
// every step t of its piece, in time order or reversed:
//   x_l ← γ_h x_l + a_{t,l} b_t;   out_{t,l} = x_l · c_t;   γ_h = 1 − 2^(−5−h).
// Lanes never exchange data: no barriers, no workgroup memory, no atomics. The forward (lane = column j
// of the K×V state S) saves every CHUNK-th state for the backward; global memory never sees the others.
// State element (e, l) (e < n) lives at e·strideE + l·strideL of a (dk × dv) state block.
struct Params {
  T: u32, H: u32, n: u32, lanes: u32,
  span: u32,    // steps per workgroup piece: T, or the chunk length when pieces start at chunk states
  chunk: u32,   // steps per saved chunk state
  nChunks: u32, strideE: u32, strideL: u32,
  flags: u32,   // the FLAG bits of retention.ts
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;         // (B, T, H, lanes)
@group(0) @binding(2) var<storage, read_write> chunkStates: array<f32>; // (B, H, nChunks, dk, dv)
@group(0) @binding(3) var<storage, read_write> state: array<f32>;       // (B, H, dk, dv)
@group(0) @binding(4) var<storage, read> inA: array<f32>;               // a: (B, T, H, lanes)
@group(0) @binding(5) var<storage, read> inB: array<f32>;               // b: (B, T, H, n)
@group(0) @binding(6) var<storage, read> inC: array<f32>;               // c: (B, T, H, n)

override NV: u32 = 4u; // vec4s per lane vector, ⌈n/4⌉; the host unrolls `c < NV` loops
override WG: u32 = 64u; // invocations per workgroup: one per lane
const MAX_NV = 32u;     // n ≤ 128

const LOAD_STATE = 1u;      // x starts from `state`
const STORE_STATE = 2u;     // the final x goes to `state` (times γ when reversed: the adjoint of S_0)
const SAVE_CHUNKS = 4u;     // x before step t goes to chunkStates[t / chunk] when t % chunk = 0
const FROM_CHUNKS = 8u;     // piece z starts from chunkStates[z]
const REVERSE = 16u;        // walk the piece backwards in time
const ACCUMULATE_OUT = 32u; // out += instead of out =
const ACCUMULATE_STATE = 64u;

fn has(flag: u32) -> bool {
  return (p.flags & flag) != 0u;
}

// Which components of vec4 k exist (e = 4k + i < n).
fn lanesOf(k: u32) -> vec4<bool> {
  return vec4u(k * 4u) + vec4u(0u, 1u, 2u, 3u) < vec4u(p.n);
}

// Components 4k … 4k + 3 of the b (or c) row starting at i0, zero past n (reads past the row are
// masked, past the buffer clamped by WebGPU's bounds checks).
fn rowB(i0: u32, k: u32) -> vec4f {
  let i = i0 + k * 4u;
  return select(vec4f(0.0), vec4f(inB[i], inB[i + 1u], inB[i + 2u], inB[i + 3u]), lanesOf(k));
}

fn rowC(i0: u32, k: u32) -> vec4f {
  let i = i0 + k * 4u;
  return select(vec4f(0.0), vec4f(inC[i], inC[i + 1u], inC[i + 2u], inC[i + 3u]), lanesOf(k));
}

fn loadState(at: u32, k: u32) -> vec4f {
  var s = vec4f(0.0);
  for (var i = 0u; i < 4u; i++) {
    if (k * 4u + i < p.n) { s[i] = state[at + (k * 4u + i) * p.strideE]; }
  }
  return s;
}

fn storeState(at: u32, k: u32, s: vec4f) {
  for (var i = 0u; i < 4u; i++) {
    let e = at + (k * 4u + i) * p.strideE;
    if (k * 4u + i < p.n) { state[e] = select(0.0, state[e], has(ACCUMULATE_STATE)) + s[i]; }
  }
}

fn loadChunkState(at: u32, k: u32) -> vec4f {
  var s = vec4f(0.0);
  for (var i = 0u; i < 4u; i++) {
    if (k * 4u + i < p.n) { s[i] = chunkStates[at + (k * 4u + i) * p.strideE]; }
  }
  return s;
}

fn storeChunkState(at: u32, k: u32, s: vec4f) {
  for (var i = 0u; i < 4u; i++) {
    if (k * 4u + i < p.n) { chunkStates[at + (k * 4u + i) * p.strideE] = s[i]; }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) l: u32) {
  let z = wg.x;
  let h = wg.y;
  let bh = wg.z * p.H + h;
  let block = p.n * p.lanes; // elements of one state
  let gamma = vec4f(1.0 - exp2(-5.0 - f32(h)));
  let t0 = z * p.span;
  let steps = min(p.span, p.T - t0);
  var x: array<vec4f, MAX_NV>;
  for (var c = 0u; c < NV; c++) {
    if (has(LOAD_STATE)) {
      x[c] = loadState(bh * block + l * p.strideL, c);
    } else if (has(FROM_CHUNKS)) {
      x[c] = loadChunkState((bh * p.nChunks + z) * block + l * p.strideL, c);
    } else {
      x[c] = vec4f(0.0);
    }
  }
  for (var st = 0u; st < steps; st++) {
    let t = select(t0 + st, t0 + steps - 1u - st, has(REVERSE));
    if (has(SAVE_CHUNKS) && t % p.chunk == 0u) {
      let at = (bh * p.nChunks + t / p.chunk) * block + l * p.strideL;
      for (var c = 0u; c < NV; c++) { storeChunkState(at, c, x[c]); }
    }
    let r = (wg.z * p.T + t) * p.H + h;
    let ar = vec4f(inA[r * p.lanes + l]);
    var acc = vec4f(0.0);
    for (var c = 0u; c < NV; c++) {
      x[c] = fma(x[c], gamma, ar * rowB(r * p.n, c));
      acc = fma(x[c], rowC(r * p.n, c), acc);
    }
    let o = r * p.lanes + l;
    out[o] = select(0.0, out[o], has(ACCUMULATE_OUT)) + dot(acc, vec4f(1.0));
  }
  if (has(STORE_STATE)) {
    let at = bh * block + l * p.strideL;
    for (var c = 0u; c < NV; c++) {
      storeState(at, c, select(x[c], x[c] * gamma, has(REVERSE)));
    }
  }
}
