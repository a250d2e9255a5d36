// Random retention shapes (T = 1, T not a multiple of the chunk, Dk ≠ Dv, B, H > 1), inputs in range,
// and the references the shared matrix-state harness checks.
import type { Rng } from '../data/rng';
import type { MatrixRecurrence, MatrixStateCase } from './matrix-state-testing';
import { matrixStateCase } from './matrix-state-testing';
import { retentionRef, type RetentionSizes } from './retention';
import { retentionBackwardRef } from './retention-backward';

export type RetentionCase = MatrixStateCase;

export function retentionCase(rng: Rng, c: number): RetentionCase {
  return matrixStateCase(rng, c, 4);
}

export type RetentionInputs = {
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  /** The initial state. */
  state: Float32Array;
};

/** q scaled by 1/√Dk as the layer does; k and v unit normal as projections of a normalised input. */
export function retentionInputs(rng: Rng, s: RetentionSizes): RetentionInputs {
  const { B, T, H, Dk, Dv } = s;
  const rows = B * T * H;
  return {
    q: rng.fillNormal(new Float32Array(rows * Dk), 1 / Math.sqrt(Dk)),
    k: rng.fillNormal(new Float32Array(rows * Dk)),
    v: rng.fillNormal(new Float32Array(rows * Dv)),
    state: rng.fillNormal(new Float32Array(B * H * Dk * Dv), 0.5),
  };
}

export const RETENTION: MatrixRecurrence<RetentionInputs> = {
  inputs: retentionInputs,
  ref: retentionRef,
  backwardRef: (g, x, s) => retentionBackwardRef(g, x, s),
};
