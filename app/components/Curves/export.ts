// Export a chart as PNG (its SVG, with every colour and font resolved, drawn onto a canvas under a
// title, the legend and the adapter line) and its data as CSV.

export type CsvValue = string | number | boolean | null | undefined;

export function toCsv(header: readonly string[], rows: readonly CsvValue[][]): string {
  const cell = (v: CsvValue) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

export function download(name: string, data: Blob): void {
  const url = URL.createObjectURL(data);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export const downloadCsv = (name: string, csv: string) =>
  download(name, new Blob([csv], { type: 'text/csv' }));

const STYLE_PROPS = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-opacity',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'text-anchor',
  'dominant-baseline',
];

/** A copy of the SVG whose styles are inline values (CSS variables do not survive into an image). */
function standalone(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const src = [svg, ...svg.querySelectorAll('*')];
  const dst = [copy, ...copy.querySelectorAll('*')];
  src.forEach((el, i) => {
    const cs = getComputedStyle(el);
    const style = STYLE_PROPS.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(';');
    dst[i].setAttribute('style', style);
  });
  const { width, height } = svg.getBoundingClientRect();
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('width', String(width));
  copy.setAttribute('height', String(height));
  return new XMLSerializer().serializeToString(copy);
}

export interface PngText {
  title: string;
  legend: readonly { label: string; color: string }[];
  footer: string;
}

/** Renders the chart in `box` (its first SVG) to a PNG at twice its size. */
export async function chartPng(box: HTMLElement, text: PngText): Promise<Blob> {
  const svg = box.querySelector('svg.recharts-surface') ?? box.querySelector('svg');
  if (!(svg instanceof SVGSVGElement)) throw new Error('The chart has not been drawn yet.');
  const { width, height } = svg.getBoundingClientRect();
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(standalone(svg))}`;
  await img.decode();
  const page = getComputedStyle(box);
  const colour = (v: string) => {
    const probe = document.createElement('span');
    probe.style.color = v;
    box.append(probe);
    const c = getComputedStyle(probe).color;
    probe.remove();
    return c;
  };
  const scale = 2;
  const head = 56;
  const foot = 26;
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(width * scale);
  canvas.height = Math.ceil((height + head + foot) * scale);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This browser cannot draw to a canvas.');
  ctx.scale(scale, scale);
  ctx.fillStyle = colour('var(--surface)');
  ctx.fillRect(0, 0, width, height + head + foot);
  const font = page.fontFamily;
  ctx.fillStyle = colour('var(--text)');
  ctx.font = `600 15px ${font}`;
  ctx.fillText(text.title, 12, 20);
  ctx.font = `12px ${font}`;
  let x = 12;
  for (const item of text.legend) {
    ctx.fillStyle = colour(item.color);
    ctx.fillRect(x, 36, 14, 3);
    ctx.fillStyle = colour('var(--muted)');
    ctx.fillText(item.label, x + 18, 41);
    x += 28 + ctx.measureText(item.label).width;
  }
  ctx.drawImage(img, 0, head, width, height);
  ctx.fillStyle = colour('var(--muted)');
  ctx.font = `11px ${font}`;
  ctx.fillText(text.footer, 12, head + height + 17);
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('The PNG could not be encoded.'))), 'image/png'),
  );
}
