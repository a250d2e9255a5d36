// The recurrent state of a layer over a sample sentence: time on x (the state after each token), the
// state's rows on y (per head where it has heads), colour = the size of each row. The state never
// grows: each token rewrites the same block of numbers in place.
import { useCallback, useMemo, useState } from 'react';
import type { InspectView } from '../../../src/measure/inspect-worker';
import { MIXER_CONTENT } from '../../content/layers';
import { fmtBytes } from '../Curves/axes';
import { ColorBar } from './ColorBar';
import { Heatmap, tokenGlyph, type Cell } from './Heatmap';

/** Rows drawn at most: beyond, neighbouring rows are averaged (the plot is ~320 units tall). */
const MAX_ROWS = 128;

export function StateView({ view }: { view: InspectView }) {
  const [pick, setPick] = useState(0);
  const [hover, setHover] = useState<Cell | null>(null);
  const trace = view.states[Math.min(pick, view.states.length - 1)];
  const n = view.tokens.length;

  /** Rows averaged by `bin` so that at most MAX_ROWS are drawn; (shown rows, n) by time. */
  const shown = useMemo(() => {
    if (!trace) return null;
    const bin = Math.ceil(trace.rows / MAX_ROWS);
    const rows = Math.ceil(trace.rows / bin);
    const values = new Float32Array(rows * n);
    let max = 0;
    for (let r = 0; r < rows; r++)
      for (let t = 0; t < n; t++) {
        let s = 0;
        const end = Math.min(trace.rows, (r + 1) * bin);
        for (let i = r * bin; i < end; i++) s += trace.norms[t * trace.rows + i];
        values[r * n + t] = s / (end - r * bin);
        max = Math.max(max, values[r * n + t]);
      }
    return { bin, rows, values, max };
  }, [trace, n]);

  const value = useCallback(
    (r: number, t: number): number | null => (shown ? shown.values[r * n + t] : null),
    [shown, n],
  );

  if (!trace || !shown)
    return (
      <p className="inside-none" data-testid="state-none">
        This run has no layer with a fixed-size recurrent state (Mamba, Mamba-2, Gated DeltaNet, RetNet,
        RWKV-7): its memory is the attention KV cache, which grows with every token.
      </p>
    );

  const perHead = trace.rows / trace.heads;
  const ticks =
    trace.heads > 1
      ? [...Array(trace.heads).keys()].map((h) => ({
          row: (h + 0.5) * (perHead / shown.bin) - 0.5,
          label: `h${h}`,
        }))
      : [0, shown.rows - 1].map((r) => ({ row: r, label: String(r * shown.bin) }));
  const separators = [...Array(trace.heads).keys()].slice(1).map((h) => (h * perHead) / shown.bin);
  const stateBytes = trace.shape.reduce((a, b) => a * b, 1) * 4;
  const name = MIXER_CONTENT[trace.kind].name;
  const hovered = hover ? value(hover.row, hover.col) : null;
  const rowText = (r: number) =>
    shown.bin > 1 ? `rows ${r * shown.bin}–${Math.min(trace.rows, (r + 1) * shown.bin) - 1}` : `row ${r}`;

  return (
    <div className="inside-view">
      <div className="inside-controls">
        <label className="labelled-select">
          <span className="field-label">Layer</span>
          <select
            value={view.states.indexOf(trace)}
            onChange={(e) => setPick(Number(e.target.value))}
            data-testid="state-layer"
          >
            {view.states.map((s, i) => (
              <option key={s.name} value={i}>
                {`layer ${s.layer} · ${s.label}`}
              </option>
            ))}
          </select>
        </label>
        <span className="inside-shape num" data-testid="state-shape">
          {`${trace.shape.join(' × ')} = ${fmtBytes(stateBytes)}, fixed`}
        </span>
      </div>
      <p className="inside-lede">
        The state has a fixed size: every token updates it in place. {name}’s {trace.shape.join(' × ')}{' '}
        numbers are all it remembers of the sentence, after one token or after a million.
      </p>
      <Heatmap
        rows={shown.rows}
        cols={n}
        value={value}
        max={shown.max}
        colLabels={view.tokenText}
        rowTicks={ticks}
        rowSeparators={separators}
        width={620}
        height={320}
        xTitle="time: the state after each token →"
        yTitle={trace.heads > 1 ? 'state rows, by head' : 'state rows'}
        hover={hover}
        onHover={setHover}
        label={`Recurrent state of layer ${trace.layer} over the sentence`}
        testId="state-heatmap"
        data={{ layer: trace.layer, rows: trace.rows, tokens: n, max: shown.max.toPrecision(3) }}
      />
      <ColorBar
        min="0"
        max={shown.max.toPrecision(2)}
        label={`‖row‖ of the state: one row = ${trace.rowLabel}${shown.bin > 1 ? `, ${shown.bin} rows averaged per line` : ''}`}
      />
      <p className="inside-caption" aria-live="polite" data-testid="state-caption">
        {hover && hovered !== null
          ? `After “${tokenGlyph(view.tokenText[hover.col])}” (#${hover.col}), ${rowText(hover.row)} has size ${hovered.toPrecision(3)}.`
          : 'Strong colour: a row that holds a lot. A row that fades is being forgotten (its decay); a row that lights up at a token has just written that token in.'}
      </p>
    </div>
  );
}
