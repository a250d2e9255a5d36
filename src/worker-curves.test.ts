// The worker's measuring side: curves of a tiny stack stream header, rows and summary, then end; a
// cancel stops after the current row; a busy device or the CPU backend is refused with a reason; and
// perplexity is measured only for the run whose weights are kept.
import { describe, expect, it } from 'vitest';
import { nodeGpu } from './gpu/node-gpu';
import { CpuBackend } from './kernels/cpu-backend';
import { GpuBackend } from './kernels/gpu-backend';
import { train } from './models/train';
import type { SpecInput } from './models/spec';
import type { FromWorker } from './protocol';
import { Measurer } from './worker-curves';

const spec: SpecInput = {
  width: 16,
  vocab: 32,
  contextLength: 8,
  stack: [{ blocks: [{ mixer: { kind: 'attention', heads: 2 }, channel: 'swiglu' }] }],
};

function recorder(onPost?: (m: FromWorker, self: Measurer) => void) {
  const posted: FromWorker[] = [];
  let training = false;
  const m: Measurer = new Measurer(
    (msg) => {
      posted.push(msg);
      onPost?.(msg, m);
    },
    () => training,
  );
  return { m, posted, setTraining: (t: boolean) => (training = t) };
}

const kinds = (posted: FromWorker[]) =>
  posted.map((p) =>
    p.type === 'curve'
      ? p.line.kind
      : p.type === 'curves-end'
        ? `end${p.cancelled ? ':cancelled' : ''}`
        : p.type,
  );

describe('Measurer', () => {
  it('streams the curves of a spec and ends; a cancel stops after the current row', async () => {
    const backend = new GpuBackend(await nodeGpu());
    const { m, posted } = recorder();
    await m.curves(backend, {
      type: 'curves',
      id: 1,
      spec,
      contexts: [8, 16],
      measure: ['prefill', 'decode'],
    });
    expect(kinds(posted)).toEqual(['header', 'row', 'row', 'summary', 'end']);
    const rows = posted.flatMap((p) => (p.type === 'curve' && p.line.kind === 'row' ? [p.line] : []));
    expect(rows.map((r) => r.T)).toEqual([8, 16]);
    expect(rows[1].decode!.stateBytes).toBe(2 * rows[0].decode!.stateBytes);
    expect(rows[0].training).toBeUndefined();
    expect(m.busy).toBe(false);

    const cancelling = recorder((msg, self) => {
      if (msg.type === 'curve' && msg.line.kind === 'row') self.cancel(2);
    });
    const live = backend.memory().liveBytes;
    await cancelling.m.curves(backend, {
      type: 'curves',
      id: 2,
      spec,
      contexts: [8, 16, 32],
      measure: ['prefill'],
    });
    expect(kinds(cancelling.posted)).toEqual(['header', 'row', 'end:cancelled']);
    expect(backend.memory().liveBytes).toBe(live);
  });

  it('refuses while training, and on the CPU backend, with a reason', async () => {
    const backend = new GpuBackend(await nodeGpu());
    const { m, posted, setTraining } = recorder();
    setTraining(true);
    await m.curves(backend, { type: 'curves', id: 3, spec, contexts: [8] });
    expect(posted).toEqual([
      expect.objectContaining({ type: 'curves-end', id: 3, error: expect.stringContaining('busy') }),
    ]);
    setTraining(false);
    await m.curves(new CpuBackend(), { type: 'curves', id: 4, spec, contexts: [8] });
    expect(posted[1]).toMatchObject({
      type: 'curves-end',
      id: 4,
      error: expect.stringContaining('needs WebGPU'),
    });
  });

  it('measures perplexity of the kept run only', async () => {
    const backend = new CpuBackend();
    const text = 'the whale and the sea. '.repeat(120);
    const data = { train: text, val: text.slice(0, 900) };
    const events = { onLog: () => {}, onSample: () => {}, shouldStop: () => false };
    const req = {
      type: 'train' as const,
      preset: 'transformer',
      steps: 2,
      seed: 1,
      spec,
      overrides: { batchSize: 2, evalBatches: 1, sampleEvery: 100, sampleLength: 2 },
    };
    const { summary, ...model } = await train(backend, req, data, events);
    expect(summary.steps).toBe(2);
    const { m, posted } = recorder();
    m.hold('run-a', model, data.val);
    await m.perplexity(backend, { type: 'perplexity', id: 5, runId: 'run-b' });
    expect(posted[0]).toMatchObject({ runId: 'run-b', error: expect.stringContaining('no longer') });
    await m.perplexity(backend, { type: 'perplexity', id: 6, runId: 'run-a', maxTokens: 256 });
    const reply = posted[1];
    expect(reply.type === 'perplexity' && reply.error).toBeFalsy();
    const result = reply.type === 'perplexity' ? reply.result! : null;
    expect(result!.trainContext).toBe(8);
    // Contexts 8, 16, 32 (4× the training context); 16 and 32 beyond it. Buckets [1,2) [2,4) [4,8) [8,9).
    expect(result!.byContext.map((r) => [r.context, r.beyondTraining])).toEqual([
      [8, false],
      [16, true],
      [32, true],
    ]);
    expect(result!.byPosition.map((r) => [r.from, r.to])).toEqual([
      [1, 2],
      [2, 4],
      [4, 8],
      [8, 9],
    ]);
    for (const r of result!.byContext) expect(r.perplexity).toBeCloseTo(Math.exp(r.nll), 6);
    m.release();
  });
});
