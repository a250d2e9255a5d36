// Random retention shapes (T = 1, T not a multiple of the chunk, Dk ≠ Dv, B, H > 1) and inputs in range.
import type { Rng } from '../data/rng';
import type { RetentionSizes } from './retention';

export interface RetentionCase extends RetentionSizes {
  withState: boolean;
}

/** (Dk, Dv) pairs: few pipelines to compile, odd sizes and a vector of more than 16 vec4s among them. */
const HEADS = [
  [4, 8],
  [6, 3],
  [16, 16],
  [8, 33],
  [72, 12],
] as const;

export function retentionCase(rng: Rng, c: number): RetentionCase {
  const chunk = [undefined, 4, 5][Math.floor(c / 5) % 3];
  const T = c % 7 === 0 ? 1 : 1 + rng.int(chunk ? 20 : 40);
  const [Dk, Dv] = HEADS[c % HEADS.length];
  return { B: 1 + rng.int(2), T, H: 1 + rng.int(4), Dk, Dv, chunk, withState: c % 2 === 1 };
}

export interface RetentionInputs {
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  /** The initial state. */
  state: Float32Array;
}

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
