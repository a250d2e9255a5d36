// Sampling from logits: temperature and top-k, driven by the seeded PRNG.
import type { Rng } from '../data/rng';

export function sampleToken(logits: Float32Array, temperature: number, topK: number, rng: Rng): number {
  const V = logits.length;
  if (temperature <= 0) return argmax(logits);
  const order = Array.from({ length: V }, (_, i) => i).sort((a, b) => logits[b] - logits[a]);
  const keep = order.slice(0, topK > 0 ? Math.min(topK, V) : V);
  const max = logits[keep[0]];
  const weights = keep.map((i) => Math.exp((logits[i] - max) / temperature));
  const total = weights.reduce((a, b) => a + b, 0);
  let r = rng.next() * total;
  for (let j = 0; j < keep.length; j++) {
    r -= weights[j];
    if (r <= 0) return keep[j];
  }
  return keep[keep.length - 1];
}

export function argmax(a: Float32Array): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return best;
}
