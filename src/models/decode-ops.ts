// Forward-only graph ops of the decode step (no gradients: decode never trains). Each records one
// kernel that reads or updates a layer's persistent state; shapes are one token per sequence.
import type { Graph } from '../autograd/graph';
import { attentionDecode } from '../kernels/attention-decode';
import { conv1dStep as conv1dStepKernel } from '../kernels/conv1d-step';
import type { Tensor } from '../kernels/tensor';

/**
 * One token of the causal depthwise conv1d: x (B, C) → (B, C), shifting x into `state` (B, C, K − 1).
 * Equals ops-mixer's conv1d at the token's position when the state holds the K − 1 previous inputs.
 */
export function conv1dStep(
  g: Graph,
  x: Tensor,
  state: Tensor,
  weight: Tensor,
  bias: Tensor | undefined,
  B: number,
  C: number,
  K: number,
): Tensor {
  const y = g.tensor([B, C], `conv1dStep(${x.label})`);
  g.forward(conv1dStepKernel, { out: y, state, x, weight, bias, B, C, K });
  return y;
}

export interface KvCache {
  k: Tensor; // (B, S, Hkv, Dh)
  v: Tensor; // (B, S, Hkv, Dh)
  /** Slots per sequence: position j lives in slot j mod S. */
  S: number;
}

/**
 * Turns q (B, H·Dh) and k (B, Hkv·Dh) by RoPE at `pos` (when `ropeBase` is set), appends k, v to the
 * cache and attends q to the cached positions visible from pos (causal, GQA, sliding window): o
 * (B, H·Dh). One kernel: decode of small models is bound by the number of dispatches.
 */
export function cachedAttention(
  g: Graph,
  q: Tensor,
  k: Tensor,
  v: Tensor,
  cache: KvCache,
  pos: Tensor,
  s: { B: number; H: number; Hkv: number; Dh: number; window: number; ropeBase?: number },
): Tensor {
  const { B, H, Dh } = s;
  const o = g.tensor([B, H * Dh], `attentionDecode(${q.label})`);
  const scale = 1 / Math.sqrt(Dh);
  g.forward(attentionDecode, { o, q, k, v, kCache: cache.k, vCache: cache.v, pos, ...s, S: cache.S, scale });
  return o;
}
