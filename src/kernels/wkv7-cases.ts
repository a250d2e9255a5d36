// Random WKV-7 shapes (T = 1, T not a multiple of the chunk, odd head sizes, B, H > 1) and inputs in the
// ranges the RWKV-7 layer produces: w ∈ (0.5, 1) mostly, κ of unit norm per head, a ∈ (0, 1).
import type { Rng } from '../data/rng';
import type { Wkv7Inputs, Wkv7Sizes } from './wkv7';

export interface Wkv7Case extends Wkv7Sizes {
  withState: boolean;
}

/** Head sizes: few pipelines to compile, odd sizes and a row of more than 16 vec4s among them. */
const HEADS = [4, 6, 16, 33, 72] as const;

export function wkv7Case(rng: Rng, c: number): Wkv7Case {
  const chunk = [undefined, 4, 5][Math.floor(c / 5) % 3];
  const T = c % 7 === 0 ? 1 : 1 + rng.int(chunk ? 20 : 40);
  return {
    B: 1 + rng.int(2),
    T,
    H: 1 + rng.int(3),
    N: HEADS[c % HEADS.length],
    chunk,
    withState: c % 2 === 1,
  };
}

function unitRows(rng: Rng, rows: number, d: number): Float32Array {
  const x = rng.fillNormal(new Float32Array(rows * d));
  for (let r = 0; r < rows; r++) {
    const row = x.subarray(r * d, (r + 1) * d);
    const n = Math.hypot(...row);
    row.forEach((e, i) => (row[i] = e / n));
  }
  return x;
}

export type Wkv7Data = Wkv7Inputs<Float32Array> & { state: Float32Array };

export function wkv7Inputs(rng: Rng, s: Wkv7Sizes): Wkv7Data {
  const { B, T, H, N } = s;
  const n = B * T * H * N;
  const scaled = (std: number) => rng.fillNormal(new Float32Array(n), std);
  return {
    r: scaled(1 / Math.sqrt(N)),
    // Mostly the layer's range log w ∈ (−e^−½, 0); one in eight faster (down to w = e^−3).
    logw: new Float32Array(n).map(() => -rng.uniform(1e-3, rng.int(8) === 0 ? 3 : 0.6)),
    k: scaled(1 / Math.sqrt(N)),
    v: scaled(1),
    kk: unitRows(rng, B * T * H, N),
    a: new Float32Array(n).map(() => rng.uniform(0.02, 0.98)),
    state: rng.fillNormal(new Float32Array(B * H * N * N), 0.5),
  };
}
