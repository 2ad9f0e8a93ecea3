/**
 * `npm run bench`: every benchmark of the project, one table. Figures are per-step times and
 * ratios measured in this process; they are reports, never test assertions.
 */
import type { BenchRow } from './types.js';

const SUITES: [string, string][] = [
  ['systems', './systems.js'],
  ['random', './random.js'],
  ['lyapunov', './lyapunov.js'],
  ['gradients', './gradients.js'],
  ['kernel', './kernel.js'],
  ['nilsas', './nilsas.js'],
  ['hybrid', './hybrid.js'],
  ['define', './define.js'],
  // on request only (npm run bench -- cluster): starts redis-server and worker processes
  ['cluster', './cluster.js'],
  // on request only (npm run bench -- anchors): spawns numpy and whole CLI runs
  ['anchors', './anchors.js'],
  // on request only (npm run bench -- overhead [CHAOSGRAD_BEFORE=<checkout>]): whole CLI runs, before/after
  ['overhead', './overhead.js'],
];

/** suites that need more than this process (a redis-server, numpy): run only when named */
const ON_REQUEST = new Set(['cluster', 'anchors', 'overhead']);

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  for (const [name, path] of SUITES) {
    if (only.length > 0 ? !only.includes(name) : ON_REQUEST.has(name)) continue;
    const mod = (await import(path)) as { bench?: () => Promise<BenchRow[]> };
    if (!mod.bench) continue;
    process.stdout.write(`\n## ${name}\n`);
    for (const r of await mod.bench()) process.stdout.write(`${r.name.padEnd(48)} ${r.value.toPrecision(4).padStart(10)} ${r.unit}${r.note ? `   (${r.note})` : ''}\n`);
  }
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${(e as Error).stack}\n`);
  process.exitCode = 1;
});
