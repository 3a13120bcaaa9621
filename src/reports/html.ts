/**
 * Self-contained HTML for the report and what-if commands: one file, inline CSS and inline SVG,
 * no script, no font, no network. Every chart is a <figure> with its data table beside it and a
 * text alternative (the SVG's <title>/<desc> and the figcaption), readable on screen and printed.
 * Chart colours are fixed (CHART_COLOURS) so a browser test can find the drawn bars and lines.
 */

/** Solid fills of the charts (also what the headless-browser test looks for in the PNG). */
export const CHART_COLOURS = {
  bar: '#1f5fa8',
  line: '#c0392b',
  suppression: '#d97a00',
  levy: '#2e8b3d',
  alt: '#7b3fa0',
} as const;

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Integer cents as dollars with thousands separators: 123456 → $1,234.56. */
export function dollars(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.round(cents));
  const whole = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}$${whole}.${String(abs % 100).padStart(2, '0')}`;
}

export type Cell = string | number;

export interface TableSpec {
  caption?: string;
  head: string[];
  rows: Cell[][];
  /** columns (0-based) aligned right: numbers */
  numeric?: number[];
}

export function table(t: TableSpec): string {
  const num = new Set(t.numeric ?? t.head.map((_, i) => i).filter((i) => i > 0));
  const cell = (tag: string, v: Cell, i: number) => `<${tag}${num.has(i) ? ' class="num"' : ''}>${escapeHtml(String(v))}</${tag}>`;
  const body = t.rows.length ? t.rows.map((r) => `<tr>${r.map((v, i) => cell('td', v, i)).join('')}</tr>`).join('\n') : `<tr><td colspan="${t.head.length}">none</td></tr>`;
  return `<table>${t.caption ? `<caption>${escapeHtml(t.caption)}</caption>` : ''}
<thead><tr>${t.head.map((h, i) => cell('th', h, i)).join('')}</tr></thead>
<tbody>
${body}
</tbody></table>`;
}

export interface BarSeries {
  name: string;
  colour: string;
  values: number[];
}

export interface BarChartSpec {
  id: string;
  title: string;
  /** the text alternative: what the chart shows, in words */
  description: string;
  labels: string[];
  series: BarSeries[];
  format: (v: number) => string;
}

/** Horizontal bars, one group per label, one bar per series. */
export function barChart(c: BarChartSpec): string {
  // room for the longest label (12 px font: upper-case codes take up to about 8.8 px a character)
  const labelW = Math.max(120, Math.ceil(Math.max(0, ...c.labels.map((l) => l.length)) * 8.8) + 12);
  const plotW = 360;
  const valueW = 110;
  const barH = 16;
  const groupH = c.series.length * barH + 10;
  const legendH = c.series.length > 1 ? 22 : 0;
  const h = Math.max(1, c.labels.length) * groupH + 10 + legendH;
  const max = Math.max(1, ...c.series.flatMap((s) => s.values.map((v) => Math.abs(v))));
  const parts: string[] = [];
  c.labels.forEach((label, i) => {
    const y0 = legendH + 5 + i * groupH;
    parts.push(`<text x="${labelW - 6}" y="${y0 + (c.series.length * barH) / 2 + 4}" text-anchor="end">${escapeHtml(label)}</text>`);
    c.series.forEach((s, j) => {
      const v = s.values[i] ?? 0;
      const w = Math.max(v === 0 ? 0 : 1, Math.round((Math.abs(v) / max) * plotW));
      const y = y0 + j * barH;
      parts.push(`<rect x="${labelW}" y="${y}" width="${w}" height="${barH - 3}" fill="${s.colour}"><title>${escapeHtml(`${label} ${s.name}: ${c.format(v)}`)}</title></rect>`);
      parts.push(`<text x="${labelW + w + 4}" y="${y + barH - 5}">${escapeHtml(c.format(v))}</text>`);
    });
  });
  if (c.labels.length === 0) parts.push(`<text x="10" y="${legendH + 20}">no data</text>`);
  if (legendH) {
    c.series.forEach((s, j) => {
      parts.push(`<rect x="${labelW + j * 140}" y="4" width="12" height="12" fill="${s.colour}"/><text x="${labelW + j * 140 + 16}" y="14">${escapeHtml(s.name)}</text>`);
    });
  }
  return svg(c.id, c.title, c.description, labelW + plotW + valueW, h, parts);
}

export interface LineChartSpec {
  id: string;
  title: string;
  description: string;
  labels: string[];
  values: number[];
  colour: string;
  format: (v: number) => string;
}

/** A trend line over the labels (months), with a dot and value per point. */
export function lineChart(c: LineChartSpec): string {
  const w = 640;
  const h = 220;
  const left = 20;
  const right = 20;
  const top = 24;
  const bottom = 36;
  const max = Math.max(1, ...c.values);
  const min = Math.min(0, ...c.values);
  const x = (i: number) => left + (c.labels.length <= 1 ? (w - left - right) / 2 : (i * (w - left - right)) / (c.labels.length - 1));
  const y = (v: number) => top + ((max - v) / (max - min)) * (h - top - bottom);
  const parts: string[] = [`<line x1="${left}" y1="${y(0)}" x2="${w - right}" y2="${y(0)}" stroke="#999" stroke-width="1"/>`];
  if (c.values.length > 1) {
    parts.push(`<polyline fill="none" stroke="${c.colour}" stroke-width="4" points="${c.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`);
  }
  c.values.forEach((v, i) => {
    const anchor = i === 0 ? 'start' : i === c.values.length - 1 ? 'end' : 'middle';
    parts.push(`<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="5" fill="${c.colour}"><title>${escapeHtml(`${c.labels[i]}: ${c.format(v)}`)}</title></circle>`);
    parts.push(`<text x="${x(i).toFixed(1)}" y="${(y(v) - 9).toFixed(1)}" text-anchor="${anchor}">${escapeHtml(c.format(v))}</text>`);
    parts.push(`<text x="${x(i).toFixed(1)}" y="${h - 12}" text-anchor="${anchor}">${escapeHtml(c.labels[i]!)}</text>`);
  });
  if (c.values.length === 0) parts.push(`<text x="${left}" y="${h / 2}">no data</text>`);
  return svg(c.id, c.title, c.description, w, h, parts);
}

function svg(id: string, title: string, description: string, w: number, h: number, parts: string[]): string {
  return `<svg class="chart" id="${id}" role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" xmlns="http://www.w3.org/2000/svg">
<title id="${id}-title">${escapeHtml(title)}</title>
<desc id="${id}-desc">${escapeHtml(description)}</desc>
${parts.join('\n')}
</svg>`;
}

/** A chart with its table beside it and its text alternative as the caption. */
export function figure(title: string, chartSvg: string, description: string, data: TableSpec): string {
  return `<figure>
<figcaption><strong>${escapeHtml(title)}.</strong> ${escapeHtml(description)}</figcaption>
<div class="pair">
<div class="plot">${chartSvg}</div>
<div class="data">${table(data)}</div>
</div>
</figure>`;
}

const CSS = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #111; background: #fff; margin: 1.5rem; line-height: 1.35; }
h1 { font-size: 1.5rem; margin: 0 0 .3rem; } h2 { font-size: 1.2rem; margin: 1.6rem 0 .4rem; border-bottom: 2px solid #ccc; }
h3 { font-size: 1.05rem; margin: 1rem 0 .3rem; }
p.meta { color: #444; margin: 0 0 1rem; }
table { border-collapse: collapse; font-size: .85rem; margin: .3rem 0 .8rem; }
caption { text-align: left; font-weight: 600; padding-bottom: .2rem; }
th, td { border: 1px solid #bbb; padding: .15rem .45rem; vertical-align: top; }
th { background: #eef1f5; text-align: left; } .num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: .6rem 0 1.2rem; break-inside: avoid; page-break-inside: avoid; }
figcaption { margin-bottom: .4rem; }
.pair { display: flex; flex-wrap: wrap; gap: 1.2rem; align-items: flex-start; }
svg.chart { max-width: 100%; height: auto; font-size: 12px; fill: #111; }
svg.chart text { fill: #111; }
@media print {
  body { margin: 0; font-size: 10pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  th { background: #eee !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  svg.chart rect, svg.chart circle, svg.chart polyline { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}`;

export function page(title: string, meta: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="meta">${escapeHtml(meta)}</p>
${body}
</body>
</html>
`;
}
