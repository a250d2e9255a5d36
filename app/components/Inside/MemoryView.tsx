// KV cache versus fixed state, with the current stack's numbers from the cost model: what every layer
// keeps while decoding one sequence, against the tokens T read so far (1 … 16k, log scale). Layers
// are stacked as strata: fixed-size recurrent states at the bottom stay flat; attention's KV cache on
// top grows with every token (a sliding window stops it at W). Drag across the chart, or the slider,
// or press Grow, and the numbers follow.
import { useEffect, useMemo, useRef, useState, type PointerEvent } from 'react';
import { specLayers, type ModelSpec } from '../../../src/models/spec';
import { fmtBytes, fmtT, logAxis } from '../Curves/axes';
import { familyColor } from './colors';
import {
  allAttentionBytes,
  groupBytes,
  MEMORY_T_MAX,
  memoryGroups,
  stackBytes,
  type LayerGroup,
} from './memory-data';

const W = 760;
const H = 320;
const L = 78;
const R = 18;
const TOP = 18;
const BOTTOM = 64;
const X_MAX = Math.log2(MEMORY_T_MAX);
const GROW_MS = 5000;

const xOf = (T: number) => L + (Math.log2(T) / X_MAX) * (W - L - R);
const tOf = (x: number) => Math.round(2 ** Math.min(X_MAX, Math.max(0, ((x - L) / (W - L - R)) * X_MAX)));

/** A round top for the byte axis and ticks at 1, 2 or 5 × 10^k. */
function byteAxis(max: number): { top: number; ticks: number[] } {
  const target = Math.max(max, 1) / 4;
  const p = 10 ** Math.floor(Math.log10(target));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= target) ?? 10 * p;
  const top = Math.ceil(max / step) * step || step;
  return { top, ticks: [...Array(Math.round(top / step) + 1).keys()].map((i) => i * step) };
}

const grows = (g: LayerGroup) => g.perToken > 0;
const times = (g: LayerGroup) => (g.layers.length > 1 ? `${g.layers.length} × ` : '');
const groupName = (g: LayerGroup) => `${g.label}${g.layers.length > 1 ? ` × ${g.layers.length}` : ''}`;

/** "12.5 MB of KV cache (grows 3 kB per token) + 98 kB of fixed state" at T. */
function summary(groups: LayerGroup[], T: number): string {
  const growing = groups.filter(grows);
  const fixed = groups.filter((g) => !grows(g));
  const sum = (gs: LayerGroup[], f: (g: LayerGroup) => number) =>
    gs.reduce((n, g) => n + g.layers.length * f(g), 0);
  const cache = sum(growing, (g) => groupBytes(g, T));
  const rate = sum(growing, (g) => (T < g.cap ? g.perToken : 0));
  const state = sum(fixed, (g) => g.fixed);
  const parts: string[] = [];
  if (growing.length)
    parts.push(
      `${fmtBytes(cache)} of growing cache (${rate > 0 ? `+${fmtBytes(rate)} per token` : 'capped by its window'})`,
    );
  if (fixed.length)
    parts.push(`${fmtBytes(state)} of fixed state${growing.length ? '' : ', the same at any length'}`);
  return parts.join(' + ');
}

export function MemoryView({ spec }: { spec: ModelSpec }) {
  const groups = useMemo(() => memoryGroups(spec), [spec]);
  const [T, setT] = useState(spec.contextLength);
  const [playing, setPlaying] = useState(false);
  /** null: automatic (log when the stack is tiny beside the all-attention reference). */
  const [logPick, setLog] = useState<boolean | null>(null);
  const svg = useRef<SVGSVGElement>(null);

  // Grow: T sweeps 1 → 16k on a log scale, one frame at a time.
  useEffect(() => {
    if (!playing) return;
    const start = performance.now();
    let frame = requestAnimationFrame(function tick(now) {
      const f = Math.min(1, (now - start) / GROW_MS);
      setT(Math.round(2 ** (f * X_MAX)));
      if (f < 1) frame = requestAnimationFrame(tick);
      else setPlaying(false);
    });
    return () => cancelAnimationFrame(frame);
  }, [playing]);

  const order = [...groups.filter((g) => !grows(g)), ...groups.filter(grows)]; // fixed strata at the bottom
  // The y axis holds the all-attention reference too, so a small fixed state looks as small as it is;
  // when the stack itself would be a sliver on a linear axis, a log axis is the default.
  const ghostMax = allAttentionBytes(spec, MEMORY_T_MAX);
  const stackMax = stackBytes(groups, MEMORY_T_MAX);
  const log = logPick ?? stackMax < 0.1 * ghostMax;
  const linear = byteAxis(Math.max(stackMax, ghostMax));
  const logged = logAxis([
    Math.min(stackBytes(groups, 1), allAttentionBytes(spec, 1)),
    Math.max(stackMax, ghostMax),
  ]);
  const ticks = log ? logged.ticks : linear.ticks;
  const plotH = H - TOP - BOTTOM;
  const [lo, hi] = logged.domain.map(Math.log10);
  const yOf = (b: number) =>
    log
      ? TOP + plotH * (1 - Math.max(0, (Math.log10(Math.max(b, 1e-9)) - lo) / (hi - lo)))
      : TOP + plotH * (1 - b / linear.top);
  const samples = useMemo(() => {
    const xs = new Set<number>();
    for (let i = 0; i <= X_MAX * 16; i++) xs.add(i / 16);
    for (const g of groups) if (Number.isFinite(g.cap)) xs.add(Math.log2(g.cap));
    return [...xs].sort((a, b) => a - b).map((x) => 2 ** x);
  }, [groups]);

  let below = samples.map(() => 0);
  const bands = order.map((g) => {
    const lower = below;
    const upper = samples.map((t, i) => lower[i] + g.layers.length * groupBytes(g, t));
    below = upper;
    const pts = (ys: number[]) => samples.map((t, i) => `${xOf(t).toFixed(1)},${yOf(ys[i]).toFixed(1)}`);
    return { g, d: `M${pts(upper).join('L')}L${pts(lower).reverse().join('L')}Z` };
  });

  const ghost = `M${samples.map((t) => `${xOf(t).toFixed(1)},${yOf(allAttentionBytes(spec, t)).toFixed(1)}`).join('L')}`;
  const fixedTop = stackBytes(
    groups.filter((g) => !grows(g)),
    1,
  );
  const total = stackBytes(groups, T);
  const onPointer = (ev: PointerEvent<SVGRectElement>) => {
    if (ev.type === 'pointermove' && ev.buttons === 0 && ev.pointerType === 'mouse') return;
    const m = svg.current?.getScreenCTM();
    if (!m) return;
    setPlaying(false);
    setT(tOf(new DOMPoint(ev.clientX, ev.clientY).matrixTransform(m.inverse()).x));
  };
  const xTicks = [1, 4, 16, 64, 256, 1024, 4096, 16384];
  const ctx = spec.contextLength;

  return (
    <div
      className="memory"
      data-testid="memory-view"
      data-total={total}
      data-t={T}
      data-scale={log ? 'log' : 'linear'}
    >
      <p className="memory-summary" data-testid="memory-summary">
        <span>
          At <strong className="num">T = {T.toLocaleString('en-US')}</strong> tokens this stack keeps{' '}
          <strong className="num">{fmtBytes(total)}</strong> per sequence:
        </span>{' '}
        <span className="num">{summary(groups, T)}.</span>
      </p>
      <div className="memory-body">
        <div className="memory-chart">
          <svg
            ref={svg}
            viewBox={`0 0 ${W} ${H}`}
            role="img"
            aria-label="Decode memory of each layer against tokens read"
            data-testid="state-memory-chart"
          >
            {ticks.map((b) => (
              <g key={b}>
                <line className="memory-grid" x1={L} x2={W - R} y1={yOf(b)} y2={yOf(b)} />
                <text
                  className="memory-tick"
                  x={L - 8}
                  y={yOf(b)}
                  textAnchor="end"
                  dominantBaseline="central"
                >
                  {fmtBytes(b)}
                </text>
              </g>
            ))}
            {xTicks.map((t) => (
              <text key={t} className="memory-tick" x={xOf(t)} y={H - BOTTOM + 18} textAnchor="middle">
                {fmtT(t)}
              </text>
            ))}
            <text className="memory-axis" x={W - R} y={H - BOTTOM + 40} textAnchor="end">
              tokens read so far, T (log scale)
            </text>
            {bands.map(({ g, d }) => (
              <path
                key={g.layers.join()}
                d={d}
                className={`memory-band${grows(g) ? ' memory-band-grows' : ''}`}
                style={{ fill: familyColor(g.family), stroke: familyColor(g.family) }}
              />
            ))}
            <path className="memory-ghost" d={ghost} />
            <line className="memory-ghost" x1={L} x2={L + 28} y1={H - 8} y2={H - 8} />
            <text className="memory-ghost-label" x={L + 36} y={H - 8} dominantBaseline="central">
              {`if all ${specLayers(spec).length} layers were full attention (${fmtBytes(ghostMax)} at 16k)`}
            </text>
            {fixedTop > 0 && (
              <text
                className="memory-fixed-label"
                x={W - R - 4}
                y={Math.min(yOf(fixedTop) - 6, H - BOTTOM - 6)}
                textAnchor="end"
              >
                {`fixed states: ${fmtBytes(fixedTop)}, flat at every T`}
              </text>
            )}
            <line className="memory-context" x1={xOf(ctx)} x2={xOf(ctx)} y1={TOP - 6} y2={H - BOTTOM} />
            <text
              className="memory-context-label"
              x={xOf(ctx) + (ctx > 2048 ? -6 : 6)}
              y={TOP + 4}
              textAnchor={ctx > 2048 ? 'end' : 'start'}
            >
              trained at T = {fmtT(ctx)}
            </text>
            <line className="memory-cursor" x1={xOf(T)} x2={xOf(T)} y1={TOP} y2={H - BOTTOM} />
            <circle className="memory-dot" cx={xOf(T)} cy={yOf(total)} r={5} />
            <rect
              className="memory-hit"
              x={L}
              y={TOP}
              width={W - L - R}
              height={H - TOP - BOTTOM}
              onPointerDown={onPointer}
              onPointerMove={onPointer}
            />
          </svg>
          <div className="memory-controls">
            <button
              type="button"
              className="btn btn-small"
              onClick={() => {
                if (!playing) setT(1);
                setPlaying(!playing);
              }}
              data-testid="memory-grow"
            >
              {playing ? 'Pause' : '▶ Grow'}
            </button>
            <input
              type="range"
              min={0}
              max={X_MAX}
              step={0.01}
              value={Math.log2(T)}
              onChange={(e) => {
                setPlaying(false);
                setT(Math.round(2 ** Number(e.target.value)));
              }}
              aria-label="Tokens read so far, T"
              data-testid="memory-slider"
            />
            <button
              type="button"
              className="btn btn-small"
              onClick={() => {
                setPlaying(false);
                setT(ctx);
              }}
            >
              T = context
            </button>
            <div className="segmented" role="radiogroup" aria-label="Byte axis" data-testid="memory-scale">
              {[false, true].map((v) => (
                <button
                  key={String(v)}
                  type="button"
                  role="radio"
                  aria-checked={log === v}
                  className={log === v ? 'active' : ''}
                  onClick={() => setLog(v)}
                >
                  {v ? 'log' : 'linear'}
                </button>
              ))}
            </div>
          </div>
        </div>
        <ul className="memory-layers" data-testid="memory-layers">
          {[...order].reverse().map((g) => {
            const each = groupBytes(g, T);
            const share = total > 0 ? (g.layers.length * each) / total : 0;
            return (
              <li
                key={g.layers.join()}
                data-kind={g.kind}
                data-grows={grows(g) ? 'true' : 'false'}
                data-bytes={g.layers.length * each}
              >
                <div className="memory-layer-head">
                  <span
                    className="memory-swatch"
                    style={{ background: familyColor(g.family) }}
                    aria-hidden="true"
                  />
                  <span className="memory-layer-name">{groupName(g)}</span>
                  <span className="memory-layer-bytes num">
                    {times(g)}
                    {fmtBytes(each)}
                  </span>
                </div>
                <div
                  className="memory-share"
                  title={`${(100 * share).toFixed(1)}% of the stack's memory at T = ${T}`}
                >
                  <span
                    style={{ width: `${(100 * share).toFixed(2)}%`, background: familyColor(g.family) }}
                  />
                </div>
                <div className="memory-layer-what">
                  {g.what}
                  {' · '}
                  <strong>
                    {grows(g)
                      ? T < g.cap
                        ? `+${fmtBytes(g.perToken)} per token`
                        : `full: the window keeps the last ${g.cap}`
                      : 'fixed size'}
                  </strong>
                </div>
              </li>
            );
          })}
        </ul>
      </div>
    </div>
  );
}
