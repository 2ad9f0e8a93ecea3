import { UsageError } from '../../errors/index.js';
import { FTLE_METHODS, ftleField, type FtleMethod } from '../../lyapunov/index.js';
import { Rng } from '../../random/index.js';
import { heatmapPng } from '../../report/png.js';
import { heatmap } from '../../report/svg.js';
import type { DynamicalSystem } from '../../systems/index.js';
import { list, num, parseNumber, str, writeTextFile, type OptionValues } from '../args.js';
import type { Command } from '../command.js';
import { fmt } from '../format.js';
import type { Progress } from '../progress.js';
import { seedFrom, systemFrom } from '../systemArgs.js';
import { writeFileSync } from 'node:fs';

function rangeFrom(values: OptionValues): [number, number] | undefined {
  const r = list(values, 'range');
  if (r === undefined) return undefined;
  if (r.length !== 2) throw new UsageError(`--range needs two numbers a,b (e.g. --range -3,3), got '${str(values, 'range')}'`);
  const a = parseNumber('--range', r[0]), b = parseNumber('--range', r[1]);
  if (!(b > a)) throw new UsageError(`--range needs a < b, got ${a},${b}`);
  return [a, b];
}

function centreFrom(values: OptionValues, n: number): Float64Array | undefined {
  const c = list(values, 'centre');
  if (c === undefined) return undefined;
  const v = c.map((s) => parseNumber('--centre', s));
  if (v.length === 1) return new Float64Array(n).fill(v[0]);
  if (v.length !== n) throw new UsageError(`--centre needs 1 or ${n} comma-separated values, got ${v.length}`);
  return Float64Array.from(v);
}

/** --dirs i,j (coordinate axes, default 0,1) or 'random' (a seeded random orthonormal pair). */
function directionsFrom(values: OptionValues, sys: DynamicalSystem, seed: number): { dirs: [Float64Array, Float64Array]; label: string } {
  const n = sys.dim;
  const raw = str(values, 'dirs') ?? '0,1';
  if (raw === 'random') {
    const rng = new Rng(seed).split(6);
    const a = new Float64Array(n), b = new Float64Array(n);
    rng.fillNormal(a);
    rng.fillNormal(b);
    return { dirs: [a, b], label: 'random' };
  }
  const parts = raw.split(',');
  const idx = parts.map((p) => Number(p));
  if (parts.length !== 2 || idx.some((i) => !Number.isInteger(i) || i < 0 || i >= n) || idx[0] === idx[1]) {
    throw new UsageError(`--dirs must be two different coordinate indices i,j in 0..${n - 1} or 'random', got '${raw}'`);
  }
  const a = new Float64Array(n), b = new Float64Array(n);
  a[idx[0]] = 1;
  b[idx[1]] = 1;
  return { dirs: [a, b], label: `x${idx[0]},x${idx[1]}` };
}

export const ftleCommand: Command = {
  name: 'ftle',
  summary: 'input-space field of the finite-time Lyapunov exponent of a network read as L layers (Storm et al. 2024)',
  usage: 'ftle <system> --horizon L --grid G [--range a,b] [--centre c|c1,…,cn] [--dirs i,j|random] [--method full|power] [--out file.csv] [--plot file.svg|png] [system options]',
  options: {
    horizon: { type: 'string', kind: 'integer', min: 1, value: 'L', unit: 'layers (steps)', description: 'number of layers the network is read as' },
    grid: { type: 'string', kind: 'integer', min: 2, max: 1000, value: 'G', description: 'G×G grid of initial conditions' },
    range: { type: 'string', value: 'a,b', description: 'coordinate range of the grid around the centre' },
    centre: { type: 'string', value: 'c|c1,…,cn', description: 'centre of the grid (one value for every coordinate, or n values)' },
    dirs: { type: 'string', value: 'i,j|random', default: '0,1', description: 'the two directions spanning the grid' },
    method: { type: 'string', choices: FTLE_METHODS, default: 'full', description: 'full Jacobian product or power iteration' },
    out: { type: 'string', value: 'FILE.csv', group: 'output', description: 'write the field as CSV (a,b,lambda)' },
    plot: { type: 'string', value: 'FILE.svg|png', group: 'output', description: 'write a heatmap' },
  },
  system: true,
  maxPositionals: 1,
  async run(positionals: string[], values: OptionValues, progress: Progress) {
    const { system: sys } = await systemFrom(positionals[0], values);
    const seed = seedFrom(values);
    const method = str(values, 'method');
    if (method !== undefined && !FTLE_METHODS.includes(method as FtleMethod)) throw new UsageError(`unknown --method '${method}' (valid: ${FTLE_METHODS.join(', ')})`);
    const plot = str(values, 'plot');
    if (plot !== undefined && !/\.(svg|png)$/i.test(plot)) throw new UsageError(`--plot must name a .svg or .png file, got '${plot}'`);
    if (sys.dim < 2) throw new UsageError(`an FTLE field needs a system of dimension >= 2; ${sys.name} has ${sys.dim}`);
    const { dirs, label } = directionsFrom(values, sys, seed);
    const res = ftleField(sys, {
      horizon: num(values, 'horizon', undefined, { integer: true, min: 1 }),
      grid: num(values, 'grid', undefined, { integer: true, min: 2, max: 1000 }),
      range: rangeFrom(values),
      centre: centreFrom(values, sys.dim),
      directions: dirs,
      method: method as FtleMethod | undefined,
      seed,
      onProgress: (d, t) => progress.update('ftle', d, t),
    });
    progress.done();
    const G = res.grid;
    const coord = (i: number) => res.range[0] + ((res.range[1] - res.range[0]) * i) / (G - 1);
    const rows = Array.from({ length: G }, (_, i) => Array.from(res.field.subarray(i * G, (i + 1) * G)));
    const out = str(values, 'out');
    if (out !== undefined) {
      const lines = ['a,b,lambda'];
      for (let i = 0; i < G; i++) for (let j = 0; j < G; j++) lines.push(`${coord(j)},${coord(i)},${res.field[i * G + j]}`);
      writeTextFile('CSV file', out, lines.join('\n') + '\n');
    }
    const unit = res.perUnitTime ? 'per unit time' : 'per layer';
    if (plot !== undefined) {
      const [xl, yl] = label === 'random' ? ['a (random direction 1)', 'b (random direction 2)'] : label.split(',').map((s) => `${s} − centre`);
      if (/\.png$/i.test(plot)) {
        try {
          writeFileSync(plot, heatmapPng(rows));
        } catch (e) {
          throw new UsageError(`cannot write plot '${plot}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
      } else {
        const svg = heatmap(rows, { title: `${sys.name}: FTLE λ(x₀), L = ${res.horizon} (${unit})`, xLabel: xl, yLabel: yl, xRange: res.range, yRange: res.range, colorLabel: 'λ = (1/L) log σ_max(∂x_L/∂x₀)' });
        writeTextFile('plot', plot, svg);
      }
    }
    const json = {
      system: sys.name,
      horizon: res.horizon,
      grid: G,
      range: res.range,
      centre: res.centre,
      directions: label,
      method: res.method,
      perUnitTime: res.perUnitTime,
      mean: res.mean,
      min: res.min,
      max: res.max,
      field: rows,
    };
    const text = `${sys.name}: FTLE field over a ${G}×${G} grid, range [${res.range.join(', ')}] along ${label}, L = ${res.horizon} (${res.method} product), λ ${unit}\n` +
      `mean ${fmt(res.mean)}, min ${fmt(res.min)}, max ${fmt(res.max)}` +
      (out ? `\nfield written to ${out}` : '') + (plot ? `\nheatmap written to ${plot}` : '');
    return { json, text };
  },
};
