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
  ['anchors', './anchors.js'],
];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  for (const [name, path] of SUITES) {
    if (only.length > 0 && !only.includes(name)) continue;
    if (only.length === 0 && name === 'anchors') continue; // spawns numpy and whole CLI runs: only on request
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
