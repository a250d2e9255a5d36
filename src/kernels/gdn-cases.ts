// Random Gated DeltaNet shapes (T = 1, T not a multiple of the chunk, Dk ≠ Dv, B, H > 1) and inputs in range.
import type { Rng } from '../data/rng';
import type { GdnSizes } from './gdn';
import type { GdnTarget } from './gdn-backward';

/** The adapters the backward is planned for: each plan is tested here whatever the adapter. */
export const GDN_TARGETS: [string, GdnTarget][] = [
  ['software plan', { isSoftware: true }],
  ['GPU plan', { isSoftware: false }],
];

export interface GdnCase extends GdnSizes {
  withState: boolean;
}

/** (Dk, Dv) pairs: few pipelines to compile, odd sizes and a column of more than 16 vec4s among them. */
const HEADS = [
  [4, 8],
  [6, 3],
  [16, 16],
  [8, 33],
  [72, 12],
] as const;

export function gdnCase(rng: Rng, c: number): GdnCase {
  const chunk = [undefined, 4, 5][Math.floor(c / 5) % 3];
  const T = c % 7 === 0 ? 1 : 1 + rng.int(chunk ? 20 : 40);
  const [Dk, Dv] = HEADS[c % HEADS.length];
  return { B: 1 + rng.int(2), T, H: 1 + rng.int(3), Dk, Dv, chunk, withState: c % 2 === 1 };
}

export interface GdnInputs {
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  beta: Float32Array;
  g: Float32Array;
  /** The initial state. */
  state: Float32Array;
}

function unitRows(rng: Rng, rows: number, d: number, scale: number): Float32Array {
  const x = rng.fillNormal(new Float32Array(rows * d));
  for (let r = 0; r < rows; r++) {
    const row = x.subarray(r * d, (r + 1) * d);
    const n = Math.hypot(...row);
    row.forEach((e, i) => (row[i] = (e / n) * scale));
  }
  return x;
}

export function gdnInputs(rng: Rng, s: GdnSizes): GdnInputs {
  const { B, T, H, Dk, Dv } = s;
  const rows = B * T * H;
  return {
    q: unitRows(rng, rows, Dk, 1 / Math.sqrt(Dk)),
    k: unitRows(rng, rows, Dk, 1),
    v: rng.fillNormal(new Float32Array(rows * Dv)),
    beta: new Float32Array(rows).map(() => rng.uniform(0.05, 1.95)),
    g: new Float32Array(rows).map(() => -Math.exp(rng.uniform(Math.log(1e-3), Math.log(2)))),
    state: rng.fillNormal(new Float32Array(B * H * Dk * Dv), 0.5),
  };
}
