/**
 * `npm run bench -- overhead`: the single-orbit runs of issue 13 (NILSAS on lorenz63 over T = 100
 * time units, the noisy-tent ergodic kernel over 10⁷ steps), bare start-up and two runs on the
 * default worker threads (ni9 kernel, lorenz63 FD), as whole-process
 * CPU seconds (every thread, start-up included; medians of CHAOSGRAD_BENCH_REPS, default 3).
 * With CHAOSGRAD_BEFORE=<another checkout> the same commands run there too, interleaved run by
 * run so that both see the same machine load, with the ratio before/after, and each run's --json
 * is compared with the other side's (cost.seconds aside): the speed-ups must not move a bit.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from '../src/stats/index.js';
import type { BenchRow } from './types.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CPU_EXIT = `${ROOT}dist/bench/cpuExit.js`;
const REPS = Number(process.env.CHAOSGRAD_BENCH_REPS ?? 3);

export const OVERHEAD_RUNS: { name: string; args: string[]; target?: string }[] = [
  { name: 'start-up (--version)', args: ['--version'] },
  { name: 'NILSAS lorenz63 T=100, one orbit', args: ['grad', 'lorenz63', '--method', 'nilsas', '--param', 'rho,sigma', '--objective', 'z', '--M', '2', '--segments', '100', '--segment-steps', '200', '--repeats', '1', '--json'], target: '≤ 0.64/3 = 0.21 s' },
  { name: 'tent ergodic kernel, 10⁷ steps', args: ['grad', 'tent', '--method', 'kernel', '--param', 'gamma', '--objective', 'x', '--steps', '10000000', '--window', '7', '--json'], target: '≤ 1.2/3 = 0.40 s' },
  // worker threads' start-up (they load dist/bundle/worker.js when the bundle is current): default worker count
  { name: 'ni9 kernel L=50, 10⁵ samples, default workers', args: ['grad', 'ni9', '--method', 'kernel', '--horizon', '50', '--samples', '100000', '--noise', '0.5', '--json'] },
  { name: 'FD lorenz63 rho, default workers', args: ['grad', 'lorenz63', '--method', 'fd', '--param', 'rho', '--objective', 'z', '--json'] },
];

/** One whole CLI process: its CPU seconds and its stdout with the wall-clock seconds blanked. */
function runOnce(checkout: string, args: string[]): { cpu: number; out: string } {
  const r = spawnSync(process.execPath, ['--import', CPU_EXIT, `${checkout}/dist/src/cli/main.js`, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${checkout}: chaosgrad ${args.join(' ')} failed: ${r.stderr}`);
  const line = r.stderr.trim().split('\n').filter((l) => l.startsWith('{"processCpuSeconds"')).pop()!;
  return { cpu: (JSON.parse(line) as { processCpuSeconds: number }).processCpuSeconds, out: r.stdout.replace(/"seconds":[0-9.e+-]+/g, '"seconds":0') };
}

/** The estimate of a --json output (value, gradient and their errors); the whole text for other commands. */
function estimate(out: string): string {
  if (!out.startsWith('{')) return out;
  const j = JSON.parse(out) as Record<string, unknown>;
  return JSON.stringify([j.value, j.valueStderr, j.gradient, j.stderr]);
}

/** The top-level `cost` and `diagnostics.*` keys whose values differ between two --json outputs (what a reader should look at). */
function differingKeys(a: string, b: string): string[] {
  if (!a.startsWith('{') || !b.startsWith('{')) return [];
  const ja = JSON.parse(a) as Record<string, any>, jb = JSON.parse(b) as Record<string, any>;
  const keys: string[] = [];
  if (JSON.stringify(ja.cost) !== JSON.stringify(jb.cost)) keys.push('cost');
  const da = ja.diagnostics ?? {}, db = jb.diagnostics ?? {};
  for (const k of new Set([...Object.keys(da), ...Object.keys(db)])) if (JSON.stringify(da[k]) !== JSON.stringify(db[k])) keys.push(`diagnostics.${k}`);
  return keys;
}

export async function bench(): Promise<BenchRow[]> {
  const before = process.env.CHAOSGRAD_BEFORE;
  const rows: BenchRow[] = [];
  for (const run of OVERHEAD_RUNS) {
    const now: number[] = [], then: number[] = [];
    let same = true, sameEstimate = true;
    const differ = new Set<string>();
    for (let rep = 0; rep < REPS; rep++) {
      const a = runOnce(ROOT, run.args);
      now.push(a.cpu);
      if (before) {
        const b = runOnce(before, run.args);
        then.push(b.cpu);
        same &&= a.out === b.out;
        sameEstimate &&= estimate(a.out) === estimate(b.out);
        for (const k of differingKeys(a.out, b.out)) differ.add(k);
      }
    }
    rows.push({ name: `${run.name}: this checkout`, value: median(now), unit: 's CPU', note: run.target });
    if (before) {
      rows.push({ name: `${run.name}: before`, value: median(then), unit: 's CPU' });
      rows.push({ name: `${run.name}: before / now`, value: median(then) / median(now), unit: '×', note: same ? 'output identical' : `${sameEstimate ? 'estimate identical' : 'ESTIMATE DIFFERS'}; differ: ${[...differ].join(', ') || 'text'}` });
    }
  }
  return rows;
}
