// Text generation with the decoder (decode.ts): the prompt is prefilled, then each new token is one
// decode step of batch 1 over the KV caches and recurrent states: no re-run of the window. A stack
// with a mixer that has no decode step yet falls back to re-running the window for every token, so
// such models still train and sample.
// Beyond the capacity (the spec's context length, the longest the model was trained on) generation
// slides: the states are reset and the last ⌈capacity/2⌉ tokens are prefilled again, so positions stay
// within the trained range and each slide costs one prefill per capacity/2 new tokens.
import { Graph } from '../autograd/graph';
import type { Backend } from '../kernels/backend';
import type { Tensor } from '../kernels/tensor';
import type { Rng } from '../data/rng';
import type { ParamStore } from './params';
import type { ModelSpec } from './spec';
import { decodableMixers, Decoder } from './decode';
import { modelForward } from './model';
import { specLayers } from './spec';
import { sampleToken } from './sample';

/** One step of token-by-token decoding: feeds tokens at positions, reads the last logits row. */
interface TokenFeeder {
  readonly capacity: number;
  reset(): void;
  prefill(prompt: Int32Array): void;
  step(tokens: Int32Array, pos: number): void;
  readLogits(): Promise<Float32Array>;
  dispose(): void;
}

/** The fallback for stacks without decode steps: each token re-runs the forward over the window. */
class WindowFeeder implements TokenFeeder {
  private graph: Graph;
  private tokens: Tensor;
  private logits: Tensor;
  private window: Int32Array;
  private length = 0;

  constructor(
    private backend: Backend,
    params: ParamStore,
    spec: ModelSpec,
  ) {
    this.window = new Int32Array(spec.contextLength);
    this.graph = new Graph(backend);
    this.tokens = this.graph.tensor([this.capacity], 'sample tokens', 'i32');
    this.logits = modelForward(this.graph, params, spec, this.tokens, 1, this.capacity);
  }
  get capacity(): number {
    return this.window.length;
  }
  reset(): void {
    this.window.fill(0);
    this.length = 0;
  }
  prefill(prompt: Int32Array): void {
    prompt.forEach((t, i) => this.step(Int32Array.of(t), i));
  }
  step(tokens: Int32Array, pos: number): void {
    this.window[pos] = tokens[0];
    this.length = pos + 1;
  }
  async readLogits(): Promise<Float32Array> {
    const V = this.logits.shape[1];
    this.backend.write(this.tokens, this.window);
    this.backend.run(this.graph.forwardOps);
    return (await this.backend.read(this.logits, (this.length - 1) * V, V)) as Float32Array;
  }
  dispose(): void {
    this.graph.dispose();
  }
}

export class Generator {
  private decoder: TokenFeeder;

  /** `mode` 'window' forces the re-run of the window (the reference the decoder is tested against). */
  constructor(backend: Backend, params: ParamStore, spec: ModelSpec, mode: 'auto' | 'window' = 'auto') {
    const decodes = specLayers(spec).every((l) => decodableMixers().includes(l.mixer.kind));
    this.decoder =
      decodes && mode === 'auto'
        ? new Decoder(backend, params, spec, { batch: 1, capacity: spec.contextLength })
        : new WindowFeeder(backend, params, spec);
  }

  /** Whether tokens are decoded with states (else the window is re-run per token). */
  get usesDecoder(): boolean {
    return this.decoder instanceof Decoder;
  }

  /** Tokens kept when the sequence reaches the capacity. */
  get keepOnSlide(): number {
    return Math.ceil(this.decoder.capacity / 2);
  }

  async generate(
    prompt: Int32Array,
    count: number,
    temperature: number,
    topK: number,
    rng: Rng,
  ): Promise<Int32Array> {
    const seq = Array.from(prompt);
    if (seq.length === 0) seq.push(0);
    const C = this.decoder.capacity;
    /** Restarts the states on the last `n` tokens of the sequence; returns the next position. */
    const refill = (n: number) => {
      this.decoder.reset();
      this.decoder.prefill(Int32Array.from(seq.slice(-n)));
      return Math.min(n, seq.length);
    };
    let next = refill(Math.min(C, seq.length));
    for (let i = 0; i < count; i++) {
      const token = sampleToken(await this.decoder.readLogits(), temperature, topK, rng);
      seq.push(token);
      if (i === count - 1) break;
      if (next < C) this.decoder.step(Int32Array.of(token), next++);
      else next = refill(this.keepOnSlide);
    }
    return Int32Array.from(seq.slice(prompt.length));
  }

  dispose(): void {
    this.decoder.dispose();
  }
}
