// The optimizer stage of a training step, after the backward ops: global gradient norm (fused with
// the NaN/Inf guard and running loss statistics), then AdamW with clipping on every parameter.
// The loop reads the 4-float statistics buffer every N steps, then zeroes it.
import type { Graph } from '../autograd/graph';
import type { Op } from '../kernels/backend';
import type { Tensor } from '../kernels/tensor';
import { adamw, adamwLive, setAdamwStep } from '../kernels/adamw';
import { gradNorm, gradNormScratchSize, STATS } from '../kernels/reduce';
import { fill } from '../kernels/elementwise';
import type { ParamStore } from './params';
import type { TrainConfig } from './overrides';

export interface StepStatus {
  /** False when some step since the last read had a non-finite gradient (its update was skipped). */
  finite: boolean;
  meanLoss: number;
  meanGradNorm: number;
}

export class Optimizer {
  readonly ops: Op[];
  private live = adamwLive();
  private stats: Tensor;
  private zeroStats: Op;
  private state: Tensor[] = [];

  constructor(
    private g: Graph,
    params: ParamStore,
    private c: TrainConfig,
    loss: Tensor,
  ) {
    const b = g.backend;
    const grads = params.params.map((p) => {
      const grad = g.grad(p.tensor);
      if (!grad) throw new Error(`Parameter "${p.name}" gets no gradient: it is not used by the model.`);
      return grad;
    });
    const norm = this.own(b.alloc([1], 'grad norm'));
    this.stats = this.own(b.alloc([4], 'train stats'));
    const scratch = this.own(b.alloc([gradNormScratchSize(grads)], 'grad norm partials'));
    this.zeroStats = b.op(fill, { out: this.stats, value: 0 });
    b.run([this.zeroStats]);
    this.ops = [b.op(gradNorm, { norm, stats: this.stats, scratch, grads, loss })];
    params.params.forEach((p, i) => {
      const m = this.own(b.alloc(p.tensor.shape, `${p.name}.adam_m`));
      const v = this.own(b.alloc(p.tensor.shape, `${p.name}.adam_v`));
      b.write(m, new Float32Array(m.size));
      b.write(v, new Float32Array(v.size));
      this.ops.push(
        b.op(adamw, {
          param: p.tensor,
          grad: grads[i],
          m,
          v,
          norm,
          live: this.live,
          beta1: c.beta1,
          beta2: c.beta2,
          eps: 1e-8,
          weightDecay: p.decay ? c.weightDecay : 0,
          maxNorm: c.clip,
        }),
      );
    });
  }

  private own(t: Tensor): Tensor {
    this.state.push(t);
    return t;
  }

  /** Sets the learning rate and bias corrections of step `step` (0-based). */
  prepare(step: number, lr: number): void {
    setAdamwStep(this.live, lr, step + 1, this.c.beta1, this.c.beta2);
  }

  /** Reads and resets the running statistics (one small readback). */
  async readStatus(): Promise<StepStatus> {
    const b = this.g.backend;
    const s = (await b.read(this.stats)) as Float32Array;
    b.run([this.zeroStats]);
    const steps = Math.max(1, s[STATS.steps]);
    return {
      finite: s[STATS.nonFinite] === 0,
      meanLoss: s[STATS.lossSum] / steps,
      meanGradNorm: s[STATS.normSum] / Math.max(1, steps - s[STATS.nonFinite]),
    };
  }

  dispose(): void {
    const b = this.g.backend;
    b.release([this.zeroStats, ...this.ops]);
    for (const t of this.state) b.free(t);
    this.state = [];
  }
}
