// Attention backward (flash style, P recomputed from the saved logsumexp): D = rowsum(dO ⊙ O) into
// scratch, then one kernel for dK and dV (summing the query heads of each GQA group) and one for dQ,
// tiled or rows variant as chosen for the forward (see attention.ts). Three dispatches, no atomics:
// every gradient element is written by exactly one invocation.
import type { Gpu } from '../gpu/device';
import type { GpuStep, KernelDef } from './backend';
import { grid, prepareDispatch, sequence } from './dispatch';
import type { Tensor } from './tensor';
import {
  ATTENTION_TILE,
  attentionVariant,
  checkAttention,
  firstKey,
  score,
  type RefArray,
  type AttentionSizes,
} from './attention';
import { ATTENTION_ROWS_WG, rowsKernel } from './attention-rows';
import common from './attention-common.wgsl?raw';
import backwardCommon from './attention-backward-common.wgsl?raw';
import dotCode from './attention-backward-dot.wgsl?raw';
import dkvCode from './attention-backward-dkv.wgsl?raw';
import dqCode from './attention-backward-dq.wgsl?raw';
import rowsCommon from './attention-rows-common.wgsl?raw';
import rowsBackwardCommon from './attention-backward-rows-common.wgsl?raw';
import rowsDkvCode from './attention-backward-rows-dkv.wgsl?raw';
import rowsDqCode from './attention-backward-rows-dq.wgsl?raw';

/** What the backward kernels of each variant share, prepended to their own code. */
const tiledShared = common + backwardCommon;
const rowsShared = rowsCommon + rowsBackwardCommon;

export interface AttentionBackwardArgs extends AttentionSizes {
  dq: Tensor; // (B, T, H, Dh)
  dk: Tensor; // (B, T, Hkv, Dh)
  dv: Tensor; // (B, T, Hkv, Dh)
  q: Tensor; // (B, T, H, Dh)
  k: Tensor; // (B, T, Hkv, Dh)
  v: Tensor; // (B, T, Hkv, Dh)
  o: Tensor; // (B, T, H, Dh), the forward output
  lse: Tensor; // (B, H, T), the forward logsumexp
  dO: Tensor; // (B, T, H, Dh)
  /** Add into dq, dk, dv instead of overwriting them. */
  accumulate?: boolean;
}

/**
 * Plain-loop reference. Per (b, h, t) and visible key j: P = exp(scale·q·k − lse), dP = dO·v,
 * dS = P(dP − D_t); dq += scale·dS·k, dk += scale·dS·q, dv += P·dO.
 */
export function attentionBackwardRef(
  dq: RefArray,
  dk: RefArray,
  dv: RefArray,
  q: RefArray,
  k: RefArray,
  v: RefArray,
  o: RefArray,
  lse: RefArray,
  dO: RefArray,
  s: AttentionSizes,
  accumulate = false,
): void {
  const { B, T, H, Hkv, Dh, window, scale } = s;
  if (!accumulate) {
    dq.fill(0, 0, B * T * H * Dh);
    dk.fill(0, 0, B * T * Hkv * Dh);
    dv.fill(0, 0, B * T * Hkv * Dh);
  }
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const g = Math.floor(h / (H / Hkv));
      for (let t = 0; t < T; t++) {
        const qi = ((b * T + t) * H + h) * Dh;
        const Dt = score(dO, o, qi, qi, Dh);
        const rowLse = lse[(b * H + h) * T + t];
        for (let j = firstKey(t, window); j <= t; j++) {
          const ki = ((b * T + j) * Hkv + g) * Dh;
          const p = Math.exp(score(q, k, qi, ki, Dh) * scale - rowLse);
          const ds = p * (score(dO, v, qi, ki, Dh) - Dt);
          for (let d = 0; d < Dh; d++) {
            dq[qi + d] += scale * ds * k[ki + d];
            dk[ki + d] += scale * ds * q[qi + d];
            dv[ki + d] += p * dO[qi + d];
          }
        }
      }
    }
  }
}

function check(a: AttentionBackwardArgs): void {
  const { B, T, H, Hkv, Dh } = a;
  const nq = B * T * H * Dh;
  const nk = B * T * Hkv * Dh;
  checkAttention('attentionBackward', a, [
    [a.dq, nq],
    [a.dk, nk],
    [a.dv, nk],
    [a.q, nq],
    [a.k, nk],
    [a.v, nk],
    [a.o, nq],
    [a.lse, B * H * T],
    [a.dO, nq],
  ]);
}

/** The dK/dV and dQ dispatches of the chosen variant, reading D from scratch. */
function gradientSteps(gpu: Gpu, a: AttentionBackwardArgs, D: GPUBuffer): GpuStep[] {
  const { B, T, H, Hkv, Dh, window, scale } = a;
  const acc = a.accumulate ? 1 : 0;
  const dkvBuffers = [a.dk, a.dv, a.q, a.k, a.v, a.dO, a.lse, D];
  const dqBuffers = [a.dq, a.q, a.k, a.v, a.dO, a.lse, D];
  if (attentionVariant(gpu, a) === 'rows') {
    return [
      prepareDispatch(gpu, {
        kernel: rowsKernel('attentionBackwardRowsDkv', rowsShared + rowsDkvCode, Dh),
        buffers: dkvBuffers,
        u32: [B * Hkv * T, T, H, Hkv, Dh, window, acc],
        f32: [scale],
        workgroups: grid(B * Hkv * T, ATTENTION_ROWS_WG),
      }),
      prepareDispatch(gpu, {
        kernel: rowsKernel('attentionBackwardRowsDq', rowsShared + rowsDqCode, Dh),
        buffers: dqBuffers,
        u32: [B * H * T, T, H, Hkv, Dh, window, acc],
        f32: [scale],
        workgroups: grid(B * H * T, ATTENTION_ROWS_WG),
      }),
    ];
  }
  const tiles = Math.ceil(T / ATTENTION_TILE);
  const u32 = [T, H, Hkv, Dh, window, acc];
  return [
    prepareDispatch(gpu, {
      kernel: { name: 'attentionBackwardDkv', code: tiledShared + dkvCode },
      buffers: dkvBuffers,
      u32,
      f32: [scale],
      workgroups: [tiles, Hkv, B],
    }),
    prepareDispatch(gpu, {
      kernel: { name: 'attentionBackwardDq', code: tiledShared + dqCode },
      buffers: dqBuffers,
      u32,
      f32: [scale],
      workgroups: [tiles, H, B],
    }),
  ];
}

export const attentionBackward: KernelDef<AttentionBackwardArgs> = {
  name: 'attentionBackward',
  cpu(a) {
    check(a);
    return () =>
      attentionBackwardRef(
        a.dq.f32,
        a.dk.f32,
        a.dv.f32,
        a.q.f32,
        a.k.f32,
        a.v.f32,
        a.o.f32,
        a.lse.f32,
        a.dO.f32,
        a,
        a.accumulate,
      );
  },
  gpu(gpu, a) {
    check(a);
    const { B, T, H, Dh } = a;
    const D = gpu.pool.acquire(B * H * T * 4, 'attention D');
    const dot = prepareDispatch(gpu, {
      kernel: { name: 'attentionBackwardDot', code: dotCode },
      buffers: [D, a.dO, a.o],
      u32: [B * T * H, T, H, Dh],
      workgroups: grid(B * T * H, 64),
    });
    return { ...sequence([dot, ...gradientSteps(gpu, a, D)]), release: () => gpu.pool.release(D) };
  },
};
