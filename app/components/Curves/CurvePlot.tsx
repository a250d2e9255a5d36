// The plot every chart against T shares: a responsive composed chart with its grid, the log T axis,
// the value axes each chart describes (log or linear, left or right) and the tooltip. A chart passes
// only what differs: its axes' ranges and units, and its lines as children.
import type { ReactNode } from 'react';
import { CartesianGrid, ComposedChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { AXIS_PROPS, fmtT, TOOLTIP_STYLE } from './axes';

export interface ValueAxis {
  /** The yAxisId lines name, where a chart has more than one value axis. */
  id?: string;
  /** A log axis over explicit ticks; without ticks, a linear axis over the domain. */
  domain: [number, number] | ['auto', 'auto'];
  ticks?: number[];
  format: (v: number) => string;
  width: number;
  right?: boolean;
}

interface Props {
  /** The T axis: log, powers of two (see contextAxis). */
  x: { domain: [number, number]; ticks: number[] };
  y: ValueAxis[];
  /** Room at the right edge: less where a right-hand axis takes it. */
  marginRight: number;
  /** The tooltip's heading for a T (default "T = 256"). */
  label?: (T: string) => string;
  /** A value in the tooltip. */
  value: (v: number) => string;
  children: ReactNode;
}

const tLabel = (T: string) => `T = ${T}`;

export function CurvePlot({ x, y, marginRight, label = tLabel, value, children }: Props) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <ComposedChart margin={{ top: 8, right: marginRight, bottom: 4, left: 4 }}>
        <CartesianGrid stroke="var(--grid)" />
        <XAxis
          dataKey="T"
          type="number"
          scale="log"
          domain={x.domain}
          ticks={x.ticks}
          tickFormatter={fmtT}
          allowDataOverflow
          minTickGap={4}
          {...AXIS_PROPS}
        />
        {y.map((a) => (
          <YAxis
            key={a.id ?? 'y'}
            yAxisId={a.id}
            orientation={a.right ? 'right' : undefined}
            type="number"
            scale={a.ticks ? 'log' : undefined}
            domain={a.domain}
            ticks={a.ticks}
            tickFormatter={a.format}
            allowDataOverflow={a.ticks !== undefined}
            width={a.width}
            axisLine={false}
            {...AXIS_PROPS}
          />
        ))}
        <Tooltip
          isAnimationActive={false}
          contentStyle={TOOLTIP_STYLE}
          labelFormatter={(T) => label(String(T))}
          formatter={(v) => (typeof v === 'number' ? value(v) : String(v))}
        />
        {children}
      </ComposedChart>
    </ResponsiveContainer>
  );
}
