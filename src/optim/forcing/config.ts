import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fail, number, oneOf, onlyKeys, string, table, type Table } from '../configFields.js';
import { series, type ForcingMode, type ObservedSeries } from './segments.js';

/** The `forcing` table of a training config: teacher forcing on an observed series instead of a statistics loss. */
export interface ForcingConfig {
  /** absolute path of the data file (JSON rows or CSV/whitespace-separated rows); null: given from code (TrainOptions.data) */
  readonly data: string | null;
  readonly mode: ForcingMode;
  /** sparse: forcing interval τ in steps */
  readonly interval: number;
  /** generalized: α, annealed geometrically to alphaEnd over the run when given */
  readonly alpha: number;
  readonly alphaEnd?: number;
  readonly segment: number;
  /** segments per gradient, and per loss evaluation */
  readonly batch: number;
  readonly evaluationBatch: number;
  /** clip the gradient's norm (default: none) */
  readonly clip?: number;
  /**
   * Combined objective: λ. Every `statisticsEvery`-th iteration the gradient adds λ·∇L_S of the
   * config's statistics loss (its `loss` and `estimator`), so that over a cycle the run descends
   * L_forcing + (λ/statisticsEvery)·L_S. Absent: teacher forcing alone.
   */
  readonly statisticsWeight?: number;
  /** combined objective: the statistics gradient's period in iterations (default 1) */
  readonly statisticsEvery?: number;
  /**
   * Combined objective, stabilised statistics step: ρ. The optimiser then sees the forcing gradient
   * alone; the statistics step s = −λ·ĝ_S is applied after the optimiser's update Δ_F of the same
   * iteration, as a plain step shortened to norm ρ·‖Δ_F‖ when longer (statisticsStep in forcing/step.ts).
   * Absent: λ·ĝ_S is added to the gradient the optimiser sees.
   */
  readonly statisticsTrust?: number;
  /**
   * With statisticsTrust: keep the capped statistics step only when it lowers L_S, measured at θ
   * after the optimiser's update with and without the step, both runs on one seed (so that the
   * comparison shares its noise stream). Absent or false: every capped step is kept.
   */
  readonly statisticsCheck?: boolean;
  /**
   * With statisticsCheck: J ≥ 1 more candidates, the capped step shortened by 4, 16, …, 4^J, each
   * measured on the same seed; the lowest L_S among them is kept when below L_S without a step.
   */
  readonly statisticsBacktrack?: number;
}

const KEYS = ['data', 'mode', 'interval', 'alpha', 'alphaEnd', 'segment', 'batch', 'evaluationBatch', 'clip', 'statisticsWeight', 'statisticsEvery', 'statisticsTrust', 'statisticsCheck', 'statisticsBacktrack'];

export function forcingSection(v: unknown, base: string): ForcingConfig {
  const f: Table = table(v, 'forcing');
  onlyKeys(f, 'forcing', KEYS);
  const mode = oneOf(f, 'mode', 'forcing', ['sparse', 'generalized'] as const, true);
  const interval = mode === 'sparse' ? number(f, 'interval', 'forcing', { integer: true, positive: true, required: true }) : 1;
  const alpha = mode === 'generalized' ? number(f, 'alpha', 'forcing', { unitInterval: true, required: true }) : 0;
  const alphaEnd = number(f, 'alphaEnd', 'forcing', { unitInterval: true });
  if (mode === 'sparse' && (f.alpha !== undefined || alphaEnd !== undefined)) fail('forcing.alpha', "goes with mode 'generalized' (sparse forcing replaces the observed coordinates every interval steps)");
  if (mode === 'generalized' && f.interval !== undefined) fail('forcing.interval', "goes with mode 'sparse' (generalized forcing pulls every step by alpha)");
  const segment = number(f, 'segment', 'forcing', { integer: true, positive: true, required: true });
  const batch = number(f, 'batch', 'forcing', { integer: true, positive: true }) ?? 16;
  const evaluationBatch = number(f, 'evaluationBatch', 'forcing', { integer: true, positive: true }) ?? batch;
  const clip = number(f, 'clip', 'forcing', { positive: true });
  const statisticsWeight = number(f, 'statisticsWeight', 'forcing', { positive: true });
  const statisticsEvery = number(f, 'statisticsEvery', 'forcing', { integer: true, positive: true });
  if (statisticsEvery !== undefined && statisticsWeight === undefined) fail('forcing.statisticsEvery', 'goes with forcing.statisticsWeight (the combined objective)');
  const statisticsTrust = number(f, 'statisticsTrust', 'forcing', { positive: true });
  if (statisticsTrust !== undefined && statisticsWeight === undefined) fail('forcing.statisticsTrust', 'goes with forcing.statisticsWeight (the combined objective)');
  const statisticsCheck = f.statisticsCheck;
  if (statisticsCheck !== undefined && typeof statisticsCheck !== 'boolean') fail('forcing.statisticsCheck', 'must be true or false');
  if (statisticsCheck === true && statisticsTrust === undefined) fail('forcing.statisticsCheck', 'goes with forcing.statisticsTrust (it checks the capped statistics step)');
  const statisticsBacktrack = number(f, 'statisticsBacktrack', 'forcing', { integer: true, positive: true });
  if (statisticsBacktrack !== undefined && statisticsCheck !== true) fail('forcing.statisticsBacktrack', 'goes with forcing.statisticsCheck (it shortens the checked step)');
  const file = string(f, 'data', 'forcing');
  return {
    data: file === undefined ? null : resolve(base, file),
    mode,
    interval,
    alpha,
    ...(alphaEnd !== undefined && { alphaEnd }),
    segment,
    batch,
    evaluationBatch,
    ...(clip !== undefined && { clip }),
    ...(statisticsWeight !== undefined && { statisticsWeight, statisticsEvery: statisticsEvery ?? 1 }),
    ...(statisticsTrust !== undefined && { statisticsTrust }),
    ...(statisticsCheck === true && { statisticsCheck }),
    ...(statisticsBacktrack !== undefined && { statisticsBacktrack }),
  };
}

/** Reads an observed series: a JSON array of rows (or {"data": rows}), or text with one row per line (commas or spaces; '#' comments). */
export function readSeries(path: string): ObservedSeries {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return fail('forcing.data', `file '${path}' cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let rows: unknown;
  if (/^\s*[[{]/.test(text)) {
    try {
      const j = JSON.parse(text) as unknown;
      rows = Array.isArray(j) ? j : (j as { data?: unknown } | null)?.data;
    } catch (e) {
      return fail('forcing.data', `file '${path}' is not valid JSON: ${(e as Error).message.split('\n')[0]}`);
    }
  } else {
    rows = text.split('\n').map((l) => l.replace(/#.*/, '').trim()).filter((l) => l !== '').map((l) => l.split(/[\s,;]+/).map(Number));
  }
  if (!Array.isArray(rows) || rows.length === 0) return fail('forcing.data', `file '${path}' must hold rows of numbers (a JSON array of arrays, or one row per line)`);
  const dim = Array.isArray(rows[0]) ? rows[0].length : 1;
  const flat: number[] = [];
  rows.forEach((r, i) => {
    const row = Array.isArray(r) ? r : [r];
    if (row.length !== dim || !row.every((x) => typeof x === 'number' && Number.isFinite(x))) fail('forcing.data', `row ${i + 1} of '${path}' must hold ${dim} finite numbers (got ${JSON.stringify(r).slice(0, 40)})`);
    flat.push(...(row as number[]));
  });
  return series(Float64Array.from(flat), dim);
}
