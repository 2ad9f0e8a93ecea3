/** Plain-text helpers for human output; the numbers themselves come from the library. */

export function fmt(v: number, digits = 6): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6)) return v.toExponential(digits - 2);
  return Number(v.toPrecision(digits)).toString();
}

export function pm(value: number, stderr: number | null | undefined, digits = 6): string {
  return stderr === null || stderr === undefined ? fmt(value, digits) : `${fmt(value, digits)} ± ${fmt(stderr, 2)}`;
}

/** A left-aligned text table. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (c ?? '').padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** JSON-safe copy: typed arrays become arrays, non-finite numbers become null. */
export function toJson(value: unknown): unknown {
  if (value instanceof Float64Array || value instanceof Float32Array || value instanceof Int32Array) return Array.from(value, (v) => (Number.isFinite(v) ? v : null));
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map(toJson);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined && typeof v !== 'function') out[k] = toJson(v);
    return out;
  }
  return value;
}

/**
 * The visible block of warnings a text report ends with (the same strings are the `warnings`
 * array of --json): empty when there are none.
 */
export function warningBlock(warnings: readonly string[]): string {
  if (warnings.length === 0) return '';
  const rule = '!'.repeat(60);
  return `\n${rule}\nWARNING${warnings.length > 1 ? `S (${warnings.length})` : ''}: this result may not be trustworthy\n${warnings.map((w) => `! ${w}`).join('\n')}\n${rule}`;
}
