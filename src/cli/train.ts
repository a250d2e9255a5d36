// `cli train`: trains a preset on a corpus or a synthetic task (--task), prints one JSON object per
// log interval and a summary (with accuracy per length for a task), optionally saves a
// self-describing safetensors checkpoint with the LAYERS.md parameter names.
import { writeFileSync } from 'node:fs';
import { nodeGpu } from '../gpu/node-gpu';
import { GpuBackend } from '../kernels/gpu-backend';
import { CpuBackend } from '../kernels/cpu-backend';
import { train } from '../models/train';
import { checkpointMetadata, encodeSafetensors, type CheckpointInfo } from '../models/safetensors';
import { trainTask } from '../models/task-train';
import type { ParamStore } from '../models/params';
import { intFlag, parseFlags, readSpec } from './args';
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
    task: 'value',
    lengths: 'value',
    spec: 'value',
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
    spec: typeof flags.spec === 'string' ? readSpec(flags.spec) : undefined,
  };
  const out = (o: object) => console.log(json ? JSON.stringify(o) : formatRow(o));
  const events = {
    onLog: (row: object) => out(row),
    onSample: (step: number, text: string) => {
      if (!json) console.log(`--- sample at step ${step} ---\n${text}\n---`);
    },
    shouldStop: () => false,
  };
  let result: { params: ParamStore; summary: { stoppedEarly?: string } };
  let info: CheckpointInfo;
  if (typeof flags.task === 'string') {
    if (flags.data !== undefined)
      throw new Error('--data and --task exclude each other: a task makes its own data.');
    const lengths = typeof flags.lengths === 'string' ? parseLengths(flags.lengths) : undefined;
    const r = await trainTask(backend, { ...req, task: flags.task, lengths }, events);
    [result, info] = [r, { preset: r.preset, task: r.task }];
    if (!json) for (const a of r.summary.accuracy) out(a);
  } else {
    if (flags.lengths !== undefined) throw new Error('--lengths applies to --task runs only.');
    const data = loadCorpus(typeof flags.data === 'string' ? flags.data : 'moby-dick');
    const r = await train(backend, req, data, events);
    [result, info] = [r, { preset: r.preset, vocab: r.tokenizer.chars }];
  }
  if (typeof flags.save === 'string') {
    const tensors = await result.params.export();
    writeFileSync(flags.save, encodeSafetensors(tensors, checkpointMetadata(info)));
  }
  out({ summary: true, ...result.summary, preset: req.preset, seed: req.seed, adapter });
  result.params.dispose();
  if (result.summary.stoppedEarly?.includes('non-finite')) process.exitCode = 1;
}

/** `--lengths 64,128,256` */
function parseLengths(s: string): number[] {
  const out = s.split(',').map(Number);
  if (out.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(`--lengths expects positive integers separated by commas, got "${s}".`);
  return out;
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
