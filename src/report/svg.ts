import { maxOf, minOf } from '../stats/index.js';
/**
 * Dependency-free SVG figures: line/scatter charts (linear or log axes, error bars, reference
 * lines) and heatmaps. Figures are data → string; the numerical core never imports this.
 */

export interface Series {
  label: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** symmetric error bars (same length as y) */
  err?: ArrayLike<number>;
  /** 'line' (default), 'points' or 'both' */
  style?: 'line' | 'points' | 'both';
  color?: string;
  dashed?: boolean;
}

export interface ChartOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  logX?: boolean;
  logY?: boolean;
  width?: number;
  height?: number;
  /** horizontal reference lines */
  hLines?: { y: number; label: string; color?: string }[];
  yRange?: [number, number];
  /** explicit x tick positions and labels (categories, say) instead of the automatic ones */
  xTicks?: { value: number; label: string }[];
  /** corner of the legend (default top-left, drawn without a box); other corners get a white box */
  legend?: 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f'];

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const step0 = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= step0) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step) out.push(Math.abs(v) < 1e-12 * step ? 0 : v);
  return out;
}

function tickLabel(v: number, log: boolean): string {
  if (log) return `1e${Math.round(v)}`;
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(1) : String(Number(v.toPrecision(4)));
}

/** A line/scatter chart. Non-finite points (and non-positive ones on a log axis) are skipped. */
export function lineChart(series: Series[], o: ChartOptions = {}): string {
  const W = o.width ?? 640, H = o.height ?? 400;
  const m = { l: 70, r: 20, t: o.title ? 36 : 16, b: 50 };
  const tx = (v: number) => (o.logX ? Math.log10(v) : v);
  const ty = (v: number) => (o.logY ? Math.log10(v) : v);
  const ok = (x: number, y: number) => Number.isFinite(tx(x)) && Number.isFinite(ty(y));
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.x.length; i++) {
      if (!ok(s.x[i], s.y[i])) continue;
      const e = s.err ? s.err[i] : 0;
      x0 = Math.min(x0, tx(s.x[i])); x1 = Math.max(x1, tx(s.x[i]));
      const lo = o.logY ? ty(Math.max(s.y[i] - e, s.y[i] / 10)) : s.y[i] - e;
      const hi = ty(s.y[i] + e);
      if (Number.isFinite(lo)) y0 = Math.min(y0, lo);
      if (Number.isFinite(hi)) y1 = Math.max(y1, hi);
    }
  }
  for (const h of o.hLines ?? []) if (Number.isFinite(ty(h.y))) { y0 = Math.min(y0, ty(h.y)); y1 = Math.max(y1, ty(h.y)); }
  if (o.yRange) [y0, y1] = [ty(o.yRange[0]), ty(o.yRange[1])];
  if (!Number.isFinite(x0)) { x0 = 0; x1 = 1; }
  if (!Number.isFinite(y0)) { y0 = 0; y1 = 1; }
  if (x1 === x0) { x0 -= 0.5; x1 += 0.5; }
  if (y1 === y0) { y0 -= 0.5 * Math.abs(y0 || 1); y1 += 0.5 * Math.abs(y1 || 1); }
  const pad = 0.05 * (y1 - y0);
  y0 -= pad; y1 += pad;
  const px = (v: number) => m.l + ((tx(v) - x0) / (x1 - x0)) * (W - m.l - m.r);
  const py = (v: number) => H - m.b - ((ty(v) - y0) / (y1 - y0)) * (H - m.t - m.b);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  if (o.title) parts.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${esc(o.title)}</text>`);
  const xt = o.logX ? niceTicks(Math.floor(x0), Math.ceil(x1)).filter((v) => Number.isInteger(v) && v >= x0 && v <= x1) : niceTicks(x0, x1);
  const yt = o.logY ? niceTicks(Math.floor(y0), Math.ceil(y1)).filter((v) => Number.isInteger(v) && v >= y0 && v <= y1) : niceTicks(y0, y1);
  const xTicks = o.xTicks ?? xt.map((v) => ({ value: o.logX ? 10 ** v : v, label: tickLabel(v, !!o.logX) }));
  for (const t of xTicks) {
    const X = px(t.value);
    if (!Number.isFinite(X)) continue;
    parts.push(`<line x1="${X}" y1="${m.t}" x2="${X}" y2="${H - m.b}" stroke="#eee"/><text x="${X}" y="${H - m.b + 16}" text-anchor="middle">${esc(t.label)}</text>`);
  }
  for (const v of yt) {
    const Y = H - m.b - ((v - y0) / (y1 - y0)) * (H - m.t - m.b);
    parts.push(`<line x1="${m.l}" y1="${Y}" x2="${W - m.r}" y2="${Y}" stroke="#eee"/><text x="${m.l - 6}" y="${Y + 4}" text-anchor="end">${tickLabel(v, !!o.logY)}</text>`);
  }
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#333"/>`);
  if (o.xLabel) parts.push(`<text x="${(W + m.l - m.r) / 2}" y="${H - 10}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  if (o.yLabel) parts.push(`<text transform="translate(16 ${(H + m.t - m.b) / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`);
  for (const h of o.hLines ?? []) {
    if (!Number.isFinite(ty(h.y))) continue;
    const Y = py(h.y);
    parts.push(`<line x1="${m.l}" y1="${Y}" x2="${W - m.r}" y2="${Y}" stroke="${h.color ?? '#555'}" stroke-dasharray="6 4"/><text x="${W - m.r - 4}" y="${Y - 4}" text-anchor="end" fill="${h.color ?? '#555'}">${esc(h.label)}</text>`);
  }
  // legend placement: the default keeps the original layout byte for byte
  const corner = o.legend ?? 'top-left';
  const legendW = 24 + 6.5 * Math.max(0, ...series.map((s) => s.label.length));
  const legendX = corner.endsWith('left') ? m.l + 10 : W - m.r - 10 - legendW;
  const legendY = corner.startsWith('top') ? m.t + 8 : H - m.b - 8 - 16 * series.length;
  // a boxed legend goes on top of the lines; the default one is interleaved as it always was
  const boxed = corner !== 'top-left';
  const legendParts: string[] = boxed ? [`<rect x="${legendX - 4}" y="${legendY - 4}" width="${legendW + 8}" height="${16 * series.length + 4}" fill="white" fill-opacity="0.85" stroke="#ccc"/>`] : parts;
  series.forEach((s, k) => {
    const color = s.color ?? PALETTE[k % PALETTE.length];
    const style = s.style ?? 'line';
    const pts: string[] = [];
    for (let i = 0; i < s.x.length; i++) if (ok(s.x[i], s.y[i])) pts.push(`${px(s.x[i]).toFixed(2)},${py(s.y[i]).toFixed(2)}`);
    if (style !== 'points' && pts.length > 1) parts.push(`<polyline fill="none" stroke="${color}" stroke-width="1.8"${s.dashed ? ' stroke-dasharray="5 3"' : ''} points="${pts.join(' ')}"/>`);
    for (let i = 0; i < s.x.length; i++) {
      if (!ok(s.x[i], s.y[i])) continue;
      const X = px(s.x[i]), Y = py(s.y[i]);
      if (s.err && Number.isFinite(s.err[i]) && s.err[i] > 0) {
        const lo = o.logY ? Math.max(s.y[i] - s.err[i], s.y[i] / 10) : s.y[i] - s.err[i];
        parts.push(`<line x1="${X}" y1="${py(lo)}" x2="${X}" y2="${py(s.y[i] + s.err[i])}" stroke="${color}"/>`);
      }
      if (style !== 'line') parts.push(`<circle cx="${X.toFixed(2)}" cy="${Y.toFixed(2)}" r="3" fill="${color}"/>`);
    }
    legendParts.push(`<rect x="${legendX}" y="${legendY + 16 * k}" width="12" height="3" fill="${color}"/><text x="${legendX + 18}" y="${legendY + 5 + 16 * k}">${esc(s.label)}</text>`);
  });
  if (boxed) parts.push(...legendParts);
  parts.push('</svg>');
  return parts.join('\n');
}

/** Blue–white–red colour for t in [0, 1]. */
export function divergingColor(t: number): string {
  const u = Math.max(0, Math.min(1, t));
  const lerp = (a: number, b: number, s: number) => Math.round(a + (b - a) * s);
  const [r, g, b] = u < 0.5 ? [lerp(33, 247, u * 2), lerp(102, 247, u * 2), lerp(172, 247, u * 2)] : [lerp(247, 178, (u - 0.5) * 2), lerp(247, 24, (u - 0.5) * 2), lerp(247, 43, (u - 0.5) * 2)];
  return `rgb(${r},${g},${b})`;
}

/** A heatmap of values[i][j] (row i = y index from bottom, column j = x index), with a colour bar. */
export function heatmap(values: number[][], o: { title?: string; xLabel?: string; yLabel?: string; xRange: [number, number]; yRange: [number, number]; colorLabel?: string; center?: number }): string {
  const ny = values.length, nx = values[0]?.length ?? 0;
  const W = 560, H = 480, m = { l: 60, r: 90, t: o.title ? 36 : 16, b: 50 };
  const flat = values.flat().filter(Number.isFinite);
  let lo = minOf(flat), hi = maxOf(flat);
  if (o.center !== undefined) {
    const a = Math.max(Math.abs(lo - o.center), Math.abs(hi - o.center)) || 1;
    lo = o.center - a; hi = o.center + a;
  }
  if (!(hi > lo)) hi = lo + 1;
  const cw = (W - m.l - m.r) / nx, ch = (H - m.t - m.b) / ny;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`, `<rect width="${W}" height="${H}" fill="white"/>`];
  if (o.title) parts.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${esc(o.title)}</text>`);
  for (let i = 0; i < ny; i++) for (let j = 0; j < nx; j++) {
    const v = values[i][j];
    const fill = Number.isFinite(v) ? divergingColor((v - lo) / (hi - lo)) : '#000';
    parts.push(`<rect x="${(m.l + j * cw).toFixed(2)}" y="${(H - m.b - (i + 1) * ch).toFixed(2)}" width="${(cw + 0.5).toFixed(2)}" height="${(ch + 0.5).toFixed(2)}" fill="${fill}"/>`);
  }
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#333"/>`);
  for (const [k, v] of [[0, o.xRange[0]], [1, o.xRange[1]]] as const) parts.push(`<text x="${m.l + k * (W - m.l - m.r)}" y="${H - m.b + 16}" text-anchor="middle">${tickLabel(v, false)}</text>`);
  for (const [k, v] of [[0, o.yRange[0]], [1, o.yRange[1]]] as const) parts.push(`<text x="${m.l - 6}" y="${H - m.b - k * (H - m.t - m.b) + 4}" text-anchor="end">${tickLabel(v, false)}</text>`);
  if (o.xLabel) parts.push(`<text x="${(W + m.l - m.r) / 2}" y="${H - 10}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  if (o.yLabel) parts.push(`<text transform="translate(16 ${(H + m.t - m.b) / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`);
  const bx = W - m.r + 20, bh = H - m.t - m.b;
  for (let k = 0; k < 50; k++) parts.push(`<rect x="${bx}" y="${(m.t + bh - ((k + 1) * bh) / 50).toFixed(2)}" width="16" height="${(bh / 50 + 0.5).toFixed(2)}" fill="${divergingColor((k + 0.5) / 50)}"/>`);
  parts.push(`<text x="${bx + 20}" y="${m.t + 10}">${tickLabel(hi, false)}</text><text x="${bx + 20}" y="${m.t + bh}">${tickLabel(lo, false)}</text>`);
  if (o.colorLabel) parts.push(`<text transform="translate(${W - 8} ${(H + m.t - m.b) / 2}) rotate(-90)" text-anchor="middle">${esc(o.colorLabel)}</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}
