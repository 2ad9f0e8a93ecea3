import { esc } from './svg.js';

/** Formatting pieces shared by the report's sections (html.ts and the study sections). */

/** Significant digits, exponent only for very large or small numbers; '–' for missing values. */
export function num(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6)) return v.toExponential(Math.max(0, digits - 2)).replace('e+', 'e');
  return String(Number(v.toPrecision(digits)));
}

export function pm(v: number | null | undefined, se: number | null | undefined, digits = 4): string {
  return se === null || se === undefined ? num(v, digits) : `${num(v, digits)} ± ${num(se, 2)}`;
}

export function table(header: string[], rows: string[][], cls = ''): string {
  const head = header.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** What a section of the report holds: paragraphs, findings, HTML tables and the settings. */
export interface Section {
  intro: string[];
  finding: string[];
  tables: string[];
  settings: Record<string, unknown>;
}

/** One figure of an experiment: an SVG string with the words that go beside it. */
export interface Figure {
  /** file-name friendly, unique within the experiment */
  id: string;
  title: string;
  caption: string;
  svg: string;
}
