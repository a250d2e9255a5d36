// The colour scale of a heatmap: the ramp from its low end to its high end, with both values.
import { rampGradient, useDark } from './colors';

export function ColorBar({ min, max, label }: { min: string; max: string; label: string }) {
  const dark = useDark();
  return (
    <div className="colorbar">
      <span className="num">{min}</span>
      <span className="colorbar-ramp" style={{ background: rampGradient(dark) }} aria-hidden="true" />
      <span className="num">{max}</span>
      <span className="colorbar-label">{label}</span>
    </div>
  );
}
