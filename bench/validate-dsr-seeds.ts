/**
 * `npm run validate -- dsr-seeds`: more seeds for the dsr-lorenz acceptance (experiment 7). The
 * full experiment (`--seed 0`) trains model seeds 0–4 on one data set; this study trains model
 * seeds 5–9 on the same data (same data seed 0, full size) with exactly the experiment's code for
 * the three methods the acceptance compares — GTF alone, GTF continued, and the combined fine-tune
 * (forcing + λ·statistics) — and prints each seed's metrics on the test half and the paired
 * differences (combined − GTF, combined − GTF continued) with 95% Student-t intervals, as JSON
 * rows and a table. Pool them with the experiment's seeds 0–4 for 10 paired seeds.
 */
import { lyapunovSpectrum } from '../src/lyapunov/index.js';
import { forcingInterval, fitForcing } from '../src/optim/index.js';
import { createSystem } from '../src/systems/index.js';
import { dsrSettings, interval95, noisyLorenz, type DsrMethodRun } from '../src/experiments/index.js';
import { forcingRuns, timed } from '../src/experiments/dsrMethods.js';
import { combinedFineTune } from '../src/experiments/dsrCombined.js';
import { initialModel, type SeedContext } from '../src/experiments/dsrModel.js';

const fmt = (v: number) => v.toPrecision(3);

export async function validate(): Promise<string> {
  const settings = dsrSettings('full'), dataSeed = 0;
  const data = noisyLorenz(settings.rows, settings.dt, settings.observationNoise, dataSeed);
  const lorenz = lyapunovSpectrum(createSystem('lorenz63', { dt: settings.dt }), { k: 1, steps: settings.metrics.lyapunovSteps * 2, seed: dataSeed });
  const tau = forcingInterval(lorenz.exponents[0] * settings.dt);
  const rows: { seed: number; runs: DsrMethodRun[] }[] = [];
  for (let seed = 5; seed < 10; seed++) {
    const c: SeedContext = { settings, data, tau, seed };
    const o = forcingRuns(c);
    const gtf = timed('generalized TF', c, 0, () => fitForcing(initialModel(settings, seed), data.train, o.gtf).system);
    if (gtf.system === null) throw new Error(`seed ${seed}: GTF failed (${gtf.run.error})`);
    const start = gtf.system;
    const continued = timed('GTF continued', c, gtf.run.cpuSeconds, () => fitForcing(start, data.train, o.continued).system);
    const combined = await combinedFineTune(start, c, gtf.run.cpuSeconds);
    const row = { seed, runs: [gtf.run, continued.run, combined] };
    process.stdout.write(JSON.stringify(row) + '\n');
    rows.push(row);
  }
  const lines = ['| seed | method | D_stsp | D_H | PE₂₀ | λ₁ | CPU s |', '|---|---|---|---|---|---|---|'];
  for (const r of rows) for (const m of r.runs) lines.push(`| ${r.seed} | ${m.label} | ${m.metrics ? [m.metrics.dstsp, m.metrics.dh, m.metrics.pe20, m.metrics.lambda1].map(fmt).join(' | ') : `${m.error} | | |`} | ${m.cpuSeconds.toFixed(1)} |`);
  lines.push('', '| combined minus | ΔD_stsp | ΔD_H | PE₂₀ ratio |', '|---|---|---|---|');
  for (const [k, versus] of [[0, 'GTF alone'], [1, 'GTF continued']] as const) {
    const pairs = rows.filter((r) => r.runs[2].metrics && r.runs[k].metrics).map((r) => [r.runs[2].metrics!, r.runs[k].metrics!] as const);
    const show = (xs: number[]) => {
      const i = interval95(xs);
      return `${fmt(i.mean)} [${fmt(i.lo)}, ${fmt(i.hi)}]`;
    };
    lines.push(`| ${versus} (${pairs.length} seeds) | ${show(pairs.map(([a, b]) => a.dstsp - b.dstsp))} | ${show(pairs.map(([a, b]) => a.dh - b.dh))} | ${show(pairs.map(([a, b]) => a.pe20 / b.pe20))} |`);
  }
  return lines.join('\n');
}
