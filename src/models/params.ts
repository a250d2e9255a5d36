// The model's parameters: named tensors (LAYERS.md names), their initialisation from a seeded PRNG,
// and import/export for checkpoints. Optimizer state lives beside each parameter.
import type { Backend } from '../kernels/backend';
import type { Tensor } from '../kernels/tensor';
import { Rng } from '../data/rng';
import type { NamedTensor } from './safetensors';

export type Init =
  | { kind: 'normal'; std: number }
  | { kind: 'const'; value: number }
  | { kind: 'custom'; values: Float32Array };

export interface Param {
  name: string;
  tensor: Tensor;
  /** Whether AdamW's decoupled weight decay applies (not to norms and biases). */
  decay: boolean;
}

export class ParamStore {
  readonly params: Param[] = [];
  private byName = new Map<string, Param>();

  constructor(
    readonly backend: Backend,
    private rng: Rng,
  ) {}

  add(name: string, shape: number[], init: Init, decay = true): Tensor {
    if (this.byName.has(name)) throw new Error(`Parameter "${name}" is defined twice.`);
    const tensor = this.backend.alloc(shape, name);
    const values = new Float32Array(tensor.size);
    if (init.kind === 'normal') this.rng.fillNormal(values, init.std);
    else if (init.kind === 'const') values.fill(init.value);
    else values.set(init.values);
    this.backend.write(tensor, values);
    const p = { name, tensor, decay };
    this.params.push(p);
    this.byName.set(name, p);
    return tensor;
  }

  get(name: string): Tensor {
    const p = this.byName.get(name);
    if (!p) throw new Error(`No parameter named "${name}".`);
    return p.tensor;
  }

  get count(): number {
    return this.params.reduce((n, p) => n + p.tensor.size, 0);
  }

  async export(): Promise<NamedTensor[]> {
    const out: NamedTensor[] = [];
    for (const p of this.params) {
      out.push({ name: p.name, shape: [...p.tensor.shape], data: await this.backend.read(p.tensor) });
    }
    return out;
  }

  /** Loads every parameter from named tensors; names and shapes must match exactly. */
  load(tensors: Map<string, NamedTensor>): void {
    for (const p of this.params) {
      const t = tensors.get(p.name);
      if (!t) throw new Error(`The checkpoint has no tensor "${p.name}".`);
      if (t.shape.join('×') !== p.tensor.shape.join('×')) {
        throw new Error(`"${p.name}": checkpoint shape [${t.shape}] ≠ model shape [${p.tensor.shape}].`);
      }
      this.backend.write(p.tensor, t.data);
    }
  }

  dispose(): void {
    for (const p of this.params) this.backend.free(p.tensor);
    this.params.length = 0;
    this.byName.clear();
  }
}
