// Training throughput against TensorFlow.js (MEASURE.md "Benchmarks against peers"): one training
// step of a Transformer preset in Strata (one submit: forward, backward, grad norm, AdamW) against the
// same model, weights, batch and optimizer written in TensorFlow.js on the same GPUDevice; warm-up,
// alternated runs, medians; tokens/s of each and the ratio.
import { checkErrors, type Gpu } from '../gpu/device';
import { GpuBackend } from '../kernels/gpu-backend';
import { Rng } from '../data/rng';
import { resolvePreset } from '../models/presets';
import { PRESET_VOCAB } from '../models/spec-presets';
import { Trainer } from '../models/trainer';
import { gpuContender, timeAlternating, type Sample } from './timing';
import { openTfjsPeer } from './tfjs-peer';
import { tfjsTransformer } from './tfjs-transformer';

export interface TrainBenchOptions {
  preset?: string;
  /** Model and training overrides, as for resolvePreset (e.g. batchSize, contextLength). */
  overrides?: Record<string, number>;
  runs?: number;
  warmup?: number;
  seed?: number;
}

export interface TrainBenchResult {
  kind: 'train';
  preset: string;
  batch: number;
  T: number;
  params: number;
  /** Loss of the same batch and weights before training, each side (they must agree). */
  initialLoss: { ours: number; theirs: number };
  ours: Sample;
  theirs: Sample;
  oursTokensPerSec: number;
  theirsTokensPerSec: number;
  /** ours / theirs in tokens/s (= their time / our time). */
  ratio: number;
  peer: { name: string; sharesDevice: boolean };
}

export async function benchTrain(gpu: Gpu, o: TrainBenchOptions = {}): Promise<TrainBenchResult> {
  const name = o.preset ?? 'transformer';
  const preset = resolvePreset(name, o.overrides ?? {}, PRESET_VOCAB);
  const { spec, train } = preset;
  const [B, T] = [train.batchSize, spec.contextLength];
  const backend = new GpuBackend(gpu);
  const trainer = new Trainer(backend, preset, o.seed ?? 1);
  const peer = await openTfjsPeer(gpu);
  const exported = await trainer.params.export();
  const decay = new Map(trainer.params.params.map((p) => [p.name, p.decay]));
  const theirs = tfjsTransformer(
    peer.tf,
    spec,
    exported.map((t) => ({ ...t, decay: decay.get(t.name)! })),
    train,
    B,
  );
  try {
    const rng = new Rng((o.seed ?? 1) + 1);
    const batch = {
      inputs: Int32Array.from({ length: B * T }, () => rng.int(spec.vocab)),
      targets: Int32Array.from({ length: B * T }, () => rng.int(spec.vocab)),
    };
    const initialLoss = {
      ours: await trainer.evaluate([batch]),
      theirs: await theirs.loss(batch.inputs, batch.targets),
    };
    trainer.feed(batch);
    // A small constant rate: the work per step does not depend on it, and the weights stay sane.
    const lr = 1e-4;
    let [ourStep, theirStep] = [0, 0];
    const [ours, tfjs] = await timeAlternating(
      [
        gpuContender('strata', gpu.device, () => {
          trainer.optimizer.prepare(ourStep++, lr);
          backend.run(trainer.stepOps);
        }),
        gpuContender('tfjs', gpu.device, () => theirs.step(batch.inputs, batch.targets, lr, ++theirStep)),
      ],
      { runs: o.runs, warmup: o.warmup },
    );
    checkErrors(gpu); // a failed dispatch on either side would make its time meaningless
    const tokens = B * T;
    return {
      kind: 'train',
      preset: name,
      batch: B,
      T,
      params: trainer.params.count,
      initialLoss,
      ours,
      theirs: tfjs,
      oursTokensPerSec: (tokens * 1000) / ours.median,
      theirsTokensPerSec: (tokens * 1000) / tfjs.median,
      ratio: tfjs.median / ours.median,
      peer: { name: peer.version, sharesDevice: peer.sharesDevice },
    };
  } finally {
    theirs.dispose();
    trainer.dispose();
    trainer.params.dispose();
  }
}

export function describeTrainBench(r: TrainBenchResult): string {
  return [
    `training step, ${r.preset} (${r.params} parameters), batch ${r.batch} × T ${r.T} — strata vs TensorFlow.js WebGPU`,
    `initial loss: strata ${r.initialLoss.ours.toFixed(5)}, tfjs ${r.initialLoss.theirs.toFixed(5)}`,
    `strata ${r.ours.median.toFixed(1)} ms/step (${Math.round(r.oursTokensPerSec)} tokens/s), ` +
      `tfjs ${r.theirs.median.toFixed(1)} ms/step (${Math.round(r.theirsTokensPerSec)} tokens/s): ${r.ratio.toFixed(2)}×`,
  ].join('\n');
}
