import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLI } from '../helpers/cli.js';

const BUNDLE = fileURLToPath(new URL('../../bundle/main.js', import.meta.url));
const RUN = fileURLToPath(new URL('../../src/cli/run.js', import.meta.url));

function run(args: string[], env: Record<string, string>): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120000, env: { ...process.env, ...env } });
  // wall-clock seconds are the only thing allowed to differ
  const strip = (s: string) => s.replace(/"seconds":[0-9.e+-]+/g, '"seconds":0').replace(/[0-9.]+ s\b/g, 'N s');
  return { code: r.status, stdout: strip(r.stdout), stderr: strip(r.stderr) };
}

test('the build wrote a bundle at least as new as the compiled CLI (main.js loads it)', () => {
  assert.ok(statSync(BUNDLE).mtimeMs >= statSync(RUN).mtimeMs, 'dist/bundle/main.js is older than dist/src/cli/run.js: run npm run build');
});

// every path a task module is reached by in this thread (runRepeats, runBlocks, the one-worker
// pool), the lazily loaded chunks (workers, report) and the error paths: same bytes either way
const CASES: string[][] = [
  ['--version'],
  ['--help'],
  ['grad', '--help'],
  ['gradd'],
  ['grad', 'lorenz63', '--method', 'nilsas', '--param', 'rho', '--objective', 'z', '--steps', '400', '--M', '2', '--segments', '4', '--repeats', '1', '--json'],
  ['grad', 'lorenz63', '--method', 'nilsas', '--param', 'rho', '--objective', 'z', '--steps', '400', '--M', '2', '--segments', '4', '--repeats', '2', '--json'],
  ['grad', 'tent', '--method', 'kernel', '--param', 'gamma', '--objective', 'x', '--steps', '20000', '--window', '5', '--json'],
  ['grad', 'ni9', '--method', 'kernel', '--param', 'gamma', '--horizon', '10', '--samples', '300', '--json'],
  ['grad', 'linear', '--noise', '0.5', '--method', 'fd', '--param', 'a', '--objective', 'x0', '--steps', '2000', '--batches', '2', '--json'],
  ['grad', 'lorenz63', '--method', 'bptt', '--param', 'rho', '--objective', 'z', '--steps', '200', '--transient', '100', '--repeats', '2', '--json'],
  ['grad', 'linear', '--noise', '0.5', '--method', 'hybrid', '--param', 'a', '--objective', 'x0', '--steps', '3000', '--json'],
  ['grad', 'tent', '--method', 'nilsas', '--param', 'gamma', '--horizon', '5'],
  ['lyapunov', 'henon', '--steps', '2000', '--json'],
];

for (const args of CASES) {
  // two workers only where there is more than one unit to spread
  for (const workers of args.includes('--repeats') && args.includes('2') ? ['1', '2'] : ['1']) {
    test(`bundle and modules print the same: ${args.join(' ')} (${workers} worker(s))`, () => {
      const env = { CHAOSGRAD_WORKERS: workers };
      const a = run(args, env);
      const b = run(args, { ...env, CHAOSGRAD_BUNDLE: '0' });
      assert.deepEqual(a, b);
      assert.ok(a.stdout.length + a.stderr.length > 0);
    });
  }
}

// worker threads start from the bundle's worker entry too (src/parallel/pool.ts): commands spread
// over 2 and 3 threads print the same bytes from the bundle, from the modules and in one thread
// (the kernel in lockstep, FD batches, and a user's --system-module loaded inside the workers)
const MODEL = fileURLToPath(new URL('../../../examples/leaky-net.mjs', import.meta.url));
const MULTI: string[][] = [
  ['grad', 'ni9', '--method', 'kernel', '--horizon', '10', '--samples', '3000', '--noise', '0.5', '--json'],
  ['grad', 'lorenz63', '--method', 'fd', '--param', 'rho', '--objective', 'z', '--steps', '2000', '--batches', '4', '--json'],
  ['grad', '--system-module', MODEL, '--noise', '0.05', '--method', 'hybrid', '--param', 'g', '--objective', 'meansq', '--steps', '2000', '--repeats', '3', '--json'],
];

for (const args of MULTI) {
  test(`multi-worker runs print the same from the bundle and from the modules: ${args.join(' ')}`, () => {
    const one = run(args, { CHAOSGRAD_WORKERS: '1', CHAOSGRAD_BUNDLE: '0' });
    assert.equal(one.code, 0, one.stderr);
    for (const workers of ['2', '3']) {
      const bundled = run(args, { CHAOSGRAD_WORKERS: workers });
      const modules = run(args, { CHAOSGRAD_WORKERS: workers, CHAOSGRAD_BUNDLE: '0' });
      assert.deepEqual(bundled, modules, `${workers} workers: bundle vs modules`);
      assert.deepEqual(bundled, one, `${workers} workers vs one`);
    }
  });
}
