import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CpuBackend } from '../kernels/cpu-backend';
import { backends, expectClose } from '../kernels/testing';
import { Rng } from '../data/rng';
import { layerCommand } from '../cli/layer';
import { runLayer, type LayerConfig } from './layer-runner';
import { defineModelParams } from './model';
import { ParamStore } from './params';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from './safetensors';
import type { MixerKind } from './spec';
import { MIXER_PREFIX } from './spec-params';
import { resolveSpec } from './spec-validate';

/** Small configs of every mixer kind. */
const CONFIGS: Record<MixerKind, LayerConfig> = {
  attention: { width: 16, mixer: { kind: 'attention', heads: 2, kvHeads: 1, window: 3 } },
  mamba: { width: 16, mixer: { kind: 'mamba', dState: 4 } },
  mamba2: { width: 16, mixer: { kind: 'mamba2', headDim: 8, dState: 4 } },
  hyena: { width: 8, mixer: { kind: 'hyena', filterWidth: 8, filterBands: 2 } },
  rwkv7: {
    width: 16,
    mixer: { kind: 'rwkv7', headSize: 8, decayRank: 4, aRank: 4, valueRank: 4, gateRank: 4 },
  },
  retnet: { width: 16, mixer: { kind: 'retnet', heads: 2 } },
  gdn: { width: 16, mixer: { kind: 'gdn', heads: 2, headDim: 8 } },
};
const RUNNABLE = Object.keys(CONFIGS) as MixerKind[];

/**
 * The model's initial weights of the mixer (of the second layer of two when `first` is false),
 * named relative to it, plus x and dy of (B, T, D).
 */
function inputs(config: LayerConfig, B: number, T: number, seed: number) {
  const spec = resolveSpec({
    width: config.width,
    vocab: 1,
    contextLength: T,
    stack: [{ blocks: [{ mixer: config.mixer, channel: null }], repeat: config.first === false ? 2 : 1 }],
  });
  const cpu = new CpuBackend();
  const store = new ParamStore(cpu, new Rng(seed));
  defineModelParams(store, spec);
  const kind = spec.stack[0].blocks[0].mixer.kind;
  const prefix = `model.layers.${config.first === false ? 1 : 0}.${MIXER_PREFIX[kind]}.`;
  const weights = new Map<string, NamedTensor>();
  for (const p of store.params)
    if (p.name.startsWith(prefix)) {
      const name = p.name.slice(prefix.length);
      weights.set(name, { name, shape: [...p.tensor.shape], data: p.tensor.cpu as Float32Array });
    }
  const rng = new Rng(seed + 1);
  const random = (name: string): NamedTensor => {
    const data = new Float32Array(B * T * config.width);
    rng.fillNormal(data, 1);
    return { name, shape: [B, T, config.width], data };
  };
  return { weights, x: random('x'), dy: random('dy'), vFirst: random('v_first') };
}

const byName = (ts: NamedTensor[]) => new Map(ts.map((t) => [t.name, t]));

describe('layer runner', () => {
  it('attention: y equals a plain-loop multi-head attention with RoPE and GQA in PyTorch layout', async () => {
    const [B, T, D, H, KV] = [2, 5, 8, 2, 1];
    const config: LayerConfig = { width: D, mixer: { kind: 'attention', heads: H, kvHeads: KV } };
    const { weights, x } = inputs(config, B, T, 3);
    const { outputs } = await runLayer(new CpuBackend(), config, weights, x);
    const Dh = D / H;
    const W = (n: string) => weights.get(`${n}.weight`)!.data;
    const proj = (w: ArrayLike<number>, row: number, out: number) =>
      Array.from({ length: out }, (_, o) => {
        let s = 0;
        for (let i = 0; i < D; i++) s += x.data[row * D + i] * w[o * D + i];
        return s;
      });
    const rope = (v: number[], t: number) =>
      v.map((_, i) => {
        const half = Dh / 2;
        const j = i % half;
        const angle = t * 10000 ** ((-2 * j) / Dh);
        const [c, s] = [Math.cos(angle), Math.sin(angle)];
        return i < half ? v[i] * c - v[i + half] * s : v[i] * c + v[i - half] * s;
      });
    const expected = new Float32Array(B * T * D);
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++) {
        const q = proj(W('q_proj'), b * T + t, D);
        const concat: number[] = [];
        for (let h = 0; h < H; h++) {
          const kvh = Math.floor(h / (H / KV));
          const qh = rope(q.slice(h * Dh, (h + 1) * Dh), t);
          const scores: number[] = [];
          const values: number[][] = [];
          for (let j = 0; j <= t; j++) {
            const k = rope(proj(W('k_proj'), b * T + j, KV * Dh).slice(kvh * Dh, (kvh + 1) * Dh), j);
            scores.push(qh.reduce((s, qi, i) => s + qi * k[i], 0) / Math.sqrt(Dh));
            values.push(proj(W('v_proj'), b * T + j, KV * Dh).slice(kvh * Dh, (kvh + 1) * Dh));
          }
          const m = Math.max(...scores);
          const e = scores.map((s) => Math.exp(s - m));
          const z = e.reduce((a, c) => a + c, 0);
          for (let i = 0; i < Dh; i++) concat.push(values.reduce((s, v, j) => s + (e[j] / z) * v[i], 0));
        }
        const o = W('o_proj');
        for (let i = 0; i < D; i++)
          expected[(b * T + t) * D + i] = concat.reduce((s, c, k) => s + c * o[i * D + k], 0);
      }
    expectClose(byName(outputs).get('y')!.data, expected, { rtol: 1e-4, atol: 1e-6, label: 'y' });
  });

  it.each(RUNNABLE)('%s: GPU outputs and gradients equal the CPU reference', async (kind) => {
    const config = CONFIGS[kind];
    const { weights, x, dy } = inputs(config, 2, 7, 11);
    const b = await backends();
    const cpu = await runLayer(b.cpu, config, weights, x, dy);
    const gpu = await runLayer(b.gpu, config, weights, x, dy);
    const ref = byName(cpu.outputs);
    expect([...ref.keys()]).toEqual(['y', 'dx', ...cpu.params.map((p) => `grad.${p.name}`)]);
    for (const t of gpu.outputs)
      expectClose(t.data, ref.get(t.name)!.data, { rtol: 1e-4, atol: 1e-5, label: `${kind} ${t.name}` });
  });

  it.each(RUNNABLE)('%s: grad outputs match finite differences of Σ y·dy', async (kind) => {
    const config = CONFIGS[kind];
    const { weights, x, dy } = inputs(config, 1, 5, 21);
    const cpu = new CpuBackend();
    const loss = async (w: Map<string, NamedTensor>, xx: NamedTensor) => {
      const y = (await runLayer(cpu, config, w, xx)).outputs[0].data;
      return Array.from(y).reduce((s, v, i) => s + v * dy.data[i], 0);
    };
    const grads = byName((await runLayer(cpu, config, weights, x, dy)).outputs);
    const rng = new Rng(5);
    const eps = 2e-3;
    // Three elements of x and of every parameter, each by central differences (f32 forward).
    const probes: [string, NamedTensor, (t: NamedTensor) => Promise<number>][] = [
      ['dx', x, (t) => loss(weights, t)],
      ...[...weights.values()].map((w): [string, NamedTensor, (t: NamedTensor) => Promise<number>] => [
        `grad.${w.name}`,
        w,
        (t) => loss(new Map([...weights, [w.name, t]]), x),
      ]),
    ];
    for (const [gradName, t, f] of probes) {
      const g = grads.get(gradName)!.data;
      const scale = Math.max(1e-3, ...Array.from(g, Math.abs));
      for (let n = 0; n < 3; n++) {
        const i = Math.floor(rng.next() * t.data.length);
        const shifted = (d: number) => {
          const data = Float32Array.from(t.data);
          data[i] += d;
          return { ...t, data };
        };
        const numeric = ((await f(shifted(eps))) - (await f(shifted(-eps)))) / (2 * eps);
        expect(
          Math.abs(numeric - g[i]) / scale,
          `${kind} ${gradName}[${i}]: ${numeric} vs ${g[i]}`,
        ).toBeLessThan(3e-2);
      }
    }
  });

  it('rwkv7 after the first layer takes v_first and gives its gradient', async () => {
    const config: LayerConfig = { ...CONFIGS.rwkv7, first: false };
    const { weights, x, dy, vFirst } = inputs(config, 2, 5, 31);
    expect(weights.has('v1')).toBe(true);
    const b = await backends();
    const cpu = byName((await runLayer(b.cpu, config, weights, x, dy, vFirst)).outputs);
    const gpu = (await runLayer(b.gpu, config, weights, x, dy, vFirst)).outputs;
    for (const t of gpu)
      expectClose(t.data, cpu.get(t.name)!.data, { rtol: 1e-4, atol: 1e-5, label: t.name });
    // v_first matters, and dv_first is its gradient: one central difference.
    const loss = async (v: NamedTensor) =>
      Array.from((await runLayer(b.cpu, config, weights, x, undefined, v)).outputs[0].data).reduce(
        (s, y, i) => s + y * dy.data[i],
        0,
      );
    const g = cpu.get('dv_first')!.data;
    const i = Array.from(g, Math.abs).reduce((best, v, j, a) => (v > a[best] ? j : best), 0);
    const shift = (d: number) => ({ ...vFirst, data: vFirst.data.map((v, j) => (j === i ? v + d : v)) });
    const numeric = ((await loss(shift(2e-3))) - (await loss(shift(-2e-3)))) / 4e-3;
    expect(Math.abs(g[i])).toBeGreaterThan(1e-4);
    expect(Math.abs(numeric - g[i])).toBeLessThan(3e-2 * Math.max(...Array.from(g, Math.abs)));
    await expect(runLayer(b.cpu, config, weights, x, dy)).rejects.toThrow(/needs "v_first"/);
  });

  it('explains mismatched weights and inputs', async () => {
    const config = CONFIGS.gdn;
    const { weights, x } = inputs(config, 1, 3, 1);
    const cpu = new CpuBackend();
    const missing = new Map(weights);
    missing.delete('A_log');
    missing.set('A_logg', weights.get('A_log')!);
    await expect(runLayer(cpu, config, missing, x)).rejects.toThrow(
      /missing "A_log"; unexpected tensor "A_logg"\. Expected: q_proj\.weight \[16,16\]/,
    );
    await expect(runLayer(cpu, config, weights, { ...x, shape: [3, 16] })).rejects.toThrow(
      /must be \(B, T, D\)/,
    );
    await expect(
      runLayer(cpu, { width: 16, mixer: { kind: 'attention', heads: 3 } }, weights, x),
    ).rejects.toThrow(/heads/);
  });

  it('cli layer reads config, weights, x and dy files and writes y, dx and grad.<name>', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-layer-'));
    const config = CONFIGS.mamba;
    const { weights, x, dy } = inputs(config, 1, 4, 2);
    const file = (name: string) => join(dir, name);
    writeFileSync(file('cfg.json'), JSON.stringify(config));
    writeFileSync(file('w.safetensors'), encodeSafetensors([...weights.values()]));
    writeFileSync(file('x.safetensors'), encodeSafetensors([x]));
    writeFileSync(file('dy.safetensors'), encodeSafetensors([dy]));
    const args = ['--config', 'cfg.json', '--weights', 'w.safetensors', '--input', 'x.safetensors'];
    await layerCommand([
      ...args.map((a) => (a.startsWith('--') ? a : file(a))),
      '--out',
      file('out.safetensors'),
      '--grad',
      file('dy.safetensors'),
      '--cpu',
    ]);
    const out = decodeSafetensors(readFileSync(file('out.safetensors'))).tensors;
    const direct = byName((await runLayer(new CpuBackend(), config, weights, x, dy)).outputs);
    expect([...out.keys()]).toEqual([...direct.keys()]);
    for (const [name, t] of out)
      expectClose(t.data, direct.get(name)!.data, { rtol: 0, atol: 0, label: name });
    expect(out.get('grad.A_log')!.shape).toEqual([32, 4]);
  });
});
