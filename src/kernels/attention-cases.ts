// Random attention shapes for the kernel tests: T = 1 and T not a multiple of the tile, odd Dh,
// GQA groups 1/2/4, sliding windows (including 1 and wider than T), B > 1; a few wide heads.
import type { Rng } from '../data/rng';
import { ATTENTION_MAX_DH, type AttentionSizes } from './attention';

export function attentionCase(rng: Rng, c: number): AttentionSizes {
  const group = [1, 2, 4][c % 3];
  const Hkv = group === 4 ? 1 : 1 + rng.int(2);
  const wide = c % 10 === 9;
  const Dh = wide ? [48, 100, ATTENTION_MAX_DH][rng.int(3)] : [1, 3, 7, 16, 17, 31, 32][rng.int(7)];
  const T = c % 7 === 0 ? 1 : 1 + rng.int(wide ? 20 : 40);
  const window = rng.next() < 0.4 ? 1 + rng.int(T + 4) : 0;
  const scale = rng.next() < 0.8 ? 1 / Math.sqrt(Dh) : rng.uniform(0.05, 0.5);
  return { B: wide ? 1 : 1 + rng.int(3), T, H: Hkv * group, Hkv, Dh, window, scale };
}
