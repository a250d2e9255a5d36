// `cli profile`: where a training step's time goes. Times each op of the step alone (warmed up,
// median of runs, synced), groups by kernel, and compares the sum with the whole one-submit step.
import { nodeGpu } from '../gpu/node-gpu';
import { GpuBackend } from '../kernels/gpu-backend';
import type { Op } from '../kernels/backend';
import { Rng } from '../data/rng';
import { BatchSampler } from '../data/batches';
import { resolvePreset } from '../models/presets';
import { Trainer } from '../models/trainer';
import { PRESET_VOCAB } from '../models/spec-presets';
import { intFlag, parseFlags } from './args';

async function median(runs: number, fn: () => Promise<void>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

export async function profileCommand(args: string[]): Promise<void> {
  const flags = parseFlags(args, { preset: 'value', runs: 'value', json: 'flag' });
  const backend = new GpuBackend(await nodeGpu());
  const preset = resolvePreset(
    typeof flags.preset === 'string' ? flags.preset : 'transformer',
    {},
    PRESET_VOCAB,
  );
  const runs = intFlag(flags, 'runs', 5);
  const trainer = new Trainer(backend, preset, 1);
  const rng = new Rng(1);
  const tokens = Int32Array.from({ length: 4096 }, () => rng.int(PRESET_VOCAB));
  trainer.feed(new BatchSampler(tokens, preset.train.batchSize, preset.spec.contextLength, 1).next());
  const timeOps = (ops: Op[]) =>
    median(runs, async () => {
      backend.run(ops);
      await backend.sync();
    });
  await timeOps(trainer.stepOps);
  const step = await timeOps(trainer.stepOps);
  const byKernel = new Map<string, { ms: number; count: number }>();
  for (const op of trainer.stepOps) {
    const ms = await timeOps([op]);
    const e = byKernel.get(op.name) ?? { ms: 0, count: 0 };
    byKernel.set(op.name, { ms: e.ms + ms, count: e.count + 1 });
  }
  const rows = [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const sum = rows.reduce((s, [, e]) => s + e.ms, 0);
  const result = {
    adapter: backend.gpu.adapter,
    stepMs: step,
    sumOfOpsMs: sum,
    tokensPerSec: (trainer.tokensPerStep * 1000) / step,
    kernels: rows.map(([name, e]) => ({ name, ops: e.count, ms: e.ms, share: e.ms / sum })),
  };
  if (flags.json) console.log(JSON.stringify(result));
  else {
    console.log(
      `one step (single submit): ${step.toFixed(1)} ms, ${result.tokensPerSec.toFixed(0)} tokens/s`,
    );
    for (const k of result.kernels) {
      console.log(
        `${k.name.padEnd(24)} ×${String(k.ops).padStart(3)} ${k.ms.toFixed(2).padStart(9)} ms ${(100 * k.share).toFixed(1).padStart(5)}%`,
      );
    }
  }
  trainer.dispose();
  trainer.params.dispose();
}
