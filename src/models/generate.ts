// Text generation with the decoder (decode.ts): the prompt is prefilled, then each new token is one
// decode step of batch 1 over the KV caches and recurrent states: no re-run of the window.
// Beyond the capacity (the spec's context length, the longest the model was trained on) generation
// slides: the states are reset and the last ⌈capacity/2⌉ tokens are prefilled again, so positions stay
// within the trained range and each slide costs one prefill per capacity/2 new tokens.
import type { Backend } from '../kernels/backend';
import type { Rng } from '../data/rng';
import type { ParamStore } from './params';
import type { ModelSpec } from './spec';
import { Decoder } from './decode';
import { sampleToken } from './sample';

export class Generator {
  private readonly decoder: Decoder;

  constructor(backend: Backend, params: ParamStore, spec: ModelSpec) {
    this.decoder = new Decoder(backend, params, spec, { batch: 1, capacity: spec.contextLength });
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
