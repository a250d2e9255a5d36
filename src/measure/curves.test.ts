// The curves against T on a tiny Transformer: measured peaks against the cost model, monotone rows, fits;
// and the decode state of every preset that decodes, measured against the cost model from T = 64 to 4096.
import { describe, expect, it } from 'vitest';
import { nodeGpu } from '../gpu/node-gpu';
import { GpuBackend } from '../kernels/gpu-backend';
import type { SpecInput } from '../models/spec';
import { SPEC_PRESETS } from '../models/spec-presets';
import { curves, scalingExponent, type CurveLine, type CurveOptions, type CurveRow } from './curves';

const tiny: CurveOptions = {
  preset: 'transformer',
  overrides: { width: 16, layers: 1 },
  vocab: 32,
  contexts: [8, 16, 32],
};

async function collect(backend: GpuBackend, o: CurveOptions): Promise<CurveLine[]> {
  const lines: CurveLine[] = [];
  for await (const line of curves(backend, o)) lines.push(line);
  return lines;
}

describe('curves against T', () => {
  it('measures what the cost model predicts, grows with T, and frees every row', async () => {
    const backend = new GpuBackend(await nodeGpu());
    const live = backend.memory().liveBytes;
    const lines = await collect(backend, tiny);
    expect(lines.map((l) => l.kind)).toEqual(['header', 'row', 'row', 'row', 'summary']);
    const rows = lines.flatMap((l) => (l.kind === 'row' ? [l] : []));
    for (const r of rows) {
      expect(r.fits).toBe(true);
      // The decoder's states are the cost model's decode state; its peak adds parameters and the step graph.
      expect(r.decode?.stateBytes).toBe(r.analytic.decodeStateBytes);
      expect(r.decode!.peakBytes).toBeGreaterThan(r.decode!.stateBytes + 4 * r.analytic.params);
      expect(r.decode!.tokensPerSec).toBeGreaterThan(0);
      // The forward-only graph allocates exactly the cost model's forward tensors.
      expect(r.prefill?.peakBytes).toBe(r.analytic.prefillBytes);
      // Training: measured = analytic + what the cost model leaves out. At T = 8 that is 856 bytes:
      // GPU backward scratch (3 rmsnorm weight-gradient partials 192, attention row sums 128, the
      // embedding gradient's sort buffers 448), the optimizer's grad norm, stats and partials (80
      // after rounding to 16 bytes) and the loss's 8 bytes rounded up to 16.
      const extra = r.training!.peakBytes - r.analytic.training.total;
      expect(extra).toBeGreaterThan(0);
      expect(extra / r.analytic.training.total).toBeLessThan(0.05);
      expect(r.training!.tokensPerSec).toBeGreaterThan(0);
    }
    expect(rows[0].training!.peakBytes - rows[0].analytic.training.total).toBe(856);
    rows.slice(1).forEach((r, k) => {
      const prev = rows[k];
      expect(r.analytic.decodeStateBytes).toBe(2 * prev.analytic.decodeStateBytes);
      expect(r.analytic.training.total).toBeGreaterThan(prev.analytic.training.total);
      expect(r.prefill!.peakBytes).toBeGreaterThan(prev.prefill!.peakBytes);
      expect(r.training!.peakBytes).toBeGreaterThan(prev.training!.peakBytes);
      expect(r.decode!.peakBytes).toBeGreaterThan(prev.decode!.peakBytes);
    });
    const [header, summary] = [lines[0], lines[4]];
    expect(header.kind === 'header' && header.adapter.isSoftware).toBe(true);
    expect(summary.kind === 'summary' && summary.exponents.decode).not.toBeNull();
    // The FLOP slopes are those of each run's analytic FLOPs: above 1 for prefill and training
    // (attention's T² term), above 0 for a decode step (it reads a cache of T positions).
    const Ts = rows.map((r) => r.T);
    const slope = (f: (r: CurveRow) => number) => scalingExponent(Ts, rows.map(f));
    const flop = summary.kind === 'summary' ? summary.flopExponents : undefined;
    expect(flop).toEqual({
      prefill: slope((r) => r.T * r.analytic.prefillFlopsPerToken),
      decode: slope((r) => r.analytic.decodeFlopsPerToken),
      training: slope((r) => r.T * r.analytic.trainFlopsPerToken),
    });
    expect(flop!.prefill).toBeGreaterThan(1);
    expect(flop!.training).toBeGreaterThan(1);
    expect(flop!.decode).toBeGreaterThan(0);
    expect(backend.memory().liveBytes).toBe(live);
  });

  it('reports a T that does not fit as a row and goes on', async () => {
    const backend = new GpuBackend(await nodeGpu());
    const live = backend.memory().liveBytes;
    // The largest buffer at T = 8 is a 16 × 48 SwiGLU weight (3072 bytes); at T = 32 the SwiGLU
    // activation (32 × 48 floats, 6144 bytes) is over a 4000-byte limit.
    const lines = await collect(backend, { ...tiny, contexts: [32, 8], limitBytes: 4000 });
    const rows = lines.flatMap((l) => (l.kind === 'row' ? [l] : []));
    expect(rows[0]).toMatchObject({ T: 32, fits: false });
    expect(rows[0].reason).toBe('does not fit: needs 6144 bytes, limit 4000');
    expect(rows[0].prefill).toBeUndefined();
    expect(rows[1]).toMatchObject({ T: 8, fits: true });
    expect(backend.memory().liveBytes).toBe(live);
    const summary = lines.at(-1);
    expect(summary?.kind === 'summary' && summary.exponents).toEqual({
      prefill: null,
      decode: null,
      training: null,
    });
  });
});

describe('decode state against T', () => {
  const Ts = [64, 512, 4096];
  const rowsOf = async (backend: GpuBackend, preset: string, edited?: SpecInput) => {
    const o: CurveOptions = { preset, contexts: Ts, measure: ['decode'], overrides: { width: 32 }, edited };
    const lines = await collect(backend, o);
    return lines.flatMap((l) => (l.kind === 'row' ? [l] : []));
  };
  /** Relative change of x from T = 64 to 4096. */
  const change = (rows: CurveRow[], x: (r: CurveRow) => number) => x(rows[2]) / x(rows[0]) - 1;

  it('every preset: measured state = analytic (5%); attention grows linearly, Mamba and GDN stay flat', async () => {
    const backend = new GpuBackend(await nodeGpu());
    const live = backend.memory().liveBytes;
    for (const preset of Object.keys(SPEC_PRESETS)) {
      const rows = await rowsOf(backend, preset);
      for (const r of rows) {
        expect(r.fits).toBe(true);
        expect(
          Math.abs(r.decode!.stateBytes / r.analytic.decodeStateBytes - 1),
          `${preset} T=${r.T}`,
        ).toBeLessThan(0.05);
      }
      const peak = (r: CurveRow) => r.decode!.peakBytes;
      if (preset === 'transformer') {
        // State and peak are affine in T: the step from 512 to 4096 is 8× the step from 64 to 512.
        expect(rows[2].decode!.stateBytes).toBe(64 * rows[0].decode!.stateBytes);
        const slope = (peak(rows[2]) - peak(rows[1])) / (peak(rows[1]) - peak(rows[0]));
        expect(Math.abs(slope / 8 - 1)).toBeLessThan(0.01);
      }
    }
    const gdn: SpecInput = {
      ...SPEC_PRESETS['olmo-hybrid'].spec,
      stack: [{ blocks: [{ mixer: 'gdn', channel: 'swiglu' }], repeat: 2 }],
    };
    for (const rows of [await rowsOf(backend, 'mamba'), await rowsOf(backend, 'olmo-hybrid', gdn)]) {
      expect(Math.abs(change(rows, (r) => r.decode!.stateBytes))).toBeLessThan(0.01);
      expect(Math.abs(change(rows, (r) => r.decode!.peakBytes))).toBeLessThan(0.01);
    }
    expect(backend.memory().liveBytes).toBe(live);
  });
});

describe('scaling exponent', () => {
  it('fits the slope of log time against log T over the upper half of the grid', () => {
    const Ts = [64, 128, 256, 512, 1024, 2048];
    // Quadratic above 256, flat below: the lower half must not pull the fit.
    const quad = Ts.map((T) => (T < 512 ? 5 : 3e-6 * T * T));
    expect(scalingExponent(Ts, quad)).toBeCloseTo(2, 10);
    expect(
      scalingExponent(
        Ts,
        Ts.map((T) => 0.01 * T),
      ),
    ).toBeCloseTo(1, 10);
    expect(scalingExponent([64, 128, 256], [1, 2, 8])).toBeCloseTo(2, 10); // upper half: 128, 256
    expect(scalingExponent([64], [1])).toBeNull();
  });
});
