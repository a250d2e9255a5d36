// The TensorFlow.js training peer does Strata's work: same weights and batch give the same loss, and
// the same optimizer steps keep both losses together — so the benchmark compares like with like.
import { describe, expect, it } from 'vitest';
import { nodeGpu } from '../gpu/node-gpu';
import { GpuBackend } from '../kernels/gpu-backend';
import { Rng } from '../data/rng';
import { resolvePreset } from '../models/presets';
import { Trainer } from '../models/trainer';
import { benchTrain } from './bench-train';
import { openTfjsPeer } from './tfjs-peer';
import { tfjsTransformer } from './tfjs-transformer';

describe('TensorFlow.js Transformer peer', () => {
  it.each([
    ['GQA, full attention', { heads: 4, kvHeads: 2, window: 0 }],
    ['MHA, sliding window', { heads: 2, window: 5 }],
  ])('%s: same loss before and after three AdamW steps', async (_, attn) => {
    const gpu = await nodeGpu();
    const preset = resolvePreset(
      'transformer',
      { width: 32, contextLength: 12, layers: 1, batchSize: 2, ...attn },
      20,
    );
    const { spec, train } = preset;
    const backend = new GpuBackend(gpu);
    const trainer = new Trainer(backend, preset, 3);
    const peer = await openTfjsPeer(gpu);
    const decay = new Map(trainer.params.params.map((p) => [p.name, p.decay]));
    const exported = await trainer.params.export();
    const theirs = tfjsTransformer(
      peer.tf,
      spec,
      exported.map((t) => ({ ...t, decay: decay.get(t.name)! })),
      train,
      2,
    );
    try {
      const rng = new Rng(9);
      const n = 2 * spec.contextLength;
      const batch = {
        inputs: Int32Array.from({ length: n }, () => rng.int(spec.vocab)),
        targets: Int32Array.from({ length: n }, () => rng.int(spec.vocab)),
      };
      const lossOurs = () => trainer.evaluate([batch]);
      const lossTheirs = () => theirs.loss(batch.inputs, batch.targets);
      expect(await lossTheirs()).toBeCloseTo(await lossOurs(), 4);
      for (let t = 1; t <= 3; t++) {
        trainer.feed(batch);
        trainer.optimizer.prepare(t - 1, 1e-2);
        backend.run(trainer.stepOps);
        theirs.step(batch.inputs, batch.targets, 1e-2, t);
      }
      const [after, afterTheirs] = [await lossOurs(), await lossTheirs()];
      expect(Math.abs(after - afterTheirs) / after).toBeLessThan(2e-3);
      expect(after).toBeLessThan(Math.log(spec.vocab) - 0.05); // both actually trained
    } finally {
      theirs.dispose();
      trainer.dispose();
      trainer.params.dispose();
    }
  });

  it('refuses a stack it does not implement', async () => {
    const gpu = await nodeGpu();
    const peer = await openTfjsPeer(gpu);
    const { spec, train } = resolvePreset('olmo-hybrid', {}, 20);
    expect(() => tfjsTransformer(peer.tf, spec, [], train, 1)).toThrow(/pre-norm RMSNorm Transformers/);
  });

  it('benchTrain times both sides on the same device with agreeing initial losses', async () => {
    const gpu = await nodeGpu();
    const r = await benchTrain(gpu, {
      overrides: { width: 32, contextLength: 8, layers: 2, batchSize: 2 },
      warmup: 1,
    });
    expect(r.peer.sharesDevice).toBe(true);
    expect(r.initialLoss.theirs).toBeCloseTo(r.initialLoss.ours, 4);
    expect(r.ours.times).toHaveLength(5);
    expect(r.ratio).toBeCloseTo(r.theirs.median / r.ours.median, 9);
    expect(r.oursTokensPerSec).toBeCloseTo((16 * 1000) / r.ours.median, 6);
  });
});
