// The split plan of one decode step of attention (flash-decoding) for hardware adapters: the visible
// positions are cut into blocks of ATTENTION_DECODE_BLOCK, one workgroup per (block, head, sequence)
// writes the block's partial softmax (max, sum, unnormalised o), and a second dispatch merges the
// partials of each (sequence, head). The position is only known on the GPU, so the grid is sized for
// the most positions a step can see (min(S, window)); blocks past the visible positions write empty
// partials. The single plan keeps one workgroup per (sequence, head).
import type { Gpu } from '../gpu/device';
import type { GpuStep } from './backend';
import { prepareDispatch, withScratch } from './dispatch';
import type { AttentionDecodeArgs, AttentionDecodeSizes } from './attention-decode';
import rope from './rope-common.wgsl?raw';
import common from './attention-decode-common.wgsl?raw';
import splitBody from './attention-decode-split.wgsl?raw';
import mergeCode from './attention-decode-merge.wgsl?raw';

/** Visible positions per workgroup of the split plan's first pass. */
export const ATTENTION_DECODE_BLOCK = 256;

/** Blocks of the split plan: enough for the most positions a step can see, min(S, window). */
export function decodeSplits(s: Pick<AttentionDecodeSizes, 'S' | 'window'>): number {
  const most = s.window > 0 ? Math.min(s.S, s.window) : s.S;
  return Math.ceil(most / ATTENTION_DECODE_BLOCK);
}

/** The uniform fields both plans' first kernels read (Params of attention-decode-common.wgsl). */
export interface DecodeParams {
  u32: number[];
  f32: number[];
}

/** The two dispatches of the split plan; the partials come from the pool and go back on release. */
export function splitDecode(gpu: Gpu, a: AttentionDecodeArgs, params: DecodeParams): GpuStep {
  const splits = decodeSplits(a);
  const partials = gpu.pool.acquire(a.B * a.H * splits * (2 + a.Dh) * 4, 'attentionDecode partials');
  const blocks = prepareDispatch(gpu, {
    kernel: {
      name: 'attentionDecode split',
      code: rope + common + splitBody,
      constants: { BLOCK: ATTENTION_DECODE_BLOCK },
    },
    buffers: [partials, a.kCache, a.vCache, a.q, a.k, a.v, a.pos],
    ...params,
    workgroups: [splits, a.H, a.B],
  });
  const merge = prepareDispatch(gpu, {
    kernel: { name: 'attentionDecode merge', code: mergeCode },
    buffers: [a.o, partials],
    u32: [a.H, a.Dh, splits, 0],
    workgroups: [a.H, a.B],
  });
  return withScratch(gpu, [blocks, merge], [partials]);
}
