// The attention map of a sample sentence: for the chosen layer and head, how much each token (a row,
// the query) draws from each earlier token (a column, the keys). The upper triangle is empty: a token
// cannot see the future. A sliding window also empties the cells older than W.
import { useCallback, useState } from 'react';
import type { InspectView } from '../../../src/measure/inspect-worker';
import { Heatmap, tokenGlyph, type Cell } from './Heatmap';
import { ColorBar } from './ColorBar';

/** "all" averages the heads (still a distribution per row). */
type HeadChoice = number | 'mean';

export function AttentionView({ view }: { view: InspectView }) {
  const [layerPick, setLayer] = useState(0);
  const [headPick, setHead] = useState<HeadChoice>(0);
  const [hover, setHover] = useState<Cell | null>(null);
  const maps = view.attention;
  const map = maps[Math.min(layerPick, maps.length - 1)];
  const n = view.tokens.length;
  const head: HeadChoice = headPick === 'mean' || (map && headPick < map.heads) ? headPick : 0;

  const value = useCallback(
    (q: number, k: number): number | null => {
      if (!map || k > q || (map.window > 0 && q - k >= map.window)) return null;
      if (head !== 'mean') return map.probs[(head * n + q) * n + k];
      let s = 0;
      for (let h = 0; h < map.heads; h++) s += map.probs[(h * n + q) * n + k];
      return s / map.heads;
    },
    [map, head, n],
  );

  if (!map)
    return (
      <p className="inside-none" data-testid="attention-none">
        This run has no attention layer: nothing looks back at earlier tokens directly. Its memory is the
        recurrent state on the right.
      </p>
    );

  const p = hover ? value(hover.row, hover.col) : null;
  const at = (i: number) => `“${tokenGlyph(view.tokenText[i])}” (#${i})`;
  return (
    <div className="inside-view">
      <div className="inside-controls">
        {maps.length > 1 && (
          <label className="labelled-select">
            <span className="field-label">Layer</span>
            <select
              value={maps.indexOf(map)}
              onChange={(e) => setLayer(Number(e.target.value))}
              data-testid="attention-layer"
            >
              {maps.map((m, i) => (
                <option key={m.layer} value={i}>
                  {`layer ${m.layer} · ${m.label}`}
                </option>
              ))}
            </select>
          </label>
        )}
        <div
          className="segmented inside-heads"
          role="radiogroup"
          aria-label="Head"
          data-testid="attention-heads"
        >
          {[...Array(map.heads).keys()].map((h) => (
            <button
              key={h}
              type="button"
              role="radio"
              aria-checked={head === h}
              className={head === h ? 'active' : ''}
              onClick={() => setHead(h)}
            >
              {`head ${h}`}
            </button>
          ))}
          {map.heads > 1 && (
            <button
              type="button"
              role="radio"
              aria-checked={head === 'mean'}
              className={head === 'mean' ? 'active' : ''}
              onClick={() => setHead('mean')}
            >
              mean
            </button>
          )}
        </div>
      </div>
      <Heatmap
        rows={n}
        cols={n}
        value={value}
        max={1}
        colLabels={view.tokenText}
        rowLabels={view.tokenText}
        width={620}
        height={620}
        xTitle="key: the earlier token it reads from →"
        yTitle="query: the token being read →"
        hover={hover}
        onHover={setHover}
        label={`Attention of layer ${map.layer}, ${head === 'mean' ? 'mean of the heads' : `head ${head}`}`}
        testId="attention-map"
        data={{ layer: map.layer, head: String(head), tokens: n, heads: map.heads }}
      />
      <ColorBar min="0" max="1" label="attention weight (each row sums to 1)" />
      <p className="inside-caption" aria-live="polite" data-testid="attention-caption">
        {hover && p !== null
          ? `${at(hover.row)} gives ${(100 * p).toFixed(1)}% of its attention to ${at(hover.col)}.`
          : hover
            ? `${at(hover.row)} cannot see ${at(hover.col)}: ${hover.col > hover.row ? 'it comes later' : `it is outside the window of ${map.window}`}.`
            : `Each row is one token reading the sentence so far: softmax(q·k/√d) over the keys in its KV cache. The empty triangle is the future, which a causal model never sees.${map.window > 0 ? ` A window of ${map.window} also hides older tokens.` : ''}`}
      </p>
    </div>
  );
}
