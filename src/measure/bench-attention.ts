// Attention forward benchmark (MEASURE.md "Benchmarks against peers"): our causal flash attention
// (online softmax, no T×T scores in memory) against the same attention in TensorFlow.js on the same
// GPUDevice (softmax(q·kᵀ/√Dh + causal mask)·v with materialised (B, H, T, T) scores — how a TF.js
// user writes it). Same inputs, outputs compared; warm-up, alternated runs, medians.
import { checkErrors, type Gpu } from '../gpu/device';
import { Rng } from '../data/rng';
import { attention } from '../kernels/attention';
import { GpuBackend } from '../kernels/gpu-backend';
import { openTfjsPeer } from './tfjs-peer';
import { gpuContender, timeAlternating, type Sample } from './timing';

export interface AttentionBenchOptions {
  B?: number;
  H?: number;
  Dh?: number;
  /** Sequence lengths (default 64, 128, 256). */
  lengths?: number[];
  runs?: number;
  warmup?: number;
}

export interface AttentionBenchRow {
  kind: 'attention';
  B: number;
  T: number;
  H: number;
  Dh: number;
  ours: Sample;
  theirs: Sample;
  /** Their median time / ours. */
  ratio: number;
  /** max |ours − theirs| / max |theirs|. */
  relDiff: number;
  /** Bytes of the (B, H, T, T) scores the peer materialises; ours keeps none. */
  peerScoreBytes: number;
}

export async function benchAttention(gpu: Gpu, o: AttentionBenchOptions = {}): Promise<AttentionBenchRow[]> {
  const [B, H, Dh] = [o.B ?? 4, o.H ?? 4, o.Dh ?? 32];
  const backend = new GpuBackend(gpu);
  const peer = await openTfjsPeer(gpu);
  const { tf } = peer;
  const rows: AttentionBenchRow[] = [];
  for (const T of o.lengths ?? [64, 128, 256]) {
    const rng = new Rng(T);
    const n = B * T * H * Dh;
    const data = [0, 1, 2].map(() => rng.fillNormal(new Float32Array(n), 1));
    const [q, k, v] = data.map((d, i) => {
      const t = backend.alloc([B, T, H, Dh], 'qkv'[i]);
      backend.write(t, d);
      return t;
    });
    const out = backend.alloc([B, T, H, Dh], 'o');
    const lse = backend.alloc([B, H, T], 'lse');
    const op = backend.op(attention, {
      o: out,
      lse,
      q,
      k,
      v,
      B,
      T,
      H,
      Hkv: H,
      Dh,
      window: 0,
      scale: 1 / Math.sqrt(Dh),
    });
    const [tq, tk, tv] = data.map((d) => tf.transpose(tf.tensor(d, [B, T, H, Dh]), [0, 2, 1, 3]));
    const maskData = new Float32Array(T * T).map((_, i) => (i % T <= Math.floor(i / T) ? 0 : -1e9));
    const mask = tf.tensor(maskData, [T, T]);
    const peerAttention = () =>
      tf.tidy(() =>
        tf.matMul(tf.softmax(tf.add(tf.mul(tf.matMul(tq, tk, false, true), 1 / Math.sqrt(Dh)), mask)), tv),
      );
    let last: ReturnType<typeof peerAttention> | undefined;
    try {
      const [ours, theirs] = await timeAlternating(
        [
          gpuContender('strata', gpu.device, () => backend.run([op])),
          gpuContender(
            'tfjs',
            gpu.device,
            () => {
              last = peerAttention();
            },
            () => last?.dispose(),
          ),
        ],
        { runs: o.runs, warmup: o.warmup },
      );
      backend.run([op]);
      const got = (await backend.read(out)) as Float32Array;
      const ref = tf.tidy(() => tf.transpose(peerAttention(), [0, 2, 1, 3]));
      const want = (await ref.data()) as Float32Array;
      ref.dispose();
      checkErrors(gpu);
      let [diff, scale] = [0, 0];
      for (let i = 0; i < n; i++) {
        diff = Math.max(diff, Math.abs(got[i] - want[i]));
        scale = Math.max(scale, Math.abs(want[i]));
      }
      rows.push({
        kind: 'attention',
        B,
        T,
        H,
        Dh,
        ours,
        theirs,
        ratio: theirs.median / ours.median,
        relDiff: diff / scale,
        peerScoreBytes: B * H * T * T * 4,
      });
    } finally {
      backend.release([op]);
      [q, k, v, out, lse].forEach((t) => backend.free(t));
      [tq, tk, tv, mask].forEach((t) => t.dispose());
    }
  }
  return rows;
}

export function describeAttentionRow(r: AttentionBenchRow): string {
  return (
    `attention B${r.B} H${r.H} Dh${r.Dh} T${String(r.T).padStart(5)}: strata ${r.ours.median.toFixed(2)} ms, ` +
    `tfjs ${r.theirs.median.toFixed(2)} ms → ${r.ratio.toFixed(2)}× (outputs agree to ${r.relDiff.toExponential(1)}; ` +
    `tfjs holds ${(r.peerScoreBytes / 2 ** 20).toFixed(1)} MiB of scores)`
  );
}
