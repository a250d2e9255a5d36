// `cli train`: trains a preset on a corpus, prints one JSON object per log interval and a summary,
// optionally saves a safetensors checkpoint with the LAYERS.md parameter names.
import { writeFileSync } from 'node:fs';
import { nodeGpu } from '../gpu/node-gpu';
import { GpuBackend } from '../kernels/gpu-backend';
import { CpuBackend } from '../kernels/cpu-backend';
import { train } from '../models/train';
import { encodeSafetensors } from '../models/safetensors';
import { intFlag, parseFlags } from './args';
import { loadCorpus } from './data';

export async function trainCommand(args: string[]): Promise<void> {
  const flags = parseFlags(args, {
    preset: 'value',
    data: 'value',
    steps: 'value',
    seed: 'value',
    json: 'flag',
    save: 'value',
    set: 'value',
    cpu: 'flag',
  });
  const json = flags.json === true;
  const overrides = parseOverrides(typeof flags.set === 'string' ? flags.set : '');
  const backend = flags.cpu ? new CpuBackend() : new GpuBackend(await nodeGpu());
  const adapter = backend instanceof GpuBackend ? backend.gpu.adapter : null;
  const req = {
    type: 'train' as const,
    preset: typeof flags.preset === 'string' ? flags.preset : 'transformer',
    steps: intFlag(flags, 'steps', 300),
    seed: intFlag(flags, 'seed', 1),
    overrides,
  };
  const data = loadCorpus(typeof flags.data === 'string' ? flags.data : 'moby-dick');
  const out = (o: object) => console.log(json ? JSON.stringify(o) : formatRow(o));
  const result = await train(backend, req, data, {
    onLog: (row) => out(row),
    onSample: (step, text) => {
      if (!json) console.log(`--- sample at step ${step} ---\n${text}\n---`);
    },
    shouldStop: () => false,
  });
  if (typeof flags.save === 'string') {
    const tensors = await result.params.export();
    const meta = {
      format: 'strata',
      preset: JSON.stringify(result.preset),
      vocab: JSON.stringify(result.tokenizer.chars),
    };
    writeFileSync(flags.save, encodeSafetensors(tensors, meta));
  }
  out({ summary: true, ...result.summary, preset: req.preset, seed: req.seed, adapter });
  result.params.dispose();
  if (result.summary.stoppedEarly?.includes('non-finite')) process.exitCode = 1;
}

/** `--set lr=0.002,batchSize=8` */
function parseOverrides(s: string): Record<string, number> {
  const o: Record<string, number> = {};
  for (const part of s.split(',').filter(Boolean)) {
    const [k, v] = part.split('=');
    if (!k || v === undefined || !Number.isFinite(Number(v)))
      throw new Error(`--set expects name=number pairs, got "${part}".`);
    o[k.trim()] = Number(v);
  }
  return o;
}

function formatRow(o: object): string {
  return Object.entries(o)
    .filter(([, v]) => v !== undefined && typeof v !== 'object')
    .map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(4) : v}`)
    .join('  ');
}
