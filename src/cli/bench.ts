// `cli bench [matmul|fma|attention|scan|train|all] [--json] [--sizes 256,512,1024] [--runs 5] [--warmup 1] [--no-ceiling]`
// matmul: our matmul against TensorFlow.js's WebGPU backend on the same device (one JSON object per
// size, then a summary with the adapter and the FMA ceiling); fma: the FMA ceiling alone; scan: the
// fused Mamba scan against the naive one (time and peak-memory ratios, bench-scan.ts); train: one
// training step of the Transformer preset against the same model in TensorFlow.js (bench-train.ts);
// attention: our causal attention forward against TF.js's (bench-attention.ts); all: the suite of
// bench-suite.ts (also run by the in-browser benchmark page), --quick for small sizes.
// On SwiftShader (2 cores) the default run takes ~70 s on an idle machine (~3 min on a busy one):
// 1024³ is ~1.5 s per run for ours and ~6 s for tfjs, × (1 warm-up + 5 runs) each; the FMA ceiling
// adds ~10 s. Use --sizes 64,128 for a quick check.
import { adapterLabel, type AdapterDescription, type Gpu } from '../gpu/device';
import { nodeGpu } from '../gpu/node-gpu';
import { benchMatmul, DEFAULT_SIZES, type MatmulBenchRow } from '../measure/bench-matmul';
import { benchScan, describeScanBench } from '../measure/bench-scan';
import { benchTrain, describeTrainBench } from '../measure/bench-train';
import { benchAttention, describeAttentionRow } from '../measure/bench-attention';
import { fmaCeiling, type FmaCeiling } from '../measure/fma-ceiling';
import { MIN_RUNS } from '../measure/timing';
import { runBenchSuite, type SuiteRow } from '../measure/bench-suite';
import { intFlag, parseFlags } from './args';

const BENCHMARKS = ['fma', 'matmul', 'attention', 'scan', 'train', 'all'];
const FLAGS = {
  json: 'flag',
  sizes: 'value',
  runs: 'value',
  warmup: 'value',
  'no-ceiling': 'flag',
  quick: 'flag',
} as const;

function parseSizes(v: string | true | undefined): number[] {
  if (typeof v !== 'string') return DEFAULT_SIZES;
  const sizes = v.split(',').map((s) => Number(s.trim()));
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 8192))
    throw new Error(`--sizes must be comma-separated integers in 1…8192 (got "${v}").`);
  return sizes;
}

const fmt = (x: number, d = 2) => x.toFixed(d);

function tableRow(r: MatmulBenchRow): string {
  const frac = (f: number | null) => (f === null ? '   –  ' : `${fmt(100 * f, 1).padStart(5)}%`);
  return [
    String(r.size).padStart(5),
    fmt(r.oursMs, 1).padStart(10),
    fmt(r.theirsMs, 1).padStart(10),
    fmt(r.oursGflops).padStart(9),
    fmt(r.theirsGflops).padStart(9),
    `${fmt(r.ratio)}×`.padStart(7),
    frac(r.oursCeilingFraction).padStart(8),
    frac(r.theirsCeilingFraction).padStart(8),
  ].join(' ');
}

function ceilingLine(c: FmaCeiling): string {
  const parts = c.variants.map((v) => `${v.name} ${fmt(v.gflops)}`).join(', ');
  return `FMA ceiling: ${fmt(c.gflops)} GFLOP/s (${parts}; ${c.invocations} invocations, checked against the CPU)`;
}

export async function benchCommand(args: string[]): Promise<void> {
  const what = args[0] && !args[0].startsWith('--') ? args[0] : 'matmul';
  const flags = parseFlags(args[0] === what ? args.slice(1) : args, FLAGS);
  if (!BENCHMARKS.includes(what))
    throw new Error(`Unknown benchmark "${what}". Benchmarks: ${BENCHMARKS.join(', ')}.`);
  const json = flags.json === true;
  const runs = intFlag(flags, 'runs', MIN_RUNS);
  const warmup = intFlag(flags, 'warmup', 1);
  if (runs < MIN_RUNS) throw new Error(`--runs must be at least ${MIN_RUNS} (the protocol's minimum).`);
  const gpu = await nodeGpu();
  const adapter = {
    vendor: gpu.adapter.vendor,
    architecture: gpu.adapter.architecture,
    description: gpu.adapter.description,
    isSoftware: gpu.adapter.isSoftware,
  };
  if (!json) console.log(`Adapter: ${adapterLabel(gpu.adapter)}`);
  const ctx: BenchContext = {
    gpu,
    adapter,
    json,
    runs,
    warmup,
    sizes: parseSizes(flags.sizes),
    ceiling: flags['no-ceiling'] !== true,
  };
  if (what === 'all') {
    await runBenchSuite(gpu, {
      runs,
      warmup,
      quick: flags.quick === true,
      onStart: (b) => {
        if (!json) console.log(`\n${b.title}`);
      },
      onDone: (b, rows, result) => {
        if (json) console.log(JSON.stringify({ benchmark: b.name, rows, result, adapter }));
        else rows.forEach((r) => console.log(`  ${suiteLine(r)}`));
      },
    });
    return;
  }
  await runBenchmark(what, ctx);
}

function suiteLine(r: SuiteRow): string {
  const v = (x: number) => (x >= 100 ? x.toFixed(0) : x.toPrecision(3));
  const other =
    r.theirs === null ? '' : `, ${r.theirsName} ${v(r.theirs)} ${r.unit} → ${r.ratio!.toFixed(2)}×`;
  return `${r.label}: strata ${v(r.ours)} ${r.unit}${other}`;
}

interface BenchContext {
  gpu: Gpu;
  adapter: Pick<AdapterDescription, 'vendor' | 'architecture' | 'description' | 'isSoftware'>;
  json: boolean;
  runs: number;
  warmup: number;
  sizes: number[];
  ceiling: boolean;
}

async function runBenchmark(
  what: string,
  { gpu, adapter, json, runs, warmup, sizes, ceiling }: BenchContext,
): Promise<void> {
  if (what === 'fma') {
    const c = await fmaCeiling(gpu, { runs, warmup });
    if (json) console.log(JSON.stringify({ kind: 'fma', adapter, ...c }));
    else console.log(ceilingLine(c));
    return;
  }

  if (what === 'scan') {
    const r = await benchScan(gpu, { runs, warmup });
    console.log(json ? JSON.stringify({ ...r, adapter }) : describeScanBench(r));
    return;
  }

  if (what === 'attention') {
    for (const r of await benchAttention(gpu, { runs, warmup }))
      console.log(json ? JSON.stringify({ ...r, adapter }) : describeAttentionRow(r));
    return;
  }

  if (what === 'train') {
    const r = await benchTrain(gpu, { runs, warmup });
    console.log(json ? JSON.stringify({ ...r, adapter }) : describeTrainBench(r));
    return;
  }

  if (!json) {
    console.log(`matmul C = A·B (square, f32) — strata vs TensorFlow.js WebGPU on the same device`);
    console.log(`protocol: ${warmup} warm-up, ${runs} timed runs each, alternated, medians\n`);
  }
  let headerDone = false;
  const result = await benchMatmul(gpu, {
    sizes,
    runs,
    warmup,
    ceiling,
    onCeiling: (c) => {
      if (!json) console.log(`${ceilingLine(c)}\n`);
    },
    onRow: (r) => {
      if (json) {
        console.log(JSON.stringify(r));
        return;
      }
      if (!headerDone) {
        console.log(
          ' size  strata ms    tfjs ms  strata GF   tfjs GF  ratio  strata%   tfjs%   (% of FMA ceiling)',
        );
        headerDone = true;
      }
      console.log(tableRow(r));
    },
  });
  const summary = {
    kind: 'summary',
    benchmark: 'matmul',
    adapter,
    fmaCeilingGflops: result.ceiling?.gflops ?? null,
    fmaBest: result.ceiling?.best ?? null,
    fmaVariants: result.ceiling
      ? Object.fromEntries(result.ceiling.variants.map((v) => [v.name, v.gflops]))
      : null,
    peer: result.peer,
    protocol: result.protocol,
    sizes,
    ratios: Object.fromEntries(result.rows.map((r) => [r.size, r.ratio])),
    seconds: result.seconds,
  };
  if (json) console.log(JSON.stringify(summary));
  else {
    console.log(
      `\npeer: ${result.peer.name} on the same GPUDevice (${result.peer.sharesDevice ? 'verified' : 'NOT shared'})` +
        `\n${gpu.adapter.isSoftware ? 'Software adapter: CPU-emulated timings, not GPU timings.\n' : ''}` +
        `total ${fmt(result.seconds, 1)} s`,
    );
  }
}
