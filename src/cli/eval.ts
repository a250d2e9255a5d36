// `cli eval --checkpoint FILE`: loads a checkpoint written by `cli train --save` (self-describing:
// preset and vocabulary or task in its metadata) and prints, for a text model, perplexity by
// position and by evaluation context on the held-out split; for a task model, accuracy per length
// on the task's fixed held-out set. One JSON object per row with --json.
import { readFileSync } from 'node:fs';
import { nodeGpu } from '../gpu/node-gpu';
import { GpuBackend } from '../kernels/gpu-backend';
import { CpuBackend } from '../kernels/cpu-backend';
import type { Backend } from '../kernels/backend';
import { Rng } from '../data/rng';
import { CharTokenizer } from '../data/tokenizer';
import { taskDef } from '../data/tasks';
import { ParamStore } from '../models/params';
import { defineModelParams } from '../models/model';
import { decodeSafetensors, readCheckpointInfo, type CheckpointInfo } from '../models/safetensors';
import { TaskEvaluator, HELD_OUT_SEQUENCES } from '../models/task-train';
import { perplexity } from '../measure/perplexity';
import { intFlag, parseFlags } from './args';
import { loadCorpus } from './data';

/** The checkpoint's parameters on `backend`, checked name by name and shape by shape. */
export function loadCheckpoint(
  backend: Backend,
  bytes: Uint8Array,
): { info: CheckpointInfo; params: ParamStore } {
  const { tensors, metadata } = decodeSafetensors(bytes);
  const info = readCheckpointInfo(metadata);
  const params = new ParamStore(backend, new Rng(0));
  defineModelParams(params, info.preset.spec);
  params.load(tensors);
  return { info, params };
}

function intList(s: string, flag: string): number[] {
  const out = s.split(',').map(Number);
  if (out.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(`--${flag} expects positive integers separated by commas, got "${s}".`);
  return out;
}

export async function evalCommand(args: string[]): Promise<void> {
  const flags = parseFlags(args, {
    checkpoint: 'value',
    data: 'value',
    tokens: 'value',
    contexts: 'value',
    lengths: 'value',
    'held-out': 'value',
    json: 'flag',
    cpu: 'flag',
  });
  if (typeof flags.checkpoint !== 'string')
    throw new Error('eval needs --checkpoint FILE (from `cli train --save FILE`).');
  const json = flags.json === true;
  const out = (o: object) =>
    console.log(
      json
        ? JSON.stringify(o)
        : Object.entries(o)
            .map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(4) : v}`)
            .join('  '),
    );
  const backend = flags.cpu ? new CpuBackend() : new GpuBackend(await nodeGpu());
  const adapter = backend instanceof GpuBackend ? backend.gpu.adapter : null;
  const { info, params } = loadCheckpoint(backend, readFileSync(flags.checkpoint));
  const { spec } = info.preset;
  if (info.task) {
    const def = taskDef(info.task.name);
    const task = def.make(info.task.options);
    const T = spec.contextLength;
    const lengths =
      typeof flags.lengths === 'string' ? intList(flags.lengths, 'lengths') : task.evalLengths(T);
    for (const L of lengths) {
      const ev = new TaskEvaluator(
        backend,
        params,
        info.preset,
        task,
        L,
        intFlag(flags, 'held-out', HELD_OUT_SEQUENCES),
      );
      const r = await ev.evaluate();
      ev.dispose();
      out({
        task: task.name,
        length: L,
        accuracy: r.correct / Math.max(r.answers, 1),
        answers: r.answers,
        loss: r.loss,
        beyondTraining: L > T,
      });
    }
  } else {
    const tokenizer = new CharTokenizer(info.vocab!.join(''));
    if (tokenizer.chars.join('') !== info.vocab!.join(''))
      throw new Error(
        'The checkpoint vocabulary is not a sorted set of characters; re-save it with `cli train --save`.',
      );
    const data = loadCorpus(typeof flags.data === 'string' ? flags.data : 'moby-dick');
    const r = await perplexity(backend, params, spec, tokenizer.encode(data.val), {
      maxTokens: intFlag(flags, 'tokens', 8192),
      contexts: typeof flags.contexts === 'string' ? intList(flags.contexts, 'contexts') : undefined,
    });
    for (const row of [...r.byPosition, ...r.byContext]) out(row);
  }
  out({
    summary: true,
    checkpoint: flags.checkpoint,
    preset: info.preset.name,
    trainingContext: spec.contextLength,
    adapter,
  });
  params.dispose();
}
