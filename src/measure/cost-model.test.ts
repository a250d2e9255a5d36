// The cost model: hand-computed parameters, FLOPs and decode state for one small config of each
// mixer, the Transformer's parameter count and training-step allocation as the engine really makes
// them, and decode state that grows with T for attention and Hyena and stays flat for recurrences.
import { describe, expect, it } from 'vitest';
import { Graph } from '../autograd/graph';
import * as op from '../autograd/ops';
import { CpuBackend } from '../kernels/cpu-backend';
import { Rng } from '../data/rng';
import { ParamStore } from '../models/params';
import { defineModelParams, modelForward } from '../models/model';
import { specLayers, type BlockInput, type ModelSpec } from '../models/spec';
import { SPEC_PRESETS, presetSpec } from '../models/spec-presets';
import { resolveSpec } from '../models/spec-validate';
import { resolvePreset } from '../models/presets';
import { costCurve, modelCost } from './cost-model';
import { forwardActivationBytes } from './curves';

/** A one-layer model of width 8 (vocab 10, RMSNorm) around a block. */
const tinyModel = (block: BlockInput, T = 10): ModelSpec =>
  resolveSpec({ width: 8, vocab: 10, contextLength: T, stack: [{ blocks: [block] }] });
const layer0 = (block: BlockInput, T = 10, opts = {}) => modelCost(tinyModel(block), T, opts).layers[0];

describe('cost model, hand-computed (width 8, T = 10)', () => {
  // Each layer also holds its pre-norm weight (8). FLOPs: 2 per weight of the linear/conv layers.
  it('attention (2 heads, 1 kv head, d_h 4)', () => {
    const b: BlockInput = { mixer: { kind: 'attention', heads: 2, kvHeads: 1 } };
    const c = layer0(b);
    expect(c.params).toBe(8 + 64 + 32 + 32 + 64); // norm, q, k, v, o
    expect(c.decodeStateBytes).toBe(4 * 2 * 1 * 4 * 10); // K and V of 10 tokens
    // 2·192 for the projections, + 4·D·(T+1)/2 for scores and values averaged over the prefill.
    expect(c.flopsPerToken).toEqual({ prefill: 384 + 176, decode: 384 + 4 * 8 * 10, train: 3 * 560 });
    const w = layer0({ mixer: { kind: 'attention', heads: 2, kvHeads: 1, window: 4 } });
    expect(w.decodeStateBytes).toBe(4 * 2 * 4 * 4); // only the last W = 4 tokens
    expect(w.flopsPerToken.prefill).toBeCloseTo(384 + 4 * 8 * ((4 * 5) / 2 / 10 + (6 * 4) / 10), 9);
    expect(w.flopsPerToken.decode).toBe(384 + 4 * 8 * 4);
  });

  it("attention with Primer's convs (2 heads, 1 kv head, conv 3)", () => {
    const plain = layer0({ mixer: { kind: 'attention', heads: 2, kvHeads: 1 } });
    const c = layer0({ mixer: { kind: 'attention', heads: 2, kvHeads: 1, convSize: 3 } });
    expect(c.params - plain.params).toBe(8 * 3 + 4 * 3 + 4 * 3); // q, k, v conv weights (channels, 1, 3)
    expect(c.decodeStateBytes).toBe(4 * (2 * 1 * 4 * 10 + 2 * (8 + 4 + 4))); // + the last 2 inputs of q, k, v
    expect(c.flopsPerToken.prefill - plain.flopsPerToken.prefill).toBe(2 * 48);
    expect(c.flopsPerToken.decode - plain.flopsPerToken.decode).toBe(2 * 48);
    // The three conv outputs (8 + 4 + 4 per token) and their gradients, over 10 tokens.
    expect(c.activationBytes - plain.activationBytes).toBe(4 * 10 * 2 * 16);
  });

  it('Mamba (d_inner 16, N 4, d_conv 4, R 1)', () => {
    const b: BlockInput = { mixer: { kind: 'mamba', dState: 4, dtRank: 1 } };
    const c = layer0(b);
    // in_proj 32·8, conv 16·4 + 16, x_proj 9·16, dt_proj 16·1 + 16, A_log 16·4, D 16, out_proj 8·16.
    expect(c.params).toBe(8 + 256 + 64 + 16 + 144 + 16 + 16 + 64 + 16 + 128);
    expect(c.decodeStateBytes).toBe(4 * 16 * (4 + 3));
    const f = 2 * (256 + 64 + 144 + 16 + 128) + 6 * 16 * 4; // + decay, input, readout per state element
    expect(c.flopsPerToken).toEqual({ prefill: f, decode: f, train: 3 * f });
    // Activations: norm out + sum (2·8, 1 rstd); 11·16 + 2(R + 2N) + D = 202 per token; with
    // gradients, over 10 tokens; one chunk state of 16·4 (the scan's own chunk of 64, whatever
    // scanChunk says); A = −exp(A_log), two 16·4 tensors with gradients.
    const acts = 4 * (10 * (2 * (16 + 202) + 1) + 64 + 4 * 64);
    expect(layer0(b, 10, { scanChunk: 4 }).activationBytes).toBe(acts);
  });

  it('Mamba-2 (d_inner 16, N 4, P 4 → 4 heads, 1 group)', () => {
    const c = layer0({ mixer: { kind: 'mamba2', dState: 4, headDim: 4 } });
    // in_proj (2·16 + 2·4 + 4)·8, conv 24·4 + 24, dt_bias, A_log, D (4 each), norm 16, out_proj 8·16.
    expect(c.params).toBe(8 + 352 + 96 + 24 + 12 + 16 + 128);
    expect(c.decodeStateBytes).toBe(4 * (4 * 4 * 4 + 24 * 3)); // H·P·N + conv
    expect(c.flopsPerToken.decode).toBe(2 * (352 + 96 + 128) + 5 * 16 * 4);
  });

  it('Hyena (order 2, filter FFN 4 wide over 3 features, short conv 3)', () => {
    const b: BlockInput = { mixer: { kind: 'hyena', filterWidth: 4, filterBands: 1 } };
    const c = layer0(b);
    // in_proj 24·8 + 24, short conv 24·3 + 24, bias 8, FFN 4·3 + 4, freq 4, 4·4 + 4, 8·4, out 8·8 + 8.
    expect(c.params).toBe(8 + 216 + 96 + 8 + 16 + 4 + 20 + 32 + 72);
    expect(c.decodeStateBytes).toBe(4 * (8 * 10 + 3 * 8 * 2)); // D·T history + short conv state
    const proj = 2 * (192 + 72 + 64);
    const filter = 2 * (12 + 16 + 32);
    expect(layer0(b, 10, { longConv: 'direct' }).flopsPerToken.prefill).toBe(proj + filter + 8 * 11);
    const fft = (3 * 2.5 * 20 * Math.log2(20) + 6 * 11) / 10; // per channel per token
    expect(c.flopsPerToken.prefill).toBeCloseTo(proj + filter + 8 * fft, 9);
    expect(c.flopsPerToken.decode).toBe(proj + 2 * 8 * 10); // filter cached; convolve 10 positions
  });

  it('RWKV-7 (head size 4 → 2 heads, LoRA ranks 2) with channel-mix', () => {
    const mixer = { kind: 'rwkv7', headSize: 4, decayRank: 2, aRank: 2, valueRank: 2, gateRank: 2 } as const;
    const s = resolveSpec({
      width: 8,
      vocab: 10,
      contextLength: 10,
      stack: [{ blocks: [{ mixer, channel: { kind: 'rwkv-cmix', hidden: 32 } }], repeat: 2 }],
    });
    const [first, second] = modelCost(s, 10).layers;
    // x_r…x_g 6·8; w0, w1, w2 8 + 16 + 16; a0, a1, a2 the same; g1, g2 16 + 16; k_k, k_a, r_k 3·8;
    // r, k, v, o 4·64; ln_x 16; then norm 8 + channel-mix norm 8, x_k 8, key and value 2·256.
    const cmix = 8 + 8 + 512;
    expect(first.params).toBe(8 + 48 + 40 + 40 + 32 + 24 + 256 + 16 + cmix);
    expect(second.params).toBe(first.params + 8 + 16 + 16); // v0, v1, v2: value residual
    expect(first.decodeStateBytes).toBe(4 * (2 * 4 * 4 + 8 + 8)); // H·N² + two token shifts
    expect(first.flopsPerToken.decode).toBe(2 * (96 + 256 + 512) + 9 * 2 * 4 * 4);
    expect(second.flopsPerToken.decode - first.flopsPerToken.decode).toBe(2 * 32);
  });

  it('RetNet (2 heads, d_k 4, d_v 8)', () => {
    const c = layer0({ mixer: { kind: 'retnet', heads: 2 } });
    expect(c.params).toBe(8 + 64 + 64 + 128 + 128 + 128 + 8); // q, k, v, g, o, group norm (d_v)
    expect(c.decodeStateBytes).toBe(4 * 2 * 4 * 8);
    expect(c.flopsPerToken.decode).toBe(2 * 512 + 5 * 2 * 4 * 8);
  });

  it('Gated DeltaNet (2 heads, d_k = 0.75·8/2 = 3, d_v 6, conv 4)', () => {
    const c = layer0({ mixer: { kind: 'gdn', heads: 2 } });
    // q, k 6·8; v 12·8; a, b 2·8; A_log, dt_bias 2; convs 6·4, 6·4, 12·4; g 12·8; o_norm 6; o 8·12.
    expect(c.params).toBe(8 + 48 + 48 + 96 + 16 + 16 + 2 + 2 + 24 + 24 + 48 + 96 + 6 + 96);
    expect(c.decodeStateBytes).toBe(4 * (2 * 3 * 6 + (6 + 6 + 12) * 3)); // H·d_k·d_v + 3 conv states
    expect(c.flopsPerToken.decode).toBe(2 * 512 + 7 * 2 * 3 * 6);
  });

  it('channels: SwiGLU (⌈8·8/3⌉₈ = 24) and MLP (32)', () => {
    const none = layer0({ mixer: 'mamba' });
    const swiglu = layer0({ mixer: 'mamba', channel: 'swiglu' });
    const mlp = layer0({ mixer: 'mamba', channel: 'mlp' });
    expect(swiglu.params - none.params).toBe(8 + 3 * 24 * 8);
    expect(mlp.params - none.params).toBe(8 + 2 * 32 * 8);
    expect(swiglu.flopsPerToken.decode - none.flopsPerToken.decode).toBe(2 * 3 * 24 * 8);
    expect(swiglu.decodeStateBytes).toBe(none.decodeStateBytes);
  });
});

/**
 * What forwardActivationBytes counts beyond a forward graph's allocations: it takes a training
 * step's terms less their per-token and per-position gradients, so the gradients of a layer's
 * parameter-only tensors (Mamba's A, GDN's −exp(A_log)) and what only the backward allocates (GDN's
 * discarded L2-norm weight gradients and its dlogDecay⊙dt product) stay in. Per layer, in bytes:
 * Mamba 8·d_inner·N; GDN 8·(H + d_k) + 4·B·T·H. Under 0.5% of the forward at this size.
 */
const forwardExcess = (s: ModelSpec, B: number, T: number) =>
  specLayers(s).reduce((n, { mixer: m }) => {
    if (m.kind === 'mamba') return n + 8 * m.expand * s.width * m.dState;
    if (m.kind === 'gdn') return n + 8 * (m.heads + m.headDim) + 4 * B * T * m.heads;
    return n;
  }, 0);

describe('cost model against the engine', () => {
  const spec = presetSpec('transformer');
  it("counts the Transformer's parameters exactly as the engine creates them", () => {
    const store = new ParamStore(new CpuBackend(), new Rng(1));
    defineModelParams(store, spec);
    const c = modelCost(spec, 64);
    expect(c.params.total).toBe(store.count);
    expect(c.params.embedding).toBe(spec.vocab * 64);
    expect(c.params.layers + c.params.embedding + c.params.norms).toBe(store.count);
  });

  /** Bytes the CPU backend allocates past the parameters for a graph (training: + loss and backward). */
  const graphBytes = (spec: ModelSpec, B: number, T: number, train: boolean) => {
    const cpu = new CpuBackend();
    const params = new ParamStore(cpu, new Rng(1));
    defineModelParams(params, spec);
    const before = cpu.memory().liveBytes;
    const g = new Graph(cpu);
    if (train) params.params.forEach((p) => g.trainable(p.tensor));
    const tokens = g.tensor([B * T], 'tokens', 'i32');
    const logits = modelForward(g, params, spec, tokens, B, T);
    if (train) {
      const targets = g.tensor([B * T], 'targets', 'i32');
      op.crossEntropy(g, logits, targets, B * T, spec.vocab);
      g.backward();
    }
    return { params: before, graph: cpu.memory().liveBytes - before };
  };

  it("matches the bytes the Transformer's training graph allocates (activations + gradients)", () => {
    const [B, T] = [3, 16];
    const { params, graph } = graphBytes(spec, B, T, true);
    const c = modelCost(spec, T, { batch: B });
    expect(c.training.params).toBe(params);
    expect(c.training.activations + c.training.grads).toBe(graph);
    expect(c.training.total).toBe(4 * params + c.training.activations);
  });

  // T = 70 spans two Mamba scan chunks (64) and five GDN chunks (16), the last ones partial.
  const mixed = {
    mamba: resolvePreset('mamba', { contextLength: 70 }).spec,
    'olmo-hybrid': resolvePreset('olmo-hybrid', { contextLength: 70 }).spec,
    'Primer-conv GQA transformer': resolvePreset('transformer', {
      contextLength: 70,
      kvHeads: 2,
      convSize: 3,
    }).spec,
  };
  for (const [name, s] of Object.entries(mixed)) {
    it(`matches the bytes the ${name} training graph allocates (activations + gradients)`, () => {
      const [B, T] = [2, 70];
      const { params, graph } = graphBytes(s, B, T, true);
      const c = modelCost(s, T, { batch: B });
      expect(c.training.params).toBe(params);
      expect(c.training.activations + c.training.grads).toBe(graph);
    });

    it(`gives the ${name} forward's allocations as forwardActivationBytes`, () => {
      const [B, T] = [2, 70];
      const { graph } = graphBytes(s, B, T, false);
      expect(forwardActivationBytes(s, B, T)).toBe(graph + forwardExcess(s, B, T));
    });
  }
});

describe('decode state against T', () => {
  const Ts = [64, 256, 1024, 4096, 16384];

  it('grows linearly for full attention and Hyena, stays flat for recurrences and windows', () => {
    for (const name of Object.keys(SPEC_PRESETS)) {
      const spec = presetSpec(name);
      const costs = Ts.map((T) => modelCost(spec, T).layers);
      specLayers(spec).forEach(({ mixer: m }, i) => {
        const bytes = costs.map((c) => c[i].decodeStateBytes);
        const grows = (m.kind === 'attention' && m.window === 0) || m.kind === 'hyena';
        // Affine in T when it grows (Hyena's short conv state is constant).
        const slope = (bytes[1] - bytes[0]) / (Ts[1] - Ts[0]);
        const expected = grows ? Ts.map((T) => bytes[0] + slope * (T - Ts[0])) : Ts.map(() => bytes[0]);
        expect(bytes, `${name} layer ${i} (${m.kind})`).toEqual(expected);
      });
    }
  });

  it('gives the memory-vs-T curve as flat rows', () => {
    const rows = costCurve(presetSpec('samba'), Ts);
    expect(rows.map((r) => r.T)).toEqual(Ts);
    expect(Object.keys(rows[0]).sort()).toEqual(
      [
        'T',
        'activationBytes',
        'decodeFlopsPerToken',
        'decodeStateBytes',
        'params',
        'prefillFlopsPerToken',
        'trainFlopsPerToken',
        'trainingBytes',
      ].sort(),
    );
    expect(new Set(rows.map((r) => r.decodeStateBytes)).size).toBe(1); // window 32 < 64
    expect(new Set(rows.map((r) => r.decodeFlopsPerToken)).size).toBe(1);
    const transformer = costCurve(presetSpec('transformer'), Ts);
    transformer.slice(1).forEach((r, k) => {
      expect(r.decodeStateBytes).toBe(4 * transformer[k].decodeStateBytes);
      expect(r.activationBytes).toBeGreaterThan(transformer[k].activationBytes);
    });
    expect(() => modelCost(presetSpec('mamba'), 0)).toThrow('T must be a positive integer, got 0.');
  });
});
