// Learning-rate schedule: linear warm-up, then cosine decay to a floor.

export interface Schedule {
  lr: number;
  warmup: number;
  steps: number;
  /** Final learning rate as a fraction of lr. */
  minRatio: number;
}

export function learningRate(s: Schedule, step: number): number {
  if (step < s.warmup) return (s.lr * (step + 1)) / s.warmup;
  const span = Math.max(1, s.steps - s.warmup);
  const p = Math.min(1, (step - s.warmup) / span);
  return s.lr * (s.minRatio + (1 - s.minRatio) * 0.5 * (1 + Math.cos(Math.PI * p)));
}
