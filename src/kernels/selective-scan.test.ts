// Selective scan forward, naive baseline and decode step against the CPU reference, on both plans.
import { describe, expect, it } from 'vitest';
import { Rng } from '../data/rng';
import type { Gpu } from '../gpu/device';
import type { Backend } from './backend';
import {
  prepareSelectiveScan,
  selectiveScan,
  selectiveScanStateBytes,
  selectiveScanStep,
  type SelectiveScanArgs,
} from './selective-scan';
import { checkBindings, scanChunking, scanPlan, type ScanSizes } from './selective-scan-plan';
import { initialState, SCAN_TARGETS, scanCase, scanInputs, type ScanCase } from './selective-scan-cases';
import { selectiveScanNaive, type SelectiveScanNaiveArgs } from './selective-scan-naive';
import type { Tensor } from './tensor';
import { backends, compareBackends, expectClose, randn, toF32, type Case } from './testing';

const CASES = 36;

function label(s: ScanCase): string {
  return JSON.stringify(s);
}

/** The forward's arguments from a case's tensors (chunkStates and state when the case has them). */
function forwardArgs(s: ScanSizes, t: Record<string, Tensor>): SelectiveScanArgs {
  const { y, x, delta, A, Bm, C, Dskip, chunkStates, state } = t;
  return { ...s, y, x, delta, A, Bm, C, Dskip, chunkStates, state };
}

describe('selectiveScan', () => {
  const rng = new Rng(31);

  it.each(SCAN_TARGETS)('fused forward, %s, matches the CPU reference on random cases', async (_, target) => {
    const cases = Array.from({ length: CASES }, (_, c): Case<SelectiveScanArgs> => {
      const s = scanCase(rng, c);
      const { B, T, dInner: D, N } = s;
      const inputs = scanInputs(rng, s);
      const outputs: Record<string, Float32Array> = { y: randn(rng, B * T * D) };
      if (c % 4 !== 3) outputs.chunkStates = randn(rng, B * scanChunking(s).nChunks * D * N);
      if (s.withState) outputs.state = initialState(rng, s);
      return { label: label(s), inputs, outputs, args: (t) => forwardArgs(s, t) };
    });
    // Wider states: N = 64 (16 vec4s of registers); N = 13, a partial last vec4; N = 20, on software
    // adapters 3 channels per invocation. More channels than a workgroup holds with 4 per invocation.
    // Many chunks (the GPU plan's chunk-parallel passes): T a multiple of the chunk or not, chunk 1.
    const extra: ScanCase[] = [
      ...[64, 13, 20].map((N) => ({ B: 2, T: 21, dInner: 19, N, withState: true })),
      { B: 2, T: 9, dInner: 300, N: 4, withState: true },
      ...[64, 13, 20].map((N) => ({ B: 2, T: 45, dInner: 19, N, chunk: 4, withState: true })),
      { B: 3, T: 130, dInner: 70, N: 16, withState: true },
      { B: 1, T: 96, dInner: 131, N: 16, chunk: 8, withState: false },
      { B: 2, T: 7, dInner: 9, N: 4, chunk: 1, withState: true },
    ];
    for (const s of extra) {
      const { B, T, dInner: D, N } = s;
      const inputs = scanInputs(rng, s);
      const outputs = {
        y: randn(rng, B * T * D),
        chunkStates: randn(rng, B * scanChunking(s).nChunks * D * N),
        state: initialState(rng, s),
      };
      cases.push({ label: label(s), inputs, outputs, args: (t) => forwardArgs(s, t) });
    }
    await compareBackends({ ...selectiveScan, gpu: (gpu, a) => prepareSelectiveScan(gpu, a, target) }, cases);
  });

  it('naive baseline matches the CPU reference', async () => {
    const cases = Array.from({ length: 12 }, (_, c): Case<SelectiveScanNaiveArgs> => {
      const s = scanCase(rng, c);
      const inputs = scanInputs(rng, s);
      return {
        label: label(s),
        inputs,
        outputs: { y: randn(rng, s.B * s.T * s.dInner) },
        args: (t) => forwardArgs(s, t),
      };
    });
    await compareBackends(selectiveScanNaive, cases);
  });

  it('decode steps reproduce the parallel forward token by token (GPU and CPU)', async () => {
    const { gpu, cpu } = await backends();
    const shapes: ScanCase[] = [
      { B: 2, T: 13, dInner: 37, N: 16, chunk: 5, withState: true },
      { B: 1, T: 9, dInner: 70, N: 4, withState: false },
      { B: 3, T: 6, dInner: 5, N: 1, chunk: 8, withState: true },
    ];
    for (const backend of [gpu, cpu] as Backend[]) {
      for (const s of shapes) {
        const { B, T, dInner: D, N } = s;
        const data = { ...scanInputs(rng, s), state: initialState(rng, s) };
        if (!s.withState) data.state.fill(0);
        const t = upload(backend, { ...data, y: new Float32Array(B * T * D) });
        const forward = backend.op(selectiveScan, { ...s, ...t });
        backend.run([forward]);
        const parallel = toF32(await backend.read(t.y));
        const final = toF32(await backend.read(t.state));
        // One token at a time through the (B, D) / (B, N) step tensors, the state carried in place.
        backend.write(t.state, data.state);
        const tok = upload(backend, {
          y: new Float32Array(B * D),
          x: new Float32Array(B * D),
          delta: new Float32Array(B * D),
          Bm: new Float32Array(B * N),
          C: new Float32Array(B * N),
        });
        const step = backend.op(selectiveScanStep, {
          ...tok,
          A: t.A,
          Dskip: t.Dskip,
          state: t.state,
          B,
          dInner: D,
          N,
        });
        const sequential = new Float32Array(B * T * D);
        for (let k = 0; k < T; k++) {
          for (const [name, w] of [
            ['x', D],
            ['delta', D],
            ['Bm', N],
            ['C', N],
          ] as const)
            backend.write(tok[name], rows(data[name], B, T, k, w));
          backend.run([step]);
          const yk = toF32(await backend.read(tok.y));
          for (let b = 0; b < B; b++) sequential.set(yk.subarray(b * D, (b + 1) * D), (b * T + k) * D);
        }
        const what = `${backend.kind} ${JSON.stringify(s)}`;
        expectClose(sequential, parallel, { rtol: 1e-5, atol: 1e-6, label: `${what} y` });
        expectClose(toF32(await backend.read(t.state)), final, {
          rtol: 1e-5,
          atol: 1e-6,
          label: `${what} state`,
        });
        expect(selectiveScanStateBytes(D, N, B)).toBe(t.state.bytes);
        backend.release([forward, step]);
        [...Object.values(t), ...Object.values(tok)].forEach((x) => backend.free(x));
      }
    }
    expect(gpu.memory().liveBytes).toBe(0);
  });

  it('plans by adapter and refuses sizes and devices out of range', () => {
    const software = { isSoftware: true };
    const channels = [16, 1, 64, 13, 20].map((N) => scanPlan(N, software, 'forward').channels);
    expect(channels).toEqual([4, 4, 1, 4, 3]);
    // The software backward's channel group leaves ≥ 64 invocations: 16 at the Mamba preset's sizes.
    expect(scanPlan(16, software, 'backward', { B: 16, dInner: 128 })).toEqual({
      channels: 1,
      group: 16,
      workgroup: 16,
      stage: false,
      parallel: false,
    });
    const groups = [
      { B: 1, dInner: 256 },
      { B: 4, dInner: 203 },
      { B: 1, dInner: 8 },
    ].map((s) => scanPlan(16, software, 'backward', s).group);
    expect(groups).toEqual([4, 8, 1]);
    expect(scanPlan(16, { isSoftware: false }, 'forward')).toEqual({
      channels: 1,
      group: 0,
      workgroup: 64,
      stage: true,
      parallel: true,
    });
    expect(scanPlan(16, { isSoftware: false }, 'backward').parallel).toBe(false);
    expect([64, 20].map((N) => scanPlan(N, { isSoftware: false }, 'backward').workgroup)).toEqual([16, 51]);
    expect(() => scanChunking({ T: 10, N: 16, chunk: 65 })).toThrow(
      /chunk=65 must be a whole number in \[1, 64\]/,
    );
    const t = {} as Tensor;
    const args = { y: t, x: t, delta: t, A: t, Bm: t, C: t, Dskip: t, B: 1, T: 4, dInner: 8, N: 65 };
    expect(() => selectiveScan.cpu(args)).toThrow(/N=65 is over the kernels' limit of 64/);
    expect(selectiveScanStateBytes(512, 16)).toBe(32768);
    const small = { device: { limits: { maxStorageBuffersPerShaderStage: 8 } } } as Gpu;
    expect(() => checkBindings(small, 'selectiveScanBackward', 10)).toThrow(
      /binds 10 storage buffers; this device allows 8/,
    );
  });
});

/** Allocates and fills one tensor per array. */
function upload<K extends string>(backend: Backend, data: Record<K, Float32Array>): Record<K, Tensor> {
  const out = {} as Record<K, Tensor>;
  for (const k of Object.keys(data) as K[]) {
    out[k] = backend.alloc([data[k].length], k);
    backend.write(out[k], data[k]);
  }
  return out;
}

/** Rows (b, k, ·) of a (B, T, w) array for every b: the step input of token k. */
function rows(a: Float32Array, B: number, T: number, k: number, w: number): Float32Array {
  const out = new Float32Array(B * w);
  for (let b = 0; b < B; b++) out.set(a.subarray((b * T + k) * w, (b * T + k + 1) * w), b * w);
  return out;
}
