// `cli profile`: where the time of a training step, a prefill or one decode step goes. Times each op
// alone (warmed up, median of runs, synced), groups by kernel, and compares the sum with the whole
// run as one submit; the gap is the fixed cost of the ops beyond their own work.
import { nodeGpu } from '../gpu/node-gpu';
import { GpuBackend } from '../kernels/gpu-backend';
import type { Op } from '../kernels/backend';
import { Rng } from '../data/rng';
import { resolvePreset } from '../models/presets';
import { PRESET_VOCAB } from '../models/spec-presets';
import { phaseWork, PHASES, type Phase } from '../measure/phase-work';
import { median } from '../measure/timing';
import { intFlag, parseFlags } from './args';

export async function profileCommand(args: string[]): Promise<void> {
  const flags = parseFlags(args, {
    preset: 'value',
    phase: 'value',
    context: 'value',
    batch: 'value',
    runs: 'value',
    json: 'flag',
  });
  const phase = (typeof flags.phase === 'string' ? flags.phase : 'training') as Phase;
  if (!PHASES.includes(phase))
    throw new Error(`--phase takes one of ${PHASES.join(', ')} (got "${flags.phase}").`);
  const B = intFlag(flags, 'batch', 0);
  const overrides: Record<string, number> = {};
  if (flags.context !== undefined) overrides.contextLength = intFlag(flags, 'context', 0);
  if (B > 0) overrides.batchSize = B;
  const preset = resolvePreset(
    typeof flags.preset === 'string' ? flags.preset : 'transformer',
    overrides,
    PRESET_VOCAB,
  );
  const runs = intFlag(flags, 'runs', 5);
  const backend = new GpuBackend(await nodeGpu());
  const work = phaseWork(
    backend,
    preset,
    phase,
    B > 0 ? B : phase === 'training' ? preset.train.batchSize : 1,
    new Rng(1),
    1,
  );
  const timeOps = async (ops: readonly Op[]) => {
    const times: number[] = [];
    for (let i = 0; i <= runs; i++) {
      const t0 = performance.now();
      backend.run(ops);
      await backend.sync();
      if (i > 0) times.push(performance.now() - t0); // the first run warms up
    }
    return median(times);
  };
  const whole = await timeOps(work.ops);
  const byKernel = new Map<string, { ms: number; count: number }>();
  for (const op of work.ops) {
    const ms = await timeOps([op]);
    const e = byKernel.get(op.name) ?? { ms: 0, count: 0 };
    byKernel.set(op.name, { ms: e.ms + ms, count: e.count + 1 });
  }
  const rows = [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const sum = rows.reduce((s, [, e]) => s + e.ms, 0);
  const result = {
    adapter: backend.gpu.adapter,
    preset: preset.name,
    phase,
    context: preset.spec.contextLength,
    ops: work.ops.length,
    wholeMs: whole,
    sumOfOpsMs: sum,
    tokensPerSec: (work.tokens * 1000) / whole,
    kernels: rows.map(([name, e]) => ({ name, ops: e.count, ms: e.ms, share: e.ms / sum })),
  };
  work.dispose();
  if (flags.json) console.log(JSON.stringify(result));
  else {
    console.log(
      `${phase} of ${preset.name} at T = ${result.context}: ${work.ops.length} ops, ${whole.toFixed(2)} ms as one submit ` +
        `(${result.tokensPerSec.toFixed(0)} tokens/s); each op alone sums to ${sum.toFixed(2)} ms`,
    );
    for (const k of result.kernels) {
      console.log(
        `${k.name.padEnd(24)} ×${String(k.ops).padStart(3)} ${k.ms.toFixed(2).padStart(9)} ms ${(100 * k.share).toFixed(1).padStart(5)}%`,
      );
    }
  }
}
