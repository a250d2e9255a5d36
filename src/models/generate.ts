// Text generation: a forward-only graph of batch 1 over the context window, sharing the trained
// parameters. Each new token re-runs the window (no KV cache yet) and reads back one row of logits.
import { Graph } from '../autograd/graph';
import type { Backend } from '../kernels/backend';
import type { Tensor } from '../kernels/tensor';
import type { Rng } from '../data/rng';
import type { ParamStore } from './params';
import type { ModelSpec } from './spec';
import { modelForward } from './model';
import { sampleToken } from './sample';

export class Generator {
  private graph: Graph;
  private tokens: Tensor;
  private logits: Tensor;
  private T: number;

  constructor(
    private backend: Backend,
    params: ParamStore,
    spec: ModelSpec,
  ) {
    this.T = spec.contextLength;
    this.graph = new Graph(backend);
    this.tokens = this.graph.tensor([this.T], 'sample tokens', 'i32');
    this.logits = modelForward(this.graph, params, spec, this.tokens, 1, this.T);
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
    const window = new Int32Array(this.T);
    const V = this.logits.shape[1];
    for (let i = 0; i < count; i++) {
      const ctx = seq.slice(-this.T);
      window.fill(0);
      window.set(ctx);
      this.backend.write(this.tokens, window);
      this.backend.run(this.graph.forwardOps);
      const row = (await this.backend.read(this.logits, (ctx.length - 1) * V, V)) as Float32Array;
      seq.push(sampleToken(row, temperature, topK, rng));
    }
    return Int32Array.from(seq.slice(prompt.length));
  }

  dispose(): void {
    this.graph.dispose();
  }
}
