// Inside views of a trained model (the playground's "inside" panel): a sample sentence is decoded token
// by token with the model's own Decoder, and after each token we read
//  - for every attention layer, the probabilities of the current query over the cached keys: the query
//    (after QK-norm; RoPE is applied here as the op applies it) and the key cache are read back from
//    the decode graph's attentionDecode op, and softmax(q·k/√Dh) is computed here over the keys that
//    op sees (causal, sliding window, GQA);
//  - for every layer with a fixed-size recurrent state (Mamba, Mamba-2, Gated DeltaNet, RetNet,
//    RWKV-7), the L2 norm of each row of that state, ready for a heatmap over time.
// The attention op is found by watching the backend while the decoder records its graph (a probe that
// leaves the model code untouched): its arguments are the very tensors the model attends with.
import { attentionDecode, turnedRef, type AttentionDecodeArgs } from '../kernels/attention-decode';
import { firstKey, score } from '../kernels/attention';
import type { Backend, KernelDef } from '../kernels/backend';
import { Decoder } from '../models/decode';
import type { ParamStore } from '../models/params';
import { blockLabel, specLayers, type Mixer, type ModelSpec } from '../models/spec';

/** The most tokens a sample sentence may have (the maps are n × n per head). */
export const INSPECT_MAX_TOKENS = 64;

export interface AttentionMap {
  layer: number;
  label: string;
  heads: number;
  /** Key/value heads: query head h reads kv head ⌊h / (heads / kvHeads)⌋. */
  kvHeads: number;
  /** 0 = full causal attention; else keys older than `window` positions are not seen. */
  window: number;
  /** (heads, n, n) row-major: [h][query][key], 0 where the key is not visible. */
  probs: Float32Array;
}

export interface StateTrace {
  layer: number;
  label: string;
  kind: Mixer['kind'];
  /** The state tensor's name in the decoder (e.g. "model.layers.1.mixer.ssm_state"). */
  name: string;
  /** The state's shape for one sequence (e.g. [Di, N] or [H, Dk, Dv]). */
  shape: number[];
  /** What one heatmap row is ("channel", "head · key row" …) and over what its norm is taken. */
  rowLabel: string;
  /** Rows of the heatmap: the state's elements over the last axis. */
  rows: number;
  /** Heads the rows fall into (rows / heads rows each); 1 when the state has no heads. */
  heads: number;
  /** (n, rows) row-major: the L2 norm of each state row after each token. */
  norms: Float32Array;
}

export interface InspectResult {
  /** Token ids of the sentence, as decoded. */
  tokens: number[];
  attention: AttentionMap[];
  states: StateTrace[];
  /** Decode-state bytes of each layer at this sentence length (batch 1). */
  stateBytes: number[];
}

/** The fixed-size recurrent state of each mixer kind that has one: its name and how to read its rows. */
const RECURRENT: Partial<Record<Mixer['kind'], { name: string; rowLabel: string; headed: boolean }>> = {
  mamba: { name: 'ssm_state', rowLabel: 'channel (norm over the N state dims)', headed: false },
  mamba2: { name: 'ssm_state', rowLabel: 'head · channel (norm over N)', headed: true },
  gdn: { name: 'recurrent_state', rowLabel: 'head · key row (norm over Dv)', headed: true },
  retnet: { name: 'retention', rowLabel: 'head · key row (norm over Dv)', headed: true },
  rwkv7: { name: 'wkv', rowLabel: 'head · value row (norm over keys)', headed: true },
};

/** Whether a mixer kind keeps a fixed-size recurrent state that the inside view can draw. */
export const hasRecurrentState = (kind: Mixer['kind']): boolean => RECURRENT[kind] !== undefined;

/** A view of the backend that reports every attentionDecode op the decoder prepares. */
function probing(backend: Backend, seen: AttentionDecodeArgs[]): Backend {
  const op = <A>(kernel: KernelDef<A>, args: A) => {
    if (kernel === (attentionDecode as unknown)) seen.push(args as AttentionDecodeArgs);
    return backend.op(kernel, args);
  };
  return new Proxy(backend, {
    get(target, prop) {
      if (prop === 'op') return op;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Row t of the attention map of one layer: softmax over the visible cached keys of each head's query,
 * exactly as attentionDecode weighs them (f64, max-subtracted), written at probs[h][t][j].
 */
export function attentionRow(
  probs: Float32Array,
  q: ArrayLike<number>,
  kCache: ArrayLike<number>,
  t: number,
  n: number,
  a: Pick<AttentionDecodeArgs, 'H' | 'Hkv' | 'Dh' | 'S' | 'window' | 'scale'>,
): void {
  const { H, Hkv, Dh, S } = a;
  const first = firstKey(t, a.window);
  for (let h = 0; h < H; h++) {
    const g = Math.floor(h / (H / Hkv));
    const s: number[] = [];
    for (let j = first; j <= t; j++) s.push(score(q, kCache, h * Dh, ((j % S) * Hkv + g) * Dh, Dh) * a.scale);
    const m = Math.max(...s);
    const e = s.map((x) => Math.exp(x - m));
    const l = e.reduce((x, y) => x + y, 0);
    const row = (h * n + t) * n;
    for (let j = first; j <= t; j++) probs[row + j] = e[j - first] / l;
  }
}

/** L2 norm of each row (last axis of length `width`) of a state, written at out[offset + r]. */
export function rowNorms(state: ArrayLike<number>, width: number, out: Float32Array, offset: number): void {
  const rows = state.length / width;
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let i = 0; i < width; i++) s += state[r * width + i] ** 2;
    out[offset + r] = Math.sqrt(s);
  }
}

/** Decodes `tokens` one at a time with the trained parameters and reads the inside views. */
export async function inspectModel(
  backend: Backend,
  params: ParamStore,
  spec: ModelSpec,
  tokens: Int32Array,
): Promise<InspectResult> {
  const n = tokens.length;
  if (!(n >= 1 && n <= INSPECT_MAX_TOKENS))
    throw new Error(`The sample sentence has ${n} tokens; give it between 1 and ${INSPECT_MAX_TOKENS}.`);
  if (n > spec.contextLength)
    throw new Error(
      `The sample sentence has ${n} tokens, more than the model's context of ${spec.contextLength}: shorten it.`,
    );
  const layers = specLayers(spec);
  const probes: AttentionDecodeArgs[] = [];
  const decoder = new Decoder(probing(backend, probes), params, spec, { batch: 1, capacity: n });
  try {
    const layerOf = (t: AttentionDecodeArgs['kCache']) => decoder.states.find((s) => s.tensor === t)?.layer;
    const attention = probes.map((a) => {
      const layer = layerOf(a.kCache);
      if (layer === undefined)
        throw new Error(`inspect: the key cache "${a.kCache.label}" is no decode state.`);
      return {
        args: a,
        map: {
          layer,
          label: blockLabel(layers[layer]),
          heads: a.H,
          kvHeads: a.Hkv,
          window: a.window,
          probs: new Float32Array(a.H * n * n),
        } satisfies AttentionMap,
      };
    });
    const states = decoder.states.flatMap((s) => {
      const kind = layers[s.layer].mixer.kind;
      const r = RECURRENT[kind];
      if (!r || !s.name.endsWith(`.${r.name}`)) return [];
      const shape = s.tensor.shape.slice(1); // one sequence
      const width = shape[shape.length - 1];
      const rows = s.tensor.size / width;
      const trace: StateTrace = {
        layer: s.layer,
        label: blockLabel(layers[s.layer]),
        kind,
        name: s.name,
        shape,
        rowLabel: r.rowLabel,
        rows,
        heads: r.headed ? shape[0] : 1,
        norms: new Float32Array(n * rows),
      };
      return [{ tensor: s.tensor, width, trace }];
    });
    for (let t = 0; t < n; t++) {
      decoder.step(tokens.subarray(t, t + 1), t);
      for (const { args, map } of attention) {
        const [q, k] = await Promise.all([backend.read(args.q), backend.read(args.kCache)]);
        // The op turns the query by RoPE itself; the cache already holds turned keys.
        attentionRow(map.probs, turnedRef(q, args.H, t, args), k, t, n, args);
      }
      for (const { tensor, width, trace } of states)
        rowNorms(await backend.read(tensor), width, trace.norms, t * trace.rows);
    }
    return {
      tokens: [...tokens],
      attention: attention.map((a) => a.map),
      states: states.map((s) => s.trace),
      stateBytes: decoder.stateBytes().perLayer,
    };
  } finally {
    decoder.dispose();
  }
}
