// `cli curves`: memory and throughput against context T for a preset, one row per T (MEASURE.md).
import { nodeGpu } from '../gpu/node-gpu';
import { adapterLabel } from '../gpu/device';
import { GpuBackend } from '../kernels/gpu-backend';
import { curves, PHASES, type CurveSummary, type Phase } from '../measure/curves';
import { intFlag, parseFlags, readSpec } from './args';

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** --measure prefill,decode,training (default all). */
function phases(flag: unknown): Phase[] | undefined {
  if (flag === undefined) return undefined;
  const list = String(flag).split(',');
  const bad = list.filter((p) => !(PHASES as readonly string[]).includes(p));
  if (bad.length)
    throw new Error(`--measure takes ${PHASES.join(', ')} separated by commas (got "${flag}").`);
  return list as Phase[];
}

export async function curvesCommand(args: string[]): Promise<void> {
  const flags = parseFlags(args, {
    preset: 'value',
    contexts: 'value',
    batch: 'value',
    runs: 'value',
    measure: 'value',
    spec: 'value',
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
    measure: phases(flags.measure),
    edited: typeof flags.spec === 'string' ? readSpec(flags.spec) : undefined,
  };
  for await (const line of curves(backend, options)) {
    if (flags.json) console.log(JSON.stringify(line));
    else if (line.kind === 'header') {
      console.log(`${line.preset}, batch ${line.batch}, on ${adapterLabel(line.adapter)}`);
      console.log(`decode: ${line.includes.decodeTiming}`);
      console.log(
        'T  params  prefill: analytic / measured peak, tok/s  decode: state analytic / measured, peak, tok/s  training: analytic / measured peak, tok/s',
      );
    } else if (line.kind === 'row') {
      const a = line.analytic;
      const head = `${line.T}  ${a.params}`;
      const rate = (m: { tokensPerSec: number }) => m.tokensPerSec.toFixed(0);
      const pre =
        line.prefill && `${kib(a.prefillBytes)} / ${kib(line.prefill.peakBytes)}, ${rate(line.prefill)}`;
      const dec = line.decode
        ? `${kib(a.decodeStateBytes)} / ${kib(line.decode.stateBytes)}, ${kib(line.decode.peakBytes)}, ${rate(line.decode)}`
        : `${kib(a.decodeStateBytes)} / not measured`;
      const train =
        line.training && `${kib(a.training.total)} / ${kib(line.training.peakBytes)}, ${rate(line.training)}`;
      if (!line.fits) console.log(`${head}  ${line.reason}`);
      else console.log(`${head}  ${pre ?? '-'}  ${dec}  ${train ?? '-'}`);
    } else {
      const e = (x: number | null) => (x === null ? 'n/a' : x.toFixed(2));
      const row = (x: CurveSummary['exponents']) =>
        `prefill ${e(x.prefill)}, decode ${e(x.decode)}, training ${e(x.training)}`;
      console.log(`scaling exponents (upper half of the grid): ${row(line.exponents)}`);
      console.log(`the same of the cost model's FLOPs:          ${row(line.flopExponents)}`);
    }
  }
}
