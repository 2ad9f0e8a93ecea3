/**
 * `npm run validate -- advise`: does `advise` pick well? For each problem, advise's pilots (1 CPU s
 * per method) rank the methods; then every method is measured again at its best settings with a
 * larger budget (4 CPU s; the hybrid with both splits), and the top choice's measured stderr·√CPU
 * is compared with the best measured among the methods without a severe bias risk.
 * Acceptance (issue 15): within 2× on lorenz63, noisy lorenz96, ni9, rnn and tent.
 */
import { advise, runWithBudget, fillSetup } from '../src/experiments/index.js';
import type { GradientRequest, Objective } from '../src/gradients/index.js';
import { createSystem, type SystemOptions } from '../src/systems/index.js';

interface Problem { name: string; system: string; options: SystemOptions; params: string[]; objective: Objective }

export const PROBLEMS: Problem[] = [
  { name: 'lorenz63 σ=0.2', system: 'lorenz63', options: { noise: 0.2 }, params: ['rho'], objective: { kind: 'average', observable: 'z', steps: 200_000 } },
  { name: 'lorenz96 n=40 σ=0.05', system: 'lorenz96', options: { noise: 0.05, dim: 40 }, params: ['F'], objective: { kind: 'average', observable: 'mean', steps: 100_000 } },
  { name: 'ni9 σ=0.5 (L = 50)', system: 'ni9', options: { noise: 0.5 }, params: ['gamma'], objective: { kind: 'horizon', observable: 'sum', horizon: 50, samples: 20_000 } },
  { name: 'rnn n=64 σ=0.1', system: 'rnn', options: { noise: 0.1 }, params: ['g'], objective: { kind: 'average', observable: 'meansq', steps: 100_000 } },
  { name: 'tent σ=0.1', system: 'tent', options: {}, params: ['gamma'], objective: { kind: 'average', observable: 'x', steps: 1_000_000 } },
];

const VARIANTS: [string, string, Record<string, unknown>][] = [
  ['kernel', 'kernel', {}],
  ['hybrid pathkernel', 'hybrid', { split: 'pathkernel' }],
  ['hybrid shadowing', 'hybrid', { split: 'shadowing' }],
  ['fd', 'fd', {}],
  ['nilsas', 'nilsas', {}],
  ['bptt', 'bptt', {}],
];

function rms(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s / v.length);
}

export async function validate(): Promise<string> {
  const lines = ['| problem | advise top (pilot stderr·√CPU) | measured: method stderr·√CPU (estimate) | best clean | top / best |', '|---|---|---|---|---|'];
  for (const p of PROBLEMS) {
    const system = createSystem(p.system, p.options);
    const a = await advise({ system, params: p.params, objective: p.objective, seed: 11, budget: 1 });
    const severe = new Map(a.entries.map((e) => [e.method, e.severe || !e.ok]));
    const measured: { label: string; method: string; eff: number; g: number; se: number }[] = [];
    for (const [label, method, opts] of VARIANTS) {
      if (!a.entries.some((e) => e.method === method)) continue;
      const req: GradientRequest = { system, params: p.params, objective: p.objective, seed: 23 };
      try {
        const filled = fillSetup(req, [method], { [method]: opts }).filled[method] ?? opts;
        const run = await runWithBudget(method, req, filled, 4);
        const se = run.result.stderr ? rms(run.result.stderr) : Infinity;
        measured.push({ label, method, eff: se * Math.sqrt(run.cpuSeconds), g: run.result.gradient[0], se: run.result.stderr?.[0] ?? NaN });
      } catch (e) {
        measured.push({ label: `${label} (failed: ${(e as Error).message.split('\n')[0].slice(0, 60)})`, method, eff: Infinity, g: NaN, se: NaN });
      }
    }
    const clean = measured.filter((m) => !severe.get(m.method) && Number.isFinite(m.eff));
    const best = clean.reduce((b, m) => (m.eff < b.eff ? m : b), { label: '-', method: '-', eff: Infinity, g: NaN, se: NaN });
    const topEffs = measured.filter((m) => m.method === a.top).map((m) => m.eff);
    const top = topEffs.length > 0 ? Math.min(...topEffs) : Infinity;
    const pilot = a.entries[0];
    lines.push(`| ${p.name} | ${a.top} (${pilot.stderrAtOneSecond?.toPrecision(3)}) | ${measured.map((m) => `${m.label}${severe.get(m.method) ? '*' : ''} ${m.eff.toPrecision(3)} (${m.g.toPrecision(3)} ± ${m.se.toPrecision(2)})`).join('; ')} | ${best.label} ${best.eff.toPrecision(3)} | ${(top / best.eff).toFixed(2)} |`);
    process.stderr.write(`${lines[lines.length - 1]}\n`);
  }
  return [...lines, '', '\\* severe bias risk according to advise (excluded from "best clean").'].join('\n');
}
