// Selective scan backward: CPU reference by finite differences, GPU against it on random shapes.
import { describe, it } from 'vitest';
import { Rng } from '../data/rng';
import type { Gpu } from '../gpu/device';
import { selectiveScanRef } from './selective-scan';
import { scanChunking, type ScanSizes } from './selective-scan-plan';
import {
  prepareSelectiveScanBackward,
  selectiveScanBackward,
  selectiveScanBackwardRef,
  type SelectiveScanBackwardArgs,
} from './selective-scan-backward';
import { initialState, SCAN_TARGETS, scanCase, scanInputs, type ScanCase } from './selective-scan-cases';
import { checkGradient, compareBackends, randn, type Case } from './testing';

const CASES = 36;
/** dΔ and dx are sums over n of terms up to |A| = 20 times larger than they are: f32 rounding of the
 *  terms (≤ 8e-6 beyond rtol over 120 cases, twice that when accumulating twice). */
const ATOL = { ddelta: 5e-5, dx: 2e-5 };

/** Forward inputs and the chunk-start states the forward saves for them. */
function forwardOf(rng: Rng, s: ScanCase) {
  const { B, T, dInner: D, N } = s;
  const inputs = scanInputs(rng, s);
  const state = s.withState ? initialState(rng, s) : new Float32Array(B * D * N);
  const chunkStates = new Float32Array(B * scanChunking(s).nChunks * D * N);
  selectiveScanRef({ ...inputs, y: new Float32Array(B * T * D), chunkStates, state: state.slice() }, s);
  return { inputs, chunkStates };
}

describe('selectiveScanBackward', () => {
  const rng = new Rng(41);

  it('CPU reference passes finite differences of sum(y ⊙ R)', () => {
    const shapes: ScanSizes[] = [
      { B: 2, T: 7, dInner: 3, N: 4, chunk: 3 },
      { B: 1, T: 1, dInner: 2, N: 1 },
      { B: 1, T: 9, dInner: 2, N: 5, chunk: 4 },
      { B: 2, T: 5, dInner: 1, N: 16 },
    ];
    for (const [c, s] of shapes.entries()) {
      const { B, T, dInner: D, N } = s;
      const data = { ...scanInputs(rng, s), state: initialState(rng, s) };
      const v = Object.fromEntries(Object.entries(data).map(([k, a]) => [k, Float64Array.from(a)])) as {
        [K in keyof typeof data]: Float64Array;
      };
      const R = Float64Array.from(randn(rng, B * T * D));
      const y = new Float64Array(B * T * D);
      const chunkStates = new Float64Array(B * scanChunking(s).nChunks * D * N);
      const loss = () => {
        selectiveScanRef({ ...v, y, chunkStates, state: v.state.slice() }, s);
        return y.reduce((acc, yi, i) => acc + yi * R[i], 0);
      };
      loss();
      const g = {
        dx: new Float64Array(B * T * D),
        ddelta: new Float64Array(B * T * D),
        dA: new Float64Array(D * N),
        dBm: new Float64Array(B * T * N),
        dC: new Float64Array(B * T * N),
        dDskip: new Float64Array(D),
        dh0: new Float64Array(B * D * N),
      };
      selectiveScanBackwardRef(g, { ...v, chunkStates, dy: R }, s);
      const pairs = [
        [v.x, g.dx, 'dx'],
        [v.delta, g.ddelta, 'ddelta'],
        [v.A, g.dA, 'dA'],
        [v.Bm, g.dBm, 'dBm'],
        [v.C, g.dC, 'dC'],
        [v.Dskip, g.dDskip, 'dDskip'],
        [v.state, g.dh0, 'dh0'],
      ] as const;
      for (const [input, grad, name] of pairs)
        checkGradient(loss, input, grad, { eps: 1e-5, rng, label: `case ${c} ${name} ${JSON.stringify(s)}` });
    }
  });

  it.each(SCAN_TARGETS)('GPU, %s, matches the CPU reference on random cases', async (_, target) => {
    // The random shapes, then wider states: N = 13 (a partial vec4) and, planned for a GPU (16 KiB of
    // workgroup memory, the default limit), N = 64. Each N = 64 backward takes seconds to compile here.
    const shapes = Array.from({ length: CASES }, (_, c) => scanCase(rng, c));
    const wide = target.isSoftware ? [13] : [13, 64];
    shapes.push(...wide.map((N) => ({ B: 2, T: 21, dInner: 19, N, withState: true })));
    // Enough channels for the software plan to walk 8 per invocation, the last group partly full.
    shapes.push({ B: 4, T: 21, dInner: 203, N: 16, chunk: 8, withState: true });
    const cases = shapes.map((s, c): Case<SelectiveScanBackwardArgs> => {
      const { B, T, dInner: D, N } = s;
      const saved = forwardOf(rng, s);
      const accumulate = c % 4 >= 2;
      const outputs: Record<string, Float32Array> = {
        dx: randn(rng, B * T * D),
        ddelta: randn(rng, B * T * D),
        dA: randn(rng, D * N),
        dBm: randn(rng, B * T * N),
        dC: randn(rng, B * T * N),
        dDskip: randn(rng, D),
      };
      if (s.withState) outputs.dh0 = randn(rng, B * D * N);
      return {
        label: JSON.stringify({ ...s, accumulate }),
        inputs: { ...saved.inputs, chunkStates: saved.chunkStates, dy: randn(rng, B * T * D) },
        outputs,
        atol: ATOL,
        args: (t) => {
          const { dx, ddelta, dA, dBm, dC, dDskip, dh0, x, delta, A, Bm, C, Dskip, chunkStates, dy } = t;
          return {
            ...s,
            dx,
            ddelta,
            dA,
            dBm,
            dC,
            dDskip,
            dh0,
            x,
            delta,
            A,
            Bm,
            C,
            Dskip,
            chunkStates,
            dy,
            accumulate,
          };
        },
      };
    });
    const planned = {
      ...selectiveScanBackward,
      gpu: (gpu: Gpu, a: SelectiveScanBackwardArgs) => prepareSelectiveScanBackward(gpu, a, target),
    };
    await compareBackends(planned, cases);
  });
});
