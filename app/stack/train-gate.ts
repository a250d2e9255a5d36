// Whether the edited stack may train now, and if not, why: invalid settings or a model too large for
// the device (needed vs available bytes).
import type { StoreState } from '../store';

export function trainBlockReason(s: StoreState): string | null {
  const n = s.analysis.problems.length;
  if (n) return `Fix the ${n === 1 ? 'problem' : `${n} problems`} marked in the model to train it.`;
  if (s.fit && !s.fit.ok) return s.fit.message ?? 'This model is too large for this device.';
  return null;
}
