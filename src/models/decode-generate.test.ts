// Generation with the decoder gives the tokens that re-running the forward over the window gives,
// through prefill, one step per token, and slides past the capacity.
import { describe, expect, it } from 'vitest';
import { Graph } from '../autograd/graph';
import { Rng } from '../data/rng';
import type { Backend } from '../kernels/backend';
import { backends } from '../kernels/testing';
import { Generator } from './generate';
import { lively } from './decode-testing';
import { modelForward } from './model';
import type { ParamStore } from './params';
import { resolvePreset } from './presets';
import { sampleToken } from './sample';
import type { ModelSpec } from './spec';

/**
 * The reference: each token is sampled from the forward over the tokens the model sees, which grow by
 * one per token until the capacity C; then the window restarts on the last ⌈C/2⌉ tokens.
 */
async function windowRerun(
  backend: Backend,
  p: ParamStore,
  spec: ModelSpec,
  prompt: Int32Array,
  count: number,
  rng: Rng,
): Promise<number[]> {
  const C = spec.contextLength;
  const g = new Graph(backend);
  const tokens = g.tensor([C], 'tokens', 'i32');
  const logits = modelForward(g, p, spec, tokens, 1, C); // (C, V)
  const V = logits.shape[1];
  const seq = Array.from(prompt);
  let window = seq.slice(-C);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    backend.write(
      tokens,
      Int32Array.from({ length: C }, (_, t) => window[t] ?? 0),
    );
    backend.run(g.forwardOps);
    const last = (await backend.read(logits, (window.length - 1) * V, V)) as Float32Array;
    const token = sampleToken(last, 1, 0, rng);
    seq.push(token);
    out.push(token);
    window = window.length < C ? [...window, token] : seq.slice(-Math.ceil(C / 2));
  }
  g.dispose();
  return out;
}

describe('Generator', () => {
  for (const preset of ['samba', 'olmo-hybrid']) {
    it(`${preset}: the decoder samples the tokens of the window re-run, past the capacity`, async () => {
      const { cpu } = await backends();
      const spec = resolvePreset(preset, { width: 32, contextLength: 10, window: 4 }, 17).spec;
      const p = lively(cpu, spec, 4);
      const prompt = Int32Array.of(3, 1, 4, 1, 5, 9);
      const gen = new Generator(cpu, p, spec);
      const decoded = await gen.generate(prompt, 25, 1, 0, new Rng(9));
      gen.dispose();
      expect(decoded.length).toBe(25);
      expect(Array.from(decoded)).toEqual(await windowRerun(cpu, p, spec, prompt, 25, new Rng(9)));
      p.dispose();
    });
  }
});
