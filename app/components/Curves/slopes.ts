// The fitted scaling exponents of a spec's measured rows, for the line under the throughput chart:
// how each phase's time grows with T, beside what the cost model's FLOPs alone would give.
import { phaseExponents, PHASES, type CurveRow, type Phase } from '../../../src/measure/curves';

export interface PhaseSlope {
  phase: Phase;
  /** Slope of log(time) against log T over the upper half of the measured T. */
  time: number;
  /** The same slope of the cost model's FLOPs of each run. */
  flops: number | null;
}

/** The phases measured at two T or more, in PHASES order. */
export function phaseSlopes(rows: readonly CurveRow[]): PhaseSlope[] {
  const { exponents, flopExponents } = phaseExponents(rows.filter((r) => r.fits));
  return PHASES.flatMap((phase) => {
    const time = exponents[phase];
    return time === null ? [] : [{ phase, time, flops: flopExponents[phase] }];
  });
}
