// The model-level decode path: a forward-only graph over one token per sequence (B side by side),
// recorded once and replayed at every position. Each mixer's `step` keeps its KV cache or recurrent
// and conv states in tensors this decoder owns; the position is an i32 tensor written before each
// step, so the same prepared ops serve every position. Prefill feeds the prompt one token at a time.
import { Graph } from '../autograd/graph';
import type { Backend } from '../kernels/backend';
import type { Tensor } from '../kernels/tensor';
import type { DecodeContext, LayerContext } from './layers/context';
import { block, embed, head, type BlockRun } from './model';
import type { ParamStore } from './params';
import { specLayers, type ModelSpec } from './spec';

export interface DecoderOptions {
  /** Sequences decoded side by side. */
  batch: number;
  /** The most tokens a sequence holds: positions 0 … capacity − 1. */
  capacity: number;
}

export interface DecodeState {
  /** Layer index, `${prefix}.${name}` and the tensor. */
  layer: number;
  name: string;
  tensor: Tensor;
}

export class Decoder {
  /** The one-token step, replayed at every position. */
  readonly graph: Graph;
  /** Parameter-only work, run by every reset (the parameters may have changed since the last). */
  readonly setup: Graph;
  /** Token ids (B), i32. */
  readonly tokens: Tensor;
  /** Position of the token being decoded (i32 [1]). */
  readonly pos: Tensor;
  /** Logits (B, V) of the last step. */
  readonly logits: Tensor;
  readonly states: DecodeState[] = [];
  readonly batch: number;
  readonly capacity: number;

  constructor(
    readonly backend: Backend,
    params: ParamStore,
    readonly spec: ModelSpec,
    opts: DecoderOptions,
  ) {
    const { batch: B, capacity } = opts;
    for (const [k, v] of Object.entries(opts))
      if (!(Number.isInteger(v) && v >= 1))
        throw new Error(`Decoder: ${k} = ${v} must be a whole number ≥ 1.`);
    this.batch = B;
    this.capacity = capacity;
    const g = (this.graph = new Graph(backend));
    this.setup = new Graph(backend);
    this.tokens = g.tensor([B], 'decode tokens', 'i32');
    this.pos = g.tensor([1], 'decode pos', 'i32');
    const c: Omit<LayerContext, 'prefix'> = { g, p: params, spec, B, T: 1 };
    let x = embed(c, this.tokens, B); // (B, D)
    for (const layer of specLayers(spec)) x = block(c, layer, x, this.run(c, layer.index));
    this.logits = head(c, x, B); // (B, V)
    this.reset();
  }

  /** Sublayer contexts whose `state` hands out (once) the tensors of layer `index`. */
  private run(c: Omit<LayerContext, 'prefix'>, index: number): BlockRun<DecodeContext> {
    return {
      context: (prefix) => ({
        ...c,
        prefix,
        pos: this.pos,
        capacity: this.capacity,
        setup: this.setup,
        state: (name, shape) => this.state(index, `${prefix}.${name}`, shape),
      }),
      mix: (mixer, mc, m, x) => mixer.step(mc, m, x),
    };
  }

  private state(layer: number, name: string, shape: number[]): Tensor {
    const have = this.states.find((s) => s.name === name);
    if (have) {
      if (have.tensor.shape.join() !== shape.join())
        throw new Error(`Decode state "${name}" is asked for as ${shape} and as ${have.tensor.shape}.`);
      return have.tensor;
    }
    const tensor = this.graph.tensor(shape, name);
    this.states.push({ layer, name, tensor });
    return tensor;
  }

  /** Bytes of the decode state (KV caches, recurrent and conv states): in all and per layer. */
  stateBytes(): { total: number; perLayer: number[] } {
    const perLayer = specLayers(this.spec).map(() => 0);
    for (const s of this.states) perLayer[s.layer] += s.tensor.bytes;
    return { total: perLayer.reduce((a, b) => a + b, 0), perLayer };
  }

  /** Runs the setup and zeroes every state: the next step starts new sequences at position 0. */
  reset(): void {
    this.backend.run(this.setup.forwardOps);
    for (const s of this.states) this.backend.write(s.tensor, new Float32Array(s.tensor.size));
  }

  /** Runs one token per sequence (B ids) at position `pos`; the logits are then in `logits`. */
  step(tokens: Int32Array, pos: number): void {
    if (tokens.length !== this.batch)
      throw new Error(`Decoder.step: ${tokens.length} tokens for a batch of ${this.batch}.`);
    if (!(Number.isInteger(pos) && pos >= 0 && pos < this.capacity))
      throw new Error(
        `Decoder.step: position ${pos} is outside the capacity [0, ${this.capacity}); reset first.`,
      );
    this.backend.write(this.tokens, tokens);
    this.backend.write(this.pos, Int32Array.of(pos));
    this.backend.run(this.graph.forwardOps);
  }

  /**
   * Feeds prompts (B, P), row-major, at positions start … start + P − 1, one token at a time: the
   * logits are then those of the last prompt token.
   */
  prefill(prompt: Int32Array, start = 0): void {
    const P = prompt.length / this.batch;
    if (!(Number.isInteger(P) && P >= 1))
      throw new Error(
        `Decoder.prefill: ${prompt.length} tokens do not make ${this.batch} prompts of ≥ 1 token.`,
      );
    for (let t = 0; t < P; t++)
      this.step(
        Int32Array.from({ length: this.batch }, (_, b) => prompt[b * P + t]),
        start + t,
      );
  }

  /** The logits of the last step, (B, V) row-major. */
  async readLogits(): Promise<Float32Array> {
    return (await this.backend.read(this.logits)) as Float32Array;
  }

  dispose(): void {
    this.graph.dispose();
    this.setup.dispose();
  }
}
