// The inside views against independent computations: attention maps equal softmax(q·k/√Dh) of the
// parallel forward's own q and k (QK-norm, RoPE, GQA, sliding window), on the CPU and on WebGPU; state
// norms after token t equal the norms of the state a fresh decoder holds after t + 1 tokens.
import { describe, expect, it } from 'vitest';
import { Graph } from '../autograd/graph';
import { Rng } from '../data/rng';
import { attention, type AttentionArgs } from '../kernels/attention';
import type { Backend, KernelDef } from '../kernels/backend';
import { CpuBackend } from '../kernels/cpu-backend';
import { backends, expectClose } from '../kernels/testing';
import { Decoder } from '../models/decode';
import { lively } from '../models/decode-testing';
import { modelForward } from '../models/model';
import { specLayers, type ModelSpec } from '../models/spec';
import { resolveSpec } from '../models/spec-validate';
import { modelCost } from './cost-model';
import { inspectModel, INSPECT_MAX_TOKENS } from './inspect';

const V = 11;
const T = 9;

/** Every recurrent kind beside full (GQA, QK-norm) and sliding-window attention. */
function hybrid(): ModelSpec {
  return resolveSpec({
    width: 32,
    vocab: V,
    contextLength: T,
    stack: [
      {
        blocks: [
          { mixer: { kind: 'attention', heads: 4, kvHeads: 2, qkNorm: true }, channel: 'swiglu' },
          { mixer: 'mamba' },
          { mixer: { kind: 'attention', heads: 2, window: 3 } },
          { mixer: 'gdn' },
          { mixer: 'retnet' },
          { mixer: { kind: 'rwkv7', headSize: 16 } },
          { mixer: 'mamba2' },
        ],
      },
    ],
  });
}

/** The forward's attention inputs (q, k after QK-norm and RoPE), per attention layer in order. */
async function forwardAttention(backend: Backend, spec: ModelSpec, seed: number, ids: Int32Array) {
  const seen: AttentionArgs[] = [];
  const probe = new Proxy(backend, {
    get(target, prop) {
      if (prop === 'op')
        return <A>(kernel: KernelDef<A>, args: A) => {
          if (kernel === (attention as unknown)) seen.push(args as AttentionArgs);
          return target.op(kernel, args);
        };
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const p = lively(backend, spec, seed);
  const g = new Graph(probe);
  const tokens = g.tensor([ids.length], 'tokens', 'i32');
  modelForward(g, p, spec, tokens, 1, ids.length);
  backend.write(tokens, ids);
  backend.run(g.forwardOps);
  const maps = [];
  for (const a of seen) {
    const [q, k] = [await backend.read(a.q), await backend.read(a.k)];
    maps.push(naiveProbs(q, k, a));
  }
  g.dispose();
  return { p, maps };
}

/** softmax over visible keys of q·k/√Dh, written as (H, T, T), zero elsewhere: the textbook way. */
function naiveProbs(q: ArrayLike<number>, k: ArrayLike<number>, a: AttentionArgs): Float32Array {
  const { T: n, H, Hkv, Dh, window } = a;
  const out = new Float32Array(H * n * n);
  for (let h = 0; h < H; h++)
    for (let t = 0; t < n; t++) {
      const g = Math.floor((h * Hkv) / H);
      const keys = [...Array(t + 1).keys()].filter((j) => window === 0 || t - j < window);
      const s = keys.map((j) => {
        let d = 0;
        for (let i = 0; i < Dh; i++) d += q[(t * H + h) * Dh + i] * k[(j * Hkv + g) * Dh + i];
        return d / Math.sqrt(Dh);
      });
      const z = s.reduce((acc, x) => acc + Math.exp(x), 0);
      keys.forEach((j, i) => (out[(h * n + t) * n + j] = Math.exp(s[i]) / z));
    }
  return out;
}

async function expectMapsEqualForward(backend: Backend, spec: ModelSpec): Promise<void> {
  const rng = new Rng(7);
  const ids = Int32Array.from({ length: T }, () => rng.int(V));
  const { p, maps } = await forwardAttention(backend, spec, 3, ids);
  try {
    const got = await inspectModel(backend, p, spec, ids);
    expect(got.attention.map((a) => [a.layer, a.heads, a.kvHeads, a.window])).toEqual([
      [0, 4, 2, 0],
      [2, 2, 2, 3],
    ]);
    got.attention.forEach((a, i) =>
      expectClose(a.probs, maps[i], { rtol: 1e-4, atol: 1e-5, label: `${backend.kind} layer ${a.layer}` }),
    );
    // Each row is a distribution over the keys it sees: causal, and at most `window` of them.
    const w = got.attention[1];
    for (let t = 0; t < T; t++) {
      const row = w.probs.subarray(t * T, (t + 1) * T);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      row.forEach((x, j) => expect(x > 0).toBe(j <= t && t - j < 3));
    }
  } finally {
    p.dispose();
  }
}

describe('inspectModel', () => {
  it('attention maps equal softmax(q·k/√Dh) of the forward (CPU, WebGPU)', async () => {
    const { cpu, gpu } = await backends();
    await expectMapsEqualForward(cpu, hybrid());
    await expectMapsEqualForward(gpu, hybrid());
  });

  it('state norms after token t are those of the state after t + 1 tokens; bytes are the cost model’s', async () => {
    const cpu = new CpuBackend();
    const spec = hybrid();
    const p = lively(cpu, spec, 5);
    const rng = new Rng(2);
    const ids = Int32Array.from({ length: 6 }, () => rng.int(V));
    const got = await inspectModel(cpu, p, spec, ids);
    expect(got.tokens).toEqual([...ids]);
    expect(got.states.map((s) => [s.layer, s.kind, s.rows, s.heads])).toEqual([
      [1, 'mamba', 64, 1], // Di = 2·32 channels, N = 16
      [3, 'gdn', rowsOf(spec, 3), headsOf(spec, 3)],
      [4, 'retnet', rowsOf(spec, 4), headsOf(spec, 4)],
      [5, 'rwkv7', 32, 2],
      [6, 'mamba2', 64, headsOf(spec, 6)],
    ]);
    expect(got.stateBytes).toEqual(modelCost(spec, ids.length).layers.map((l) => l.decodeStateBytes));
    for (const t of [0, 2, 5]) {
      const dec = new Decoder(cpu, p, spec, { batch: 1, capacity: ids.length });
      dec.prefill(ids.subarray(0, t + 1));
      for (const s of got.states) {
        const state = dec.states.find((d) => d.name === s.name)!.tensor.f32;
        const width = s.shape[s.shape.length - 1];
        const want = Float32Array.from({ length: s.rows }, (_, r) =>
          Math.hypot(...state.subarray(r * width, (r + 1) * width)),
        );
        const row = s.norms.subarray(t * s.rows, (t + 1) * s.rows);
        expectClose(row, want, { rtol: 1e-5, atol: 1e-6, label: `${s.name} t=${t}` });
        expect(Math.max(...row)).toBeGreaterThan(0);
      }
      dec.dispose();
    }
    p.dispose();
  });

  it('says how long a sentence may be', async () => {
    const cpu = new CpuBackend();
    const spec = hybrid();
    const p = lively(cpu, spec, 1);
    await expect(inspectModel(cpu, p, spec, new Int32Array(0))).rejects.toThrow(/between 1 and 64/);
    await expect(inspectModel(cpu, p, spec, new Int32Array(T + 1))).rejects.toThrow(
      /more than the model's context of 9/,
    );
    expect(INSPECT_MAX_TOKENS).toBe(64);
    p.dispose();
  });
});

/** Rows of a headed matrix state (H · Dk) and heads, from the layer's resolved mixer. */
function rowsOf(spec: ModelSpec, i: number): number {
  const m = specLayers(spec)[i].mixer;
  if (m.kind === 'gdn') return m.heads * m.headDim;
  if (m.kind === 'retnet') return m.keyExpand * spec.width;
  throw new Error(`no rows for ${m.kind}`);
}

function headsOf(spec: ModelSpec, i: number): number {
  const m = specLayers(spec)[i].mixer;
  if (m.kind === 'gdn' || m.kind === 'retnet') return m.heads;
  if (m.kind === 'mamba2') return (m.expand * spec.width) / m.headDim;
  throw new Error(`no heads for ${m.kind}`);
}
