// Perplexity by position and by context, with a tiny random-weight model on the CPU reference
// backend: bucket boundaries, buckets averaging to the c = T figure, rows at c ≤ T equal to a direct
// log-softmax of the logits, and a checkpoint round trip that gives the same figures.
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../kernels/cpu-backend';
import { Rng } from '../data/rng';
import { ParamStore } from '../models/params';
import { defineModelParams } from '../models/model';
import { resolvePreset } from '../models/presets';
import { ForwardPass } from '../models/trainer';
import { checkpointMetadata, encodeSafetensors, readCheckpointInfo } from '../models/safetensors';
import { loadCheckpoint } from '../cli/eval';
import { contextWindows, evalContexts, perplexity, positionBuckets } from './perplexity';

const V = 11;
const preset = resolvePreset('transformer', { width: 16, heads: 2, layers: 1, contextLength: 16 }, V);
const heldOut = Int32Array.from({ length: 300 }, (_, i) => (i * 7 + ((i * i) % 5)) % V);

function model(backend: CpuBackend): ParamStore {
  const p = new ParamStore(backend, new Rng(3));
  defineModelParams(p, preset.spec);
  return p;
}

/** Mean NLL over consecutive windows of c tokens, from the logits and a float64 log-softmax. */
async function directNll(backend: CpuBackend, params: ParamStore, c: number, maxTokens: number) {
  const pass = new ForwardPass(backend, params, preset.spec, 1, c);
  let sum = 0;
  let n = 0;
  for (let s = 0; s + c + 1 <= heldOut.length && s + c <= maxTokens; s += c) {
    const inputs = heldOut.slice(s, s + c);
    const targets = heldOut.slice(s + 1, s + c + 1);
    pass.run({ inputs, targets });
    const logits = await pass.read(pass.logits);
    for (let t = 0; t < c; t++) {
      const row = logits.subarray(t * V, (t + 1) * V);
      const m = Math.max(...row);
      const lse = m + Math.log(row.reduce((a, x) => a + Math.exp(x - m), 0));
      sum += lse - row[targets[t]];
      n++;
    }
  }
  pass.dispose();
  return { nll: sum / n, tokens: n };
}

describe('perplexity', () => {
  it('buckets positions by powers of two up to the training context', () => {
    expect(positionBuckets(16)).toEqual([
      { from: 1, to: 2 },
      { from: 2, to: 4 },
      { from: 4, to: 8 },
      { from: 8, to: 16 },
      { from: 16, to: 17 },
    ]);
    expect(positionBuckets(12).map((b) => b.to)).toEqual([2, 4, 8, 13]);
    expect(evalContexts(16)).toEqual([16, 32, 64]);
    expect(evalContexts(64)).toEqual([16, 32, 64, 128, 256]);
    expect(evalContexts(40)).toEqual([16, 32, 40, 64, 128]);
  });

  it('makes consecutive windows with shifted targets, padding the last batch with ignored rows', () => {
    const tokens = Int32Array.from({ length: 50 }, (_, i) => i);
    const w = contextWindows(tokens, 8, 40, 3); // 5 windows → batches of 3 and 2 (+1 padded)
    expect(w).toHaveLength(2);
    expect([...w[0].inputs.subarray(8, 16)]).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
    expect([...w[0].targets.subarray(8, 16)]).toEqual([9, 10, 11, 12, 13, 14, 15, 16]);
    expect(w[1].targets.subarray(16).every((t) => t === -1)).toBe(true);
    expect(() => contextWindows(tokens, 64, 1000, 2)).toThrow(/at least 65/);
  });

  it('averages the position buckets to the c = T row, and c ≤ T rows equal a direct computation', async () => {
    const backend = new CpuBackend();
    const params = model(backend);
    const r = await perplexity(backend, params, preset.spec, heldOut, { maxTokens: 256, batch: 3 });
    expect(r.byContext.map((x) => x.context)).toEqual([16, 32, 64]);
    expect(r.byContext.map((x) => x.beyondTraining)).toEqual([false, true, true]);
    const atT = r.byContext[0];
    const tokens = r.byPosition.reduce((a, b) => a + b.tokens, 0);
    const mean = r.byPosition.reduce((a, b) => a + b.nll * b.tokens, 0) / tokens;
    expect(tokens).toBe(atT.tokens);
    expect(mean).toBeCloseTo(atT.nll, 5);
    expect(r.byPosition.map((b) => b.tokens)).toEqual([16, 32, 64, 128, 16]); // 16 windows
    const direct = await directNll(backend, params, 16, 256);
    expect(atT.tokens).toBe(direct.tokens);
    expect(atT.nll).toBeCloseTo(direct.nll, 5);
    expect(atT.perplexity).toBeCloseTo(Math.exp(direct.nll), 4);

    const short = await perplexity(backend, params, preset.spec, heldOut, { maxTokens: 256, contexts: [8] });
    expect(short.byContext).toHaveLength(1);
    expect(short.byContext[0].nll).toBeCloseTo((await directNll(backend, params, 8, 256)).nll, 5);
    params.dispose();
  });

  it('gives the same figures from a saved and reloaded checkpoint', async () => {
    const backend = new CpuBackend();
    const params = model(backend);
    const bytes = encodeSafetensors(await params.export(), checkpointMetadata({ preset, vocab: ['a', 'b'] }));
    const loaded = loadCheckpoint(backend, bytes);
    expect(loaded.info.preset.spec).toEqual(preset.spec);
    expect(loaded.info.vocab).toEqual(['a', 'b']);
    const opts = { maxTokens: 64, contexts: [16] };
    const a = await perplexity(backend, params, preset.spec, heldOut, opts);
    const b = await perplexity(backend, loaded.params, loaded.info.preset.spec, heldOut, opts);
    expect(b).toEqual(a);
    expect(() => readCheckpointInfo({ preset: '{}' })).toThrow(/not a Strata checkpoint/);
    params.dispose();
    loaded.params.dispose();
  });
});
