// Random Gated DeltaNet shapes (T = 1, T not a multiple of the chunk, Dk ≠ Dv, B, H > 1), inputs in
// range, and the references the shared matrix-state harness checks.
import type { Rng } from '../data/rng';
import { gdnRef, type GdnSizes } from './gdn';
import { gdnBackwardRef, type GdnTarget } from './gdn-backward';
import { matrixStateCase, type MatrixRecurrence, type MatrixStateCase } from './matrix-state-testing';

/** The adapters the backward is planned for: each plan is tested here whatever the adapter. */
export const GDN_TARGETS: [string, GdnTarget][] = [
  ['software plan', { isSoftware: true }],
  ['GPU plan', { isSoftware: false }],
];

export type GdnCase = MatrixStateCase;

export function gdnCase(rng: Rng, c: number): GdnCase {
  return matrixStateCase(rng, c, 3);
}

export type GdnInputs = {
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  beta: Float32Array;
  g: Float32Array;
  /** The initial state. */
  state: Float32Array;
};

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

export const GDN: MatrixRecurrence<GdnInputs> = {
  inputs: gdnInputs,
  ref: gdnRef,
  backwardRef: (g, x, s) => gdnBackwardRef(g, x, s),
};
