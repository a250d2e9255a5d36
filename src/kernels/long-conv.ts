// Causal long convolution (Hyena's `h ∗ u`), per batch and channel with a filter shared over the batch:
//   y[b, t, c] = Σ_{τ ≤ t} h[τ, c] · u[b, t − τ, c]       u, y (B, T, C); h (T, C)
// and its backward (LAYERS.md, Hyena):
//   du[b, s, c] = Σ_{t ≥ s} h[t − s, c] · dy[b, t, c]      dh[τ, c] = Σ_b Σ_{t ≥ τ} dy[b, t, c] · u[b, t − τ, c]
// The CPU reference is the direct O(T²) sum. On the GPU, short sequences use the direct sums (one
// invocation per output) and longer ones FFTs zero-padded to ≥ 2T (long-conv-fft.ts): y = IFFT(U·H),
// du = IFFT(DY·conj H), dh = IFFT(Σ_b conj(U_b)·DY_b), the batch summed in frequency space in order.
import type { Gpu } from '../gpu/device';
import type { GpuStep, KernelDef } from './backend';
import { grid, prepareDispatch, withScratch } from './dispatch';
import { checkSizes, type Floats } from './elementwise';
import type { Tensor } from './tensor';
import { applyFilter, crossSum, FftScratch, fftPlan, forwardFft, inverseFft } from './long-conv-fft';
import common from './long-conv-common.wgsl?raw';
import directCode from './long-conv-direct.wgsl?raw';

/**
 * Above this T the GPU uses FFTs. Measured forward + backward on SwiftShader (B = 4, C = 64): direct
 * 26 / 808 / 8909 ms and FFT 564 / 1835 / 10832 ms at T = 32 / 128 / 512 — direct grows as T², the
 * FFT as T log T, so they cross just above 512. Not yet measured on a hardware GPU.
 */
export const DIRECT_MAX_T = 512;

export type LongConvMethod = 'auto' | 'direct' | 'fft';

export interface LongConvSizes {
  B: number;
  T: number;
  C: number;
  /** GPU algorithm: 'auto' (default) picks direct for T ≤ DIRECT_MAX_T, else FFT. */
  method?: LongConvMethod;
  /** Longest FFT kept in workgroup memory (tests lower it to exercise the multi-pass path). */
  maxSharedN?: number;
}

export interface LongConvArgs extends LongConvSizes {
  y: Tensor; // (B, T, C)
  h: Tensor; // (T, C)
  u: Tensor; // (B, T, C)
}

/** Either gradient may be absent; each has its own accumulate flag. */
export interface LongConvBackwardArgs extends LongConvSizes {
  du?: Tensor; // (B, T, C)
  dh?: Tensor; // (T, C)
  h: Tensor;
  u: Tensor;
  dy: Tensor; // (B, T, C)
  accumulateInput?: boolean;
  accumulateFilter?: boolean;
}

// ---- CPU references (plain loops, f64 sums)

type Vals = ArrayLike<number>;

export function longConvRef(y: Floats, h: Vals, u: Vals, s: LongConvSizes): void {
  const { B, T, C } = s;
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++)
      for (let c = 0; c < C; c++) {
        let acc = 0;
        for (let tau = 0; tau <= t; tau++) acc += h[tau * C + c] * u[(b * T + t - tau) * C + c];
        y[(b * T + t) * C + c] = acc;
      }
}

export function longConvBackwardRef(
  du: Floats | undefined,
  dh: Floats | undefined,
  h: Vals,
  u: Vals,
  dy: Vals,
  s: LongConvSizes & { accumulateInput?: boolean; accumulateFilter?: boolean },
): void {
  const { B, T, C } = s;
  if (du) {
    for (let b = 0; b < B; b++)
      for (let t0 = 0; t0 < T; t0++)
        for (let c = 0; c < C; c++) {
          let acc = 0;
          for (let t = t0; t < T; t++) acc += h[(t - t0) * C + c] * dy[(b * T + t) * C + c];
          const i = (b * T + t0) * C + c;
          du[i] = s.accumulateInput ? du[i] + acc : acc;
        }
  }
  if (dh) {
    for (let tau = 0; tau < T; tau++)
      for (let c = 0; c < C; c++) {
        let acc = 0;
        for (let b = 0; b < B; b++)
          for (let t = tau; t < T; t++) acc += dy[(b * T + t) * C + c] * u[(b * T + t - tau) * C + c];
        const i = tau * C + c;
        dh[i] = s.accumulateFilter ? dh[i] + acc : acc;
      }
  }
}

// ---- GPU dispatch

function check(
  name: string,
  s: LongConvSizes,
  acts: (Tensor | undefined)[],
  filters: (Tensor | undefined)[],
) {
  for (const [k, v] of Object.entries({ B: s.B, T: s.T, C: s.C }))
    if (!(Number.isInteger(v) && v >= 1)) throw new Error(`${name}: ${k}=${v} must be a whole number ≥ 1.`);
  checkSizes(
    name,
    s.B * s.T * s.C,
    acts.filter((t) => t !== undefined),
  );
  checkSizes(
    name,
    s.T * s.C,
    filters.filter((t) => t !== undefined),
  );
}

function viaFft(s: LongConvSizes): boolean {
  const method = s.method ?? 'auto';
  return method === 'fft' || (method === 'auto' && s.T > DIRECT_MAX_T);
}

function direct(gpu: Gpu, entry: string, s: LongConvSizes, bufs: Tensor[], n: number, accumulate = false) {
  return prepareDispatch(gpu, {
    kernel: { name: `longConv.${entry}`, code: common + directCode, entry },
    buffers: bufs,
    u32: [s.T, s.C, 0, 0, accumulate ? 1 : 0, 0, s.B, 0],
    f32: [1],
    workgroups: grid(n, 256),
  });
}

function prepareForward(gpu: Gpu, a: LongConvArgs): GpuStep {
  const { B, T, C } = a;
  if (!viaFft(a)) return direct(gpu, 'forward', a, [a.y, a.h, a.u], B * T * C);
  const f = new FftScratch(gpu, fftPlan(T, C, a.maxSharedN));
  const [H, U] = [f.spectrum(C, 'filter spectrum'), f.spectrum(B * C, 'input spectrum')];
  const temp = f.plan.shared ? undefined : f.spectrum(B * C, 'fft temp');
  const steps = [
    ...forwardFft(f, H, a.h, C, temp),
    ...forwardFft(f, U, a.u, B * C, temp),
    applyFilter(f, U, H, B * C, false),
    ...inverseFft(f, a.y, U, B * C, false, temp),
  ];
  return withScratch(gpu, steps, f.held);
}

function prepareBackward(gpu: Gpu, a: LongConvBackwardArgs): GpuStep {
  const { B, T, C } = a;
  if (!viaFft(a)) {
    const steps: GpuStep[] = [];
    if (a.du) steps.push(direct(gpu, 'backwardInput', a, [a.du, a.h, a.dy], B * T * C, a.accumulateInput));
    if (a.dh) steps.push(direct(gpu, 'backwardFilter', a, [a.dh, a.u, a.dy], T * C, a.accumulateFilter));
    return withScratch(gpu, steps, []);
  }
  const f = new FftScratch(gpu, fftPlan(T, C, a.maxSharedN));
  const DY = f.spectrum(B * C, 'output-gradient spectrum');
  const temp = f.plan.shared ? undefined : f.spectrum(B * C, 'fft temp');
  const steps = forwardFft(f, DY, a.dy, B * C, temp);
  if (a.dh) {
    // Before du: the du path multiplies DY in place.
    const [U, G] = [f.spectrum(B * C, 'input spectrum'), f.spectrum(C, 'filter-gradient spectrum')];
    steps.push(
      ...forwardFft(f, U, a.u, B * C, temp),
      crossSum(f, G, U, DY, B),
      ...inverseFft(f, a.dh, G, C, a.accumulateFilter ?? false, temp),
    );
  }
  if (a.du) {
    const H = f.spectrum(C, 'filter spectrum');
    steps.push(
      ...forwardFft(f, H, a.h, C, temp),
      applyFilter(f, DY, H, B * C, true),
      ...inverseFft(f, a.du, DY, B * C, a.accumulateInput ?? false, temp),
    );
  }
  return withScratch(gpu, steps, f.held);
}

export const longConv: KernelDef<LongConvArgs> = {
  name: 'longConv',
  cpu(a) {
    check('longConv', a, [a.y, a.u], [a.h]);
    return () => longConvRef(a.y.f32, a.h.f32, a.u.f32, a);
  },
  gpu(gpu, a) {
    check('longConv', a, [a.y, a.u], [a.h]);
    return prepareForward(gpu, a);
  },
};

export const longConvBackward: KernelDef<LongConvBackwardArgs> = {
  name: 'longConvBackward',
  cpu(a) {
    check('longConvBackward', a, [a.du, a.u, a.dy], [a.dh, a.h]);
    return () => longConvBackwardRef(a.du?.f32, a.dh?.f32, a.h.f32, a.u.f32, a.dy.f32, a);
  },
  gpu(gpu, a) {
    check('longConvBackward', a, [a.du, a.u, a.dy], [a.dh, a.h]);
    return prepareBackward(gpu, a);
  },
};
