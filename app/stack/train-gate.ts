// Whether the edited stack may train now, and if not, why: invalid settings, layers the engine cannot
// train yet, or a model too large for the device (needed vs available bytes).
import type { StoreState } from '../store';

export function trainBlockReason(s: StoreState): string | null {
  const n = s.analysis.problems.length;
  if (n) return `Fix the ${n === 1 ? 'problem' : `${n} problems`} marked in the model to train it.`;
  const t = s.trainableLayers;
  if (t) {
    for (const g of s.stack.stack)
      for (const b of g.blocks) {
        if (!t.mixers.includes(b.mixer))
          return `The ${b.mixer} mixer can be costed but not trained yet (trainable: ${t.mixers.join(', ')}).`;
        if (b.channel && !t.channels.includes(b.channel))
          return `The ${b.channel} channel can be costed but not trained yet (trainable: ${t.channels.join(', ')}).`;
      }
  }
  if (s.fit && !s.fit.ok) return s.fit.message ?? 'This model is too large for this device.';
  return null;
}
