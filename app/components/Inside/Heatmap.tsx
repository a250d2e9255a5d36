// A heatmap drawn as one image of rows × cols pixels (one per cell, scaled without smoothing) inside an
// SVG that carries the axes: token labels along x (and y), tick labels, separators and a hover cell.
// Cells without a value (the future of a causal map) stay transparent, so the card shows through.
import { useMemo, useRef, type PointerEvent } from 'react';
import { rampColor, useDark } from './colors';

export interface Cell {
  row: number;
  col: number;
}

export interface HeatmapProps {
  rows: number;
  cols: number;
  /** The value of a cell in [0, max], or null where it has none. */
  value(row: number, col: number): number | null;
  max: number;
  /** One label per column (tokens), drawn under the plot. */
  colLabels: string[];
  /** One label per row (tokens), or ticks at chosen rows. */
  rowLabels?: string[];
  rowTicks?: { row: number; label: string }[];
  /** Rows above which a separator line is drawn (head boundaries). */
  rowSeparators?: number[];
  /** Plot size in SVG units; the SVG scales to its box. */
  width: number;
  height: number;
  xTitle: string;
  yTitle: string;
  hover: Cell | null;
  onHover(cell: Cell | null): void;
  label: string;
  testId: string;
  data?: Record<string, string | number>;
}

const LEFT = 58;
const TOP = 6;
const BOTTOM = 46;
const RIGHT = 6;

/** The cells as a PNG data URL, one pixel per cell. */
function cellsImage(p: Pick<HeatmapProps, 'rows' | 'cols' | 'value' | 'max'>, dark: boolean): string {
  const canvas = document.createElement('canvas');
  canvas.width = p.cols;
  canvas.height = p.rows;
  const ctx = canvas.getContext('2d');
  if (!ctx) return '';
  const img = ctx.createImageData(p.cols, p.rows);
  for (let r = 0; r < p.rows; r++)
    for (let c = 0; c < p.cols; c++) {
      const v = p.value(r, c);
      if (v === null) continue;
      const [red, green, blue] = rampColor(dark, p.max > 0 ? v / p.max : 0);
      img.data.set([red, green, blue, 255], (r * p.cols + c) * 4);
    }
  ctx.putImageData(img, 0, 0);
  return canvas.toDataURL();
}

/** Printable text of a token: space and line breaks made visible. */
export const tokenGlyph = (t: string): string => (t === ' ' ? '␣' : t === '\n' ? '⏎' : t === '\t' ? '⇥' : t);

export function Heatmap(p: HeatmapProps) {
  const dark = useDark();
  const svg = useRef<SVGSVGElement>(null);
  const { rows, cols, value, max } = p;
  const url = useMemo(() => cellsImage({ rows, cols, value, max }, dark), [rows, cols, value, max, dark]);
  const cw = p.width / p.cols;
  const rh = p.height / p.rows;
  const colFont = Math.min(15, cw * 1.15);
  const rowFont = Math.min(15, rh * 1.15);

  const move = (ev: PointerEvent<SVGRectElement>) => {
    const m = svg.current?.getScreenCTM();
    if (!m) return;
    const pt = new DOMPoint(ev.clientX, ev.clientY).matrixTransform(m.inverse());
    const col = Math.floor((pt.x - LEFT) / cw);
    const row = Math.floor((pt.y - TOP) / rh);
    const inside = col >= 0 && col < p.cols && row >= 0 && row < p.rows;
    p.onHover(inside ? { row, col } : null);
  };

  return (
    <svg
      ref={svg}
      className="heatmap"
      viewBox={`0 0 ${LEFT + p.width + RIGHT} ${TOP + p.height + BOTTOM}`}
      role="img"
      aria-label={p.label}
      data-testid={p.testId}
      {...Object.fromEntries(Object.entries(p.data ?? {}).map(([k, v]) => [`data-${k}`, String(v)]))}
    >
      <rect className="heatmap-bg" x={LEFT} y={TOP} width={p.width} height={p.height} />
      <image
        href={url}
        x={LEFT}
        y={TOP}
        width={p.width}
        height={p.height}
        preserveAspectRatio="none"
        className="heatmap-cells"
      />
      {p.rowSeparators?.map((r) => (
        <line
          key={r}
          className="heatmap-sep"
          x1={LEFT}
          x2={LEFT + p.width}
          y1={TOP + r * rh}
          y2={TOP + r * rh}
        />
      ))}
      {p.hover && (
        <>
          <rect className="heatmap-band" x={LEFT} y={TOP + p.hover.row * rh} width={p.width} height={rh} />
          <rect className="heatmap-band" x={LEFT + p.hover.col * cw} y={TOP} width={cw} height={p.height} />
          <rect
            className="heatmap-hover"
            x={LEFT + p.hover.col * cw}
            y={TOP + p.hover.row * rh}
            width={cw}
            height={rh}
          />
        </>
      )}
      <g className="heatmap-labels" fontSize={colFont}>
        {p.colLabels.map((t, c) => (
          <text
            key={c}
            x={LEFT + (c + 0.5) * cw}
            y={TOP + p.height + colFont + 3}
            textAnchor="middle"
            className={p.hover?.col === c ? 'heatmap-label-on' : undefined}
          >
            {tokenGlyph(t)}
          </text>
        ))}
      </g>
      <g className="heatmap-labels" fontSize={p.rowLabels ? rowFont : 15}>
        {p.rowLabels?.map((t, r) => (
          <text
            key={r}
            x={LEFT - 6}
            y={TOP + (r + 0.5) * rh}
            textAnchor="end"
            dominantBaseline="central"
            className={p.hover?.row === r ? 'heatmap-label-on' : undefined}
          >
            {tokenGlyph(t)}
          </text>
        ))}
        {p.rowTicks?.map((t) => (
          <text
            key={t.row}
            x={LEFT - 6}
            y={TOP + (t.row + 0.5) * rh}
            textAnchor="end"
            dominantBaseline="central"
          >
            {t.label}
          </text>
        ))}
      </g>
      <text
        className="heatmap-title"
        x={LEFT + p.width / 2}
        y={TOP + p.height + BOTTOM - 4}
        textAnchor="middle"
      >
        {p.xTitle}
      </text>
      <text
        className="heatmap-title"
        transform={`translate(14 ${TOP + p.height / 2}) rotate(-90)`}
        textAnchor="middle"
        dominantBaseline="central"
      >
        {p.yTitle}
      </text>
      <rect
        className="heatmap-hit"
        x={LEFT}
        y={TOP}
        width={p.width}
        height={p.height}
        onPointerMove={move}
        onPointerLeave={() => p.onHover(null)}
      />
    </svg>
  );
}
