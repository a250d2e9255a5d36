// Channel sublayers (LAYERS.md): SwiGLU down(silu(gate(x)) ⊙ up(x)) and the GPT-2 MLP down(gelu(up(x))).
import * as op from '../../autograd/ops';
import type { Tensor } from '../../kernels/tensor';
import { project, type LayerContext } from './context';

export function swigluChannel(c: LayerContext, x: Tensor): Tensor {
  const gate = project(c, x, 'gate_proj'); // (R, F)
  const up = project(c, x, 'up_proj'); // (R, F)
  return project(c, op.swiglu(c.g, gate, up), 'down_proj');
}

export function mlpChannel(c: LayerContext, x: Tensor): Tensor {
  return project(c, op.gelu(c.g, project(c, x, 'up_proj')), 'down_proj');
}
