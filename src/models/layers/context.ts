// What a layer's forward needs: the graph, the parameters, the spec, the batch shape, and the name
// prefix of its parameters (e.g. "model.layers.3.self_attn").
import type { Graph } from '../../autograd/graph';
import * as op from '../../autograd/ops';
import type { Tensor } from '../../kernels/tensor';
import type { ParamStore } from '../params';
import type { ModelSpec } from '../spec';

export interface LayerContext {
  g: Graph;
  p: ParamStore;
  spec: ModelSpec;
  B: number;
  T: number;
  prefix: string;
  /**
   * Tensors one layer leaves for later layers of the same forward (or decode graph), shared by every
   * block of it: RWKV-7's first layer puts its v here for the value residual of the others. `block`
   * creates it on first use.
   */
  values?: Map<string, Tensor>;
}

/** The parameter `${prefix}.${name}`. */
export function param(c: LayerContext, name: string): Tensor {
  return c.p.get(`${c.prefix}.${name}`);
}

/** y = x · Wᵀ for the weight `${prefix}.${name}.weight` of shape (out, in). */
export function project(c: LayerContext, x: Tensor, name: string): Tensor {
  const W = param(c, `${name}.weight`);
  const [outF, inF] = W.shape;
  return op.linear(c.g, x, W, c.B * c.T, inF, outF);
}

/** The spec's norm (RMSNorm or LayerNorm) with parameters `${name}.weight` (and `.bias`). */
export function norm(c: Omit<LayerContext, 'prefix'>, name: string, x: Tensor): Tensor {
  const { g, p, spec } = c;
  const R = c.B * c.T;
  const w = p.get(`${name}.weight`);
  return spec.norm === 'layernorm'
    ? op.layernorm(g, x, w, p.get(`${name}.bias`), R, spec.width, spec.normEps)
    : op.rmsnorm(g, x, w, R, spec.width, spec.normEps);
}

/**
 * What a mixer's decode step needs: a LayerContext with T = 1 (B sequences decoded side by side), the
 * position of the token being decoded, the capacity, and the layer's persistent state tensors.
 */
export interface DecodeContext extends LayerContext {
  /** 0-based position of the token being decoded: an i32 tensor of one element, written before each step. */
  pos: Tensor;
  /** The most tokens a sequence will hold (KV-cache and history length). */
  capacity: number;
  /**
   * A graph the decoder runs once per reset, before the first step: work that depends only on the
   * parameters (Hyena's implicit filter), so that steps do not repeat it.
   */
  setup: Graph;
  /**
   * The layer's state tensor `name` (KV cache, SSM state, conv state, history …): allocated once,
   * zeroed by the decoder's reset, kept between steps; its bytes are the layer's decode state.
   */
  state(name: string, shape: number[]): Tensor;
}
