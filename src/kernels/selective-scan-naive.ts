// Naive selective scan (the benchmark's baseline): the full state tensor in global memory, forward only.
import type { KernelDef } from './backend';
import { grid, prepareDispatch, withScratch, type DispatchSpec } from './dispatch';
import { scanArrays, selectiveScanRef, type SelectiveScanArgs } from './selective-scan';
import { checkScan } from './selective-scan-plan';
import type { Tensor } from './tensor';
import code from './selective-scan-naive.wgsl?raw';

export type SelectiveScanNaiveArgs = Omit<SelectiveScanArgs, 'chunkStates' | 'state' | 'chunk'>;

const WG = 64;

function check(a: SelectiveScanNaiveArgs): void {
  const { B, T, dInner: D, N } = a;
  checkScan('selectiveScanNaive', a, () => [
    ...[a.y, a.x, a.delta].map((t): [Tensor, number] => [t, B * T * D]),
    [a.A, D * N],
    [a.Bm, B * T * N],
    [a.C, B * T * N],
    [a.Dskip, D],
  ]);
}

export const selectiveScanNaive: KernelDef<SelectiveScanNaiveArgs> = {
  name: 'selectiveScanNaive',
  cpu(a) {
    check(a);
    return () => selectiveScanRef(scanArrays(a), a);
  },
  gpu(gpu, a) {
    check(a);
    const { B, T, dInner: D, N } = a;
    const H = gpu.pool.acquire(B * T * D * N * 4, 'selectiveScanNaive states');
    const u32 = [B, T, D, N];
    const pass = (entry: string, buffers: DispatchSpec['buffers'], n: number) =>
      prepareDispatch(gpu, {
        kernel: { name: `selectiveScanNaive.${entry}`, code, entry },
        buffers,
        u32,
        workgroups: grid(n, WG),
      });
    return withScratch(
      gpu,
      [
        pass('writeStates', [H, a.x, a.delta, a.A, a.Bm], B * D * N),
        pass('readStates', [a.y, a.x, H, a.C, a.Dskip], B * T * D),
      ],
      [H],
    );
  },
};
