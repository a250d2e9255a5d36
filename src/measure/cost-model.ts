// The instant cost model of a resolved spec, per layer and total: parameters, FLOPs per token
// (prefill, decode, training), decode-state bytes and training-step memory, at any context T.
//
// FLOP convention: a multiply-add is 2 FLOPs. Counted: every linear and conv weight (once per
// token), attention scores and values, each recurrent state update in its recurrent form (the
// chunked kernels trade extra intra-chunk work for parallelism), Hyena's long convolution and filter
// FFN, the lm_head. Not counted: norms, activations, softmax, gates and other O(D) elementwise work.
// Training = 3 × prefill forward (backward ≈ 2 × forward; recomputation in backward not counted).
// FLOPs are per token of one sequence (Hyena's filter FFN runs once per position, shared by a batch).
import type { Layer, ModelSpec, Mixer } from '../models/spec';
import { blockLabel, specLayers } from '../models/spec';
import { specParams } from '../models/spec-params';
import {
  activationBytes,
  channelTerms,
  mixerTerms,
  outerTerms,
  sublayerTerms,
} from './cost-model-activations';

export const FLOAT_BYTES = 4;

export interface CostOptions {
  /** Sequences per training step (activations only); default 1. */
  batch?: number;
  /** Tokens per chunk of a chunked scan, whose boundary states are kept for backward; default 64. */
  scanChunk?: number;
  /** Hyena's long convolution in prefill/training: FFT (default) or direct O(T²). */
  longConv?: 'fft' | 'direct';
}

export interface Flops {
  /** Per token, averaged over a prefill of T tokens. */
  prefill: number;
  /** The token at position T (1-based): attends to min(T, W) keys, convolves over T positions. */
  decode: number;
  /** Per token of a training step at sequence length T: 3 × prefill. */
  train: number;
}

export interface LayerCost {
  index: number;
  /** The block in the spec, e.g. "stack[0].blocks[1]". */
  path: string;
  label: string;
  params: number;
  flopsPerToken: Flops;
  /** KV cache / recurrent and conv states / Hyena history after T tokens, f32, batch 1. */
  decodeStateBytes: number;
  /** This layer's activations and their gradients in a training step (see cost-model-activations). */
  activationBytes: number;
}

export interface TrainingBytes {
  params: number;
  grads: number;
  /** AdamW's m and v. */
  optimizer: number;
  activations: number;
  total: number;
}

export interface ModelCost {
  T: number;
  batch: number;
  params: { total: number; layers: number; embedding: number; norms: number };
  flopsPerToken: Flops;
  decodeStateBytes: number;
  training: TrainingBytes;
  layers: LayerCost[];
}

/** One row of the curves against T: every figure flat, ready for a chart or a JSON line. */
export interface CostRow {
  T: number;
  params: number;
  prefillFlopsPerToken: number;
  decodeFlopsPerToken: number;
  trainFlopsPerToken: number;
  decodeStateBytes: number;
  activationBytes: number;
  trainingBytes: number;
}

/** Mean over positions t = 1..T of the keys a query sees, min(t, W) (W = 0: all t). */
function meanKeys(T: number, W: number): number {
  if (W === 0 || W >= T) return (T + 1) / 2;
  return (W * (W + 1)) / 2 / T + ((T - W) * W) / T;
}

/** FLOPs of the sequence mixing itself (not the projections), per token: [prefill, decode]. */
function mixingFlops(D: number, m: Mixer, T: number, longConv: 'fft' | 'direct'): [number, number] {
  switch (m.kind) {
    case 'attention': {
      const c = 4 * D; // q·k and P·v: 2 multiply-adds per head dim per key, all heads
      return [c * meanKeys(T, m.window), c * (m.window > 0 ? Math.min(T, m.window) : T)];
    }
    case 'mamba': // per state element: decay, input, readout (C·h) = 6 FLOPs
      return same(6 * m.expand * D * m.dState);
    case 'mamba2': // decay by a scalar per head, input, readout = 5 FLOPs
      return same(5 * m.expand * D * m.dState);
    case 'gdn': // per K×V element: decay, Sᵀk, rank-1 update, Sᵀq = 7 FLOPs
      return same(7 * m.heads * m.headDim * m.valueExpand * m.headDim);
    case 'retnet': // decay, k vᵀ update, Sᵀq = 5 FLOPs
      return same((5 * (m.keyExpand * D) * (m.valueExpand * D)) / m.heads);
    case 'rwkv7': // decay, S κ, low-rank removal, v kᵀ, S r = 9 FLOPs per state element
      return same(9 * D * m.headSize);
    case 'hyena': {
      const ch = (m.order - 1) * D; // channels of long convolution
      const N = 2 * T; // FFT length (zero-padded)
      // Per channel: real FFTs of input and filter and the inverse (2.5·N·log₂N each), product of
      // T+1 complex bins (6 FLOPs); direct: a multiply-add per earlier position.
      const fft = (3 * 2.5 * N * Math.log2(N) + 6 * (T + 1)) / T;
      return [ch * (longConv === 'fft' ? fft : T + 1), 2 * ch * T];
    }
  }
}

const same = (x: number): [number, number] => [x, x];

/** Decode state after T tokens (batch 1), in floats. */
function stateFloats(D: number, layer: Layer, T: number): number {
  const m = layer.mixer;
  const shift = layer.channel?.kind === 'rwkv-cmix' ? D : 0; // channel-mix token shift
  switch (m.kind) {
    case 'attention': {
      const kv = m.kvHeads * (D / m.heads);
      // K and V of the cached positions; Primer's convs keep the last K − 1 inputs of q, k, v.
      const convs = m.convSize > 0 ? (m.convSize - 1) * (D + 2 * kv) : 0;
      return 2 * kv * (m.window > 0 ? Math.min(T, m.window) : T) + convs + shift;
    }
    case 'mamba':
      return m.expand * D * (m.dState + m.dConv - 1) + shift;
    case 'mamba2': {
      const di = m.expand * D;
      return di * m.dState + (di + 2 * m.groups * m.dState) * (m.dConv - 1) + shift;
    }
    case 'gdn': {
      const [K, V] = [m.heads * m.headDim, m.heads * m.headDim * m.valueExpand];
      return (K * V) / m.heads + (2 * K + V) * (m.convSize - 1) + shift;
    }
    case 'retnet':
      return (m.keyExpand * D * m.valueExpand * D) / m.heads + shift;
    case 'rwkv7':
      return D * m.headSize + D + shift; // H·N² state + time-mix token shift
    case 'hyena':
      // The whole history of each long convolution's input (order − 1 of them), and the short conv's
      // last K − 1 inputs of the (order + 1)·D projections (at least one slot: the decoder allocates one).
      return (m.order - 1) * D * T + (m.order + 1) * D * Math.max(1, m.shortConv - 1) + shift;
  }
}

/** The cost of the model at context T (positive integer). */
export function modelCost(spec: ModelSpec, T: number, opts: CostOptions = {}): ModelCost {
  const batch = opts.batch ?? 1;
  const chunk = opts.scanChunk ?? 64;
  const longConv = opts.longConv ?? 'fft';
  for (const [k, v] of [
    ['T', T],
    ['batch', batch],
    ['scanChunk', chunk],
  ] as const)
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${k} must be a positive integer, got ${v}.`);
  const D = spec.width;
  const params = specParams(spec);
  const layers = specLayers(spec).map((layer): LayerCost => {
    const own = params.filter((p) => p.layer === layer.index);
    const matmul = 2 * own.reduce((n, p) => n + (p.role === 'linear' || p.role === 'conv' ? p.size : 0), 0);
    const filter = 2 * own.reduce((n, p) => n + (p.role === 'filter' ? p.size : 0), 0);
    const [mixPrefill, mixDecode] = mixingFlops(D, layer.mixer, T, longConv);
    const prefill = matmul + filter + mixPrefill;
    const parts = [sublayerTerms(D, spec.norm), mixerTerms(D, layer.mixer, T, chunk, layer.first)];
    if (layer.channel) parts.push(sublayerTerms(D, spec.norm), channelTerms(D, layer.channel));
    return {
      index: layer.index,
      path: layer.path,
      label: blockLabel(layer),
      params: own.reduce((n, p) => n + p.size, 0),
      flopsPerToken: { prefill, decode: matmul + mixDecode, train: 3 * prefill },
      decodeStateBytes: FLOAT_BYTES * stateFloats(D, layer, T),
      activationBytes: parts.reduce((n, t) => n + activationBytes(t, batch, T), 0),
    };
  });
  const sum = (f: (l: LayerCost) => number) => layers.reduce((n, l) => n + f(l), 0);
  const total = params.reduce((n, p) => n + p.size, 0);
  const embedding = params.reduce((n, p) => n + (p.role === 'embedding' ? p.size : 0), 0);
  const head = 2 * spec.vocab * D;
  const prefill = sum((l) => l.flopsPerToken.prefill) + head;
  const activations = sum((l) => l.activationBytes) + activationBytes(outerTerms(spec), batch, T);
  const bytes = FLOAT_BYTES * total;
  return {
    T,
    batch,
    params: {
      total,
      layers: sum((l) => l.params),
      embedding,
      norms: total - sum((l) => l.params) - embedding,
    },
    flopsPerToken: { prefill, decode: sum((l) => l.flopsPerToken.decode) + head, train: 3 * prefill },
    decodeStateBytes: sum((l) => l.decodeStateBytes),
    training: {
      params: bytes,
      grads: bytes,
      optimizer: 2 * bytes,
      activations,
      total: 4 * bytes + activations,
    },
    layers,
  };
}

/** The cost at each T of a grid (e.g. 64 … 16384): the analytic side of the memory and throughput charts. */
export function costCurve(spec: ModelSpec, Ts: readonly number[], opts: CostOptions = {}): CostRow[] {
  return Ts.map((T) => {
    const c = modelCost(spec, T, opts);
    return {
      T,
      params: c.params.total,
      prefillFlopsPerToken: c.flopsPerToken.prefill,
      decodeFlopsPerToken: c.flopsPerToken.decode,
      trainFlopsPerToken: c.flopsPerToken.train,
      decodeStateBytes: c.decodeStateBytes,
      activationBytes: c.training.activations,
      trainingBytes: c.training.total,
    };
  });
}
