#!/usr/bin/env node
// Splits the seeds of `chaosgrad experiment dsr-lorenz` over processes that share a directory.
//
//   node scripts/dsr-shard.mjs --size full --seed 4 --seeds 50 --out DIR --part 0 --parts 2 &
//   node scripts/dsr-shard.mjs --size full --seed 4 --seeds 50 --out DIR --part 1 --parts 2
//   chaosgrad experiment dsr-lorenz --size full --seed 4 --seeds 50 --out DIR --resume
//
// Each process runs the experiment itself (runDsrLorenz) but computes only the seeds k with
// k mod parts = part, saving each into DIR's unit store as the CLI would; the other seeds are
// stand-ins that are never saved. The last command finds every unit saved and assembles the report:
// the same data as one uninterrupted command, apart from times (test/experiments/dsrShard.test.ts).
// Why: a seed is a serial chain (forcing, then fine-tunes) that keeps ≈ 1.2 of 2 cores busy, so two
// processes finish a 50-seed run ≈ 1.7× sooner. Built files: run `npm run build` first.
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const { values: o } = parseArgs({ options: Object.fromEntries(['size', 'seed', 'seeds', 'out', 'part', 'parts'].map((k) => [k, { type: 'string' }])) });
for (const k of ['seed', 'seeds', 'out', 'part', 'parts']) {
  if (o[k] === undefined) {
    process.stderr.write(`dsr-shard: missing --${k}\n`);
    process.exit(2);
  }
}
const [seed, seeds, part, parts] = [o.seed, o.seeds, o.part, o.parts].map(Number);
if (![seed, seeds, part, parts].every(Number.isInteger) || parts < 1 || part < 0 || part >= parts || seeds < 2) {
  process.stderr.write('dsr-shard: --seed, --seeds ≥ 2, --parts ≥ 1 and 0 ≤ --part < --parts must be integers\n');
  process.exit(2);
}
const size = o.size ?? 'full';
const x = await import(fileURLToPath(new URL('../dist/src/experiments/index.js', import.meta.url)));
// the identity the CLI gives the run's unit store (experiment, size, seed, seeds): --resume checks it
const store = x.UnitStore.resume(o.out, { experiment: 'dsr-lorenz', size, seed, seeds });
const standIn = () => ({ seed: -1, runs: x.DSR_METHODS.map((label) => ({ label, metrics: null, cpuSeconds: 0, error: null })) });
const units = {
  unit: (key, compute) => (Number(key.replace('seed-', '')) % parts === part ? store.unit(key, compute) : Promise.resolve(standIn())),
};
const t0 = Date.now();
await x.runDsrLorenz({
  size, seed, seeds, units,
  onProgress: (label, done, total) => process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(0)} s] part ${part}/${parts}: ${label} (${done}/${total})\n`),
});
process.stderr.write(`part ${part}/${parts}: ${store.counts.computed} seed(s) computed, ${store.counts.reused} already saved\n`);
