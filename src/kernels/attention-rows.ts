// Pipelines of the rows attention kernels (forward and backward): one per head size, chunk loops unrolled.
import type { KernelSource } from '../gpu/pipeline-cache';

/** Invocations per workgroup of the rows kernels (`WG` in their WGSL). */
export const ATTENTION_ROWS_WG = 64;

const CHUNK_LOOP = 'for (var c = 0u; c < NV; c++) {';
/** Chunk loops unrolled up to Dh = 64: at Dh = 128 SwiftShader takes ~10 s to compile the three
 *  unrolled kernels for ≤ 1.6× at run time. */
const MAX_UNROLL = 16;

/**
 * A rows kernel for head size Dh: override constants NV = ⌈Dh/4⌉ (vec4 chunks per head row) and
 * VEC (rows start on a vec4), every chunk loop `for (var c = 0u; c < NV; c++) {…}` unrolled into NV
 * copies with a constant c. SwiftShader unrolls no loops itself, and keeps a private array indexed
 * by a loop counter in memory, read lane by lane: unrolled, the kernels run 1.3–4× faster.
 */
export function rowsKernel(name: string, code: string, Dh: number): KernelSource {
  const nv = Math.ceil(Dh / 4);
  const constants = { NV: nv, VEC: Dh % 4 === 0 ? 1 : 0 };
  return { name, code: nv <= MAX_UNROLL ? unrollChunks(code, nv) : code, constants };
}

function unrollChunks(code: string, nv: number): string {
  let out = '';
  let at = 0;
  for (let i = code.indexOf(CHUNK_LOOP); i >= 0; i = code.indexOf(CHUNK_LOOP, at)) {
    let end = i + CHUNK_LOOP.length;
    for (let depth = 1; depth > 0; end++) depth += code[end] === '{' ? 1 : code[end] === '}' ? -1 : 0;
    const body = code.slice(i + CHUNK_LOOP.length, end - 1);
    out += code.slice(at, i) + Array.from({ length: nv }, (_, c) => `{ let c = ${c}u;${body}}`).join('\n');
    at = end;
  }
  return out + code.slice(at);
}
