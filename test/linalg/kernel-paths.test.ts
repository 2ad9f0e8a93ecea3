import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { CLI } from '../helpers/cli.js';

/** The estimator output of a CLI run under a kernel path (timings dropped). */
function run(args: string[], kernels: string): unknown {
  const r = spawnSync(process.execPath, [CLI, ...args, '--json'], { encoding: 'utf8', env: { ...process.env, CHAOSGRAD_KERNELS: kernels } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout, (key, value) => (key === 'seconds' || key === 'cpuSeconds' ? undefined : value));
}

// rnn tangent blocks (k ≥ 4) go through the GEMM kernel: the spectrum must not depend on the path
test('Lyapunov spectrum of rnn: WebAssembly and pure-TS kernels give the same bits', () => {
  const args = ['lyapunov', 'rnn', '--dim', '16', '--k', '8', '--steps', '1500'];
  assert.deepEqual(run(args, 'wasm'), run(args, 'js'));
  // k ≥ QR_BLOCKED_MIN_K: the QR runs blocked on the GEMM kernel too
  const blocked = ['lyapunov', 'rnn', '--dim', '40', '--k', '20', '--steps', '400'];
  assert.deepEqual(run(blocked, 'wasm'), run(blocked, 'js'));
});

/** The run's output with the worker count as well (timings dropped). */
function runWorkers(args: string[], kernels: string, workers: string): unknown {
  const r = spawnSync(process.execPath, [CLI, ...args, '--json'], { encoding: 'utf8', env: { ...process.env, CHAOSGRAD_KERNELS: kernels, CHAOSGRAD_WORKERS: workers } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout, (key, value) => (key === 'seconds' || key === 'cpuSeconds' ? undefined : value));
}

// the rnn's parameter adjoints are summed in blocks of steps by GEMM (systems/paramBlock.ts): the
// hybrid and BPTT gradients must not depend on the kernel path nor on the number of workers
test('rnn hybrid and BPTT with block-summed parameter adjoints: same bits on wasm and js, 1 and 2 workers', () => {
  const hybrid = ['grad', 'rnn', '--dim', '24', '--method', 'hybrid', '--param', 'W,b', '--steps', '600', '--noise', '0.1', '--repeats', '2'];
  const ref = runWorkers(hybrid, 'wasm', '1');
  assert.deepEqual(runWorkers(hybrid, 'js', '1'), ref);
  assert.deepEqual(runWorkers(hybrid, 'wasm', '2'), ref);
  const bptt = ['grad', 'rnn', '--dim', '24', '--method', 'bptt', '--param', 'g,W', '--steps', '300', '--repeats', '2'];
  assert.deepEqual(runWorkers(bptt, 'js', '2'), runWorkers(bptt, 'wasm', '1'));
});
