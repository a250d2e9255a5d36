// WKV-7 backward: CPU reference vs finite differences of sum(y ⊙ R); GPU vs CPU on random shapes.
import { describe, it } from 'vitest';
import { Rng } from '../data/rng';
import { WKV7_INPUTS, wkv7Chunking, wkv7Ref, type Wkv7Sizes } from './wkv7';
import { WKV7_GRADS, wkv7Backward, wkv7BackwardRef, type Wkv7BackwardArgs } from './wkv7-backward';
import { wkv7Case, wkv7Inputs, type Wkv7Case } from './wkv7-cases';
import { checkGradient, compareBackends, randn, type Case } from './testing';

const CASES = 32;

/** Forward inputs and the sa and chunk-start states the forward saves for them. */
function forwardOf(rng: Rng, s: Wkv7Case) {
  const { B, T, H, N } = s;
  const { state, ...inputs } = wkv7Inputs(rng, s);
  if (!s.withState) state.fill(0);
  const chunkStates = new Float32Array(B * H * wkv7Chunking(s).nChunks * N * N);
  const sa = new Float32Array(B * T * H * N);
  wkv7Ref({ ...inputs, y: new Float32Array(B * T * H * N), sa, chunkStates, state }, s);
  return { inputs, sa, chunkStates };
}

describe('wkv7Backward', () => {
  const rng = new Rng(43);

  it('CPU reference passes finite differences of sum(y ⊙ R)', () => {
    const shapes: Wkv7Sizes[] = [
      { B: 2, T: 7, H: 2, N: 3, chunk: 3 },
      { B: 1, T: 1, H: 1, N: 2 },
      { B: 1, T: 9, H: 1, N: 5, chunk: 4 },
    ];
    for (const [c, s] of shapes.entries()) {
      const { B, T, H, N } = s;
      const { state, ...data } = wkv7Inputs(rng, s);
      const x = Object.fromEntries(Object.entries(data).map(([key, a]) => [key, Float64Array.from(a)])) as {
        [K in keyof typeof data]: Float64Array;
      };
      const S0 = Float64Array.from(state);
      const R = Float64Array.from(randn(rng, B * T * H * N));
      const y = new Float64Array(B * T * H * N);
      const chunkStates = new Float64Array(B * H * wkv7Chunking(s).nChunks * N * N);
      const loss = () => {
        wkv7Ref({ ...x, y, chunkStates, state: S0.slice() }, s);
        return y.reduce((acc, yi, i) => acc + yi * R[i], 0);
      };
      loss();
      const g = Object.fromEntries(WKV7_GRADS.map((k) => [k, new Float64Array(B * T * H * N)])) as Record<
        (typeof WKV7_GRADS)[number],
        Float64Array
      >;
      wkv7BackwardRef(g, { ...x, chunkStates, dy: R }, s);
      for (const [i, name] of WKV7_INPUTS.entries())
        checkGradient(loss, x[name], g[WKV7_GRADS[i]], {
          eps: 1e-5,
          rng,
          label: `case ${c} d${name} ${JSON.stringify(s)}`,
        });
    }
  });

  it(`GPU matches the CPU reference on ${CASES} random cases and at N = 128`, async () => {
    const big: Wkv7Case = { B: 1, T: 6, H: 1, N: 128, chunk: 4, withState: true };
    const cases = Array.from({ length: CASES + 1 }, (_, c): Case<Wkv7BackwardArgs> => {
      const s = c < CASES ? wkv7Case(rng, c) : big;
      const { B, T, H, N } = s;
      const n = B * T * H * N;
      const { inputs, sa, chunkStates } = forwardOf(rng, s);
      return {
        label: JSON.stringify(s),
        inputs: { ...inputs, sa, chunkStates, dy: randn(rng, n) },
        outputs: Object.fromEntries(WKV7_GRADS.map((k) => [k, randn(rng, n)])),
        args: (t) => ({
          ...s,
          ...(Object.fromEntries([...WKV7_INPUTS, ...WKV7_GRADS].map((k) => [k, t[k]])) as Pick<
            Wkv7BackwardArgs,
            (typeof WKV7_INPUTS)[number] | (typeof WKV7_GRADS)[number]
          >),
          sa: t.sa,
          chunkStates: t.chunkStates,
          dy: t.dy,
          // Plain, all accumulated, and mixed (r, k, v added to as after the bonus term's backward).
          accumulate: [false, true, { dr: true, dk: true, dv: true }][c % 3],
        }),
        atol: Object.fromEntries(WKV7_GRADS.map((k) => [k, 1e-4])),
      };
    });
    await compareBackends(wkv7Backward, cases);
  });
});
