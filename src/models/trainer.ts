// Builds everything one training step needs, once: parameters, the static graph (forward, loss,
// backward), the optimizer stage, and the input buffers. `stepOps` is the whole step, one submit.
import { Graph } from '../autograd/graph';
import * as op from '../autograd/ops';
import type { Backend, Op } from '../kernels/backend';
import type { Tensor } from '../kernels/tensor';
import { Rng } from '../data/rng';
import type { Batch } from '../data/batches';
import { ParamStore } from './params';
import type { Preset } from './presets';
import type { ModelSpec } from './spec';
import { defineModelParams, modelForward } from './model';
import { Optimizer } from './optimizer';

export class Trainer {
  readonly params: ParamStore;
  readonly graph: Graph;
  readonly optimizer: Optimizer;
  readonly loss: Tensor;
  /** (B·T, vocab) logits of the last forward pass. */
  readonly logits: Tensor;
  readonly stepOps: Op[];
  private inputs: Tensor;
  private targets: Tensor;

  constructor(
    readonly backend: Backend,
    readonly preset: Preset,
    seed: number,
  ) {
    const { spec, train: c } = preset;
    const B = c.batchSize;
    const T = spec.contextLength;
    this.params = new ParamStore(backend, new Rng(seed));
    defineModelParams(this.params, spec);
    const g = (this.graph = new Graph(backend));
    this.params.params.forEach((p) => g.trainable(p.tensor));
    this.inputs = g.tensor([B * T], 'tokens', 'i32');
    this.targets = g.tensor([B * T], 'targets', 'i32');
    this.logits = modelForward(g, this.params, spec, this.inputs, B, T);
    this.loss = op.crossEntropy(g, this.logits, this.targets, B * T, spec.vocab).loss;
    g.backward();
    this.optimizer = new Optimizer(g, this.params, c, this.loss);
    this.stepOps = [...g.forwardOps, ...g.backwardOps, ...this.optimizer.ops];
  }

  get tokensPerStep(): number {
    return this.preset.train.batchSize * this.preset.spec.contextLength;
  }

  feed(b: Batch): void {
    this.backend.write(this.inputs, b.inputs);
    this.backend.write(this.targets, b.targets);
  }

  /** Mean loss of a forward pass over each batch (no update). */
  async evaluate(batches: Batch[]): Promise<number> {
    let sum = 0;
    for (const b of batches) {
      this.feed(b);
      this.backend.run(this.graph.forwardOps);
      sum += ((await this.backend.read(this.loss)) as Float32Array)[0];
    }
    return sum / batches.length;
  }

  /** Frees the graph and optimizer state; the parameters stay (the caller disposes them). */
  dispose(): void {
    this.graph.dispose();
    this.optimizer.dispose();
  }
}

/**
 * A forward-only graph of B sequences of length T sharing trained parameters (T may differ from the
 * training context: every layer's forward takes T as an argument), with the loss of each row. Used
 * for accuracy at other lengths and for perplexity by position and by context.
 */
export class ForwardPass {
  readonly graph: Graph;
  readonly logits: Tensor;
  /** [mean NLL over counted rows, counted rows]. */
  readonly loss: Tensor;
  /** (B·T) NLL of each row, 0 where the target is ignored. */
  readonly rowLoss: Tensor;
  private inputs: Tensor;
  private targets: Tensor;

  constructor(
    readonly backend: Backend,
    params: ParamStore,
    spec: ModelSpec,
    readonly B: number,
    readonly T: number,
  ) {
    const g = (this.graph = new Graph(backend));
    this.inputs = g.tensor([B * T], 'eval tokens', 'i32');
    this.targets = g.tensor([B * T], 'eval targets', 'i32');
    this.logits = modelForward(g, params, spec, this.inputs, B, T);
    const ce = op.crossEntropy(g, this.logits, this.targets, B * T, spec.vocab);
    this.loss = ce.loss;
    this.rowLoss = ce.rowLoss;
  }

  /** Runs the forward pass on one batch of B·T inputs and targets (results stay on the backend). */
  run(b: Batch): void {
    const n = this.B * this.T;
    if (b.inputs.length !== n || b.targets.length !== n)
      throw new Error(`ForwardPass: batch of ${b.inputs.length} tokens, graph expects B·T = ${n}.`);
    this.backend.write(this.inputs, b.inputs);
    this.backend.write(this.targets, b.targets);
    this.backend.run(this.graph.forwardOps);
  }

  async read(t: Tensor): Promise<Float32Array> {
    return (await this.backend.read(t)) as Float32Array;
  }

  dispose(): void {
    this.graph.dispose();
  }
}
