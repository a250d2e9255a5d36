// `cli layer`: one mixer forward (and backward with --grad) on the GPU, for checking a Strata layer
// against a PyTorch one. Tensor names and layouts: README "Layer runner".
//   npm run cli -- layer --config CFG.json --weights W.safetensors --input X.safetensors \
//     --out OUT.safetensors [--grad DY.safetensors] [--cpu]
import { readFileSync, writeFileSync } from 'node:fs';
import { nodeGpu } from '../gpu/node-gpu';
import { CpuBackend } from '../kernels/cpu-backend';
import { GpuBackend } from '../kernels/gpu-backend';
import { runLayer, type LayerConfig } from '../models/layer-runner';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from '../models/safetensors';
import { parseFlags } from './args';

function need(flags: Record<string, string | true>, name: string): string {
  const v = flags[name];
  if (typeof v !== 'string') throw new Error(`layer needs --${name} FILE.`);
  return v;
}

function readFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new Error(`Cannot read the ${what} file "${path}": ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
}

/** The single tensor named `name` of a safetensors file. */
function tensorFrom(path: string, name: string): NamedTensor {
  const { tensors } = decodeSafetensors(readFile(path, `"${name}"`));
  const t = tensors.get(name);
  if (!t)
    throw new Error(
      `"${path}" has no tensor named "${name}" (it has: ${[...tensors.keys()].join(', ') || 'none'}).`,
    );
  return t;
}

export async function layerCommand(args: string[]): Promise<void> {
  const flags = parseFlags(args, {
    config: 'value',
    weights: 'value',
    input: 'value',
    out: 'value',
    grad: 'value',
    cpu: 'flag',
  });
  const configPath = need(flags, 'config');
  const configText = readFile(configPath, 'config').toString('utf8');
  let config: LayerConfig;
  try {
    config = JSON.parse(configText) as LayerConfig;
  } catch (e) {
    throw new Error(
      `The config "${configPath}" is not valid JSON: ${e instanceof Error ? e.message : String(e)}`,
      {
        cause: e,
      },
    );
  }
  const weights = decodeSafetensors(readFile(need(flags, 'weights'), 'weights')).tensors;
  const inputPath = need(flags, 'input');
  const x = tensorFrom(inputPath, 'x');
  const vFirst = config.first === false ? tensorFrom(inputPath, 'v_first') : undefined;
  const dy = typeof flags.grad === 'string' ? tensorFrom(flags.grad, 'dy') : undefined;
  const out = need(flags, 'out');
  const backend = flags.cpu ? new CpuBackend() : new GpuBackend(await nodeGpu());
  const { outputs } = await runLayer(backend, config, weights, x, dy, vFirst);
  writeFileSync(out, encodeSafetensors(outputs, { format: 'strata-layer', config: JSON.stringify(config) }));
  console.log(`wrote ${outputs.map((t) => `${t.name} [${t.shape}]`).join(', ')} to ${out}`);
}
