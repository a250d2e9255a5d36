// `cli curves`: memory and throughput against context T for a preset, one row per T (MEASURE.md).
import { nodeGpu } from '../gpu/node-gpu';
import { adapterLabel } from '../gpu/device';
import { GpuBackend } from '../kernels/gpu-backend';
import { curves } from '../measure/curves';
import { intFlag, parseFlags } from './args';

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

export async function curvesCommand(args: string[]): Promise<void> {
  const flags = parseFlags(args, {
    preset: 'value',
    contexts: 'value',
    batch: 'value',
    runs: 'value',
    json: 'flag',
  });
  const contexts = String(flags.contexts ?? '64,128,256,512,1024')
    .split(',')
    .map(Number);
  if (contexts.some((T) => !Number.isInteger(T) || T < 1))
    throw new Error(`--contexts must be positive integers separated by commas (got "${flags.contexts}").`);
  const backend = new GpuBackend(await nodeGpu());
  const options = {
    preset: typeof flags.preset === 'string' ? flags.preset : 'transformer',
    contexts,
    batch: intFlag(flags, 'batch', 1),
    runs: intFlag(flags, 'runs', 5),
  };
  for await (const line of curves(backend, options)) {
    if (flags.json) console.log(JSON.stringify(line));
    else if (line.kind === 'header') {
      console.log(`${line.preset}, batch ${line.batch}, on ${adapterLabel(line.adapter)}; ${line.decode}`);
      console.log(
        'T  params  decode state  prefill: analytic / measured peak, tok/s  training: analytic / measured peak, tok/s',
      );
    } else if (line.kind === 'row') {
      const a = line.analytic;
      const head = `${line.T}  ${a.params}  ${kib(a.decodeStateBytes)}`;
      if (!line.prefill || !line.training) console.log(`${head}  ${line.reason}`);
      else
        console.log(
          `${head}  ${kib(a.prefillBytes)} / ${kib(line.prefill.peakBytes)}, ${line.prefill.tokensPerSec.toFixed(0)}` +
            `  ${kib(a.training.total)} / ${kib(line.training.peakBytes)}, ${line.training.tokensPerSec.toFixed(0)}`,
        );
    } else {
      const e = (x: number | null) => (x === null ? 'n/a' : x.toFixed(2));
      console.log(
        `scaling exponents (upper half of the grid): prefill ${e(line.exponents.prefill)}, training ${e(line.exponents.training)}`,
      );
    }
  }
}
