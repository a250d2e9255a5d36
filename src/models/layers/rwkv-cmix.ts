// RWKV channel-mix (LAYERS.md): out = value(relu(key(x + xx ⊙ x_k))²) with xx = x_{t−1} − x_t; its decode
// step keeps the previous token (C floats per sequence); and RWKV-LM's initialisation.
import * as op from '../../autograd/ops';
import { mulCols } from '../../autograd/ops-mixer';
import { reluSquare, tokenShift, tokenShiftStep } from '../../autograd/ops-rwkv';
import type { Tensor } from '../../kernels/tensor';
import type { Init } from '../params';
import type { ParamShape } from '../spec-params';
import { param, project, type DecodeContext, type LayerContext } from './context';
import { uniformVariance } from './gdn';

function cmix(c: LayerContext, x: Tensor, xx: Tensor): Tensor {
  const C = c.spec.width;
  const xk = op.add(c.g, x, mulCols(c.g, xx, param(c, 'x_k'), c.B * c.T, C));
  return project(c, reluSquare(c.g, project(c, xk, 'key')), 'value');
}

export function rwkvCmixChannel(c: LayerContext, x: Tensor): Tensor {
  return cmix(c, x, tokenShift(c.g, x, c.B, c.T, c.spec.width));
}

export function rwkvCmixStep(c: DecodeContext, x: Tensor): Tensor {
  const C = c.spec.width;
  return cmix(c, x, tokenShiftStep(c.g, x, c.state('shift', [c.B, C]), c.B, C));
}

/**
 * RWKV-LM v7: x_k = 1 − (n/C)^1 (its first layer's ramp), key uniform ±0.5/√C. The value projection keeps
 * the model's small normal (RWKV-LM zeroes it) so the sublayer contributes from step one.
 */
export function rwkvCmixInit(s: ParamShape): Init | undefined {
  const name = s.name.split('.ffn.')[1];
  if (name === 'x_k')
    return { kind: 'custom', values: Float32Array.from({ length: s.size }, (_, n) => 1 - n / s.size) };
  if (name === 'key.weight') return uniformVariance(0.5 / Math.sqrt(s.shape[1]));
  return undefined;
}
