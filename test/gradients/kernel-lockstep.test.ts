import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { kernelHorizonChunk, type HorizonChunkOptions } from '../../src/gradients/kernel/horizon.js';
import { mergeMoments, emptyMoments, type SampleMoments } from '../../src/gradients/kernel/moments.js';
import type { RepeatArg } from '../../src/gradients/repeats.js';
import type { Objective } from '../../src/gradients/types.js';
import { createSystem, type DynamicalSystem } from '../../src/systems/index.js';
import { CLI } from '../helpers/cli.js';

function moments(sys: DynamicalSystem, params: string[], obj: Objective, chunks: number, lanes: number): SampleMoments {
  const total = emptyMoments(params.length);
  for (let i = 0; i < chunks; i++) {
    const arg: RepeatArg<HorizonChunkOptions> = { spec: null, system: sys, objective: obj, params, seed: 5, stream: i, options: { chunks, baseline: true, lanes } };
    mergeMoments(total, kernelHorizonChunk(arg).diagnostics.moments as SampleMoments);
  }
  return total;
}

const flat = (m: SampleMoments): number[] => [m.count, m.phi, m.phi2, ...m.s, ...m.phiS, ...m.s2, ...m.phiS2, ...m.phi2S2];

for (const [name, opts, params, observable] of [
  ['ni9', { noise: 0.5 }, ['gamma', 'c'], 'mean'],
  ['rnn', { dim: 6, noise: 0.3 }, ['g', 'b'], 'x0'],
  ['tent', { noise: 0.1 }, ['gamma'], 'x'], // lane-loop fallback with wrap
  ['linear', { noise: 0.2, noiseDirections: 'ones' }, ['a', 'c'], 'x0'], // noise directions: GEMM lift
] as const) {
  test(`lockstep kernel (${name}): the same bits whatever the lanes per batch; block sums add up across splits`, () => {
    const sys = createSystem(name, opts as Record<string, unknown>);
    const obj: Objective = { kind: 'horizon', observable, horizon: 12, samples: 75 };
    const one = flat(moments(sys, [...params], obj, 1, 1));
    assert.deepEqual(flat(moments(sys, [...params], obj, 1, 32)), one, 'B = 1 vs B = 32');
    assert.deepEqual(flat(moments(sys, [...params], obj, 1, 512)), one, 'B = 1 vs B = 512 (capped at the samples)');
    // three blocks: samples keep their streams, so the sums differ from one block only by addition order
    const three = flat(moments(sys, [...params], obj, 3, 7));
    three.forEach((v, i) => assert.ok(Math.abs(v - one[i]) <= 1e-12 * (1 + Math.abs(one[i])), `entry ${i}: ${v} vs ${one[i]}`));
  });
}

function grad(env: Record<string, string>): string {
  const r = spawnSync(process.execPath, [CLI, 'grad', 'ni9', '--method', 'kernel', '--horizon', '10', '--samples', '3000', '--noise', '0.5', '--seed', '3', '--json'], { encoding: 'utf8', env: { ...process.env, ...env } });
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { gradient: number[]; stderr: number[]; value: number; cost: { seconds?: number } };
  return JSON.stringify([j.value, j.gradient, j.stderr]);
}

test('lockstep kernel via the CLI: WebAssembly and pure-TS kernels, 1 and 2 workers give the same bits', () => {
  const ref = grad({ CHAOSGRAD_KERNELS: 'wasm', CHAOSGRAD_WORKERS: '1' });
  assert.equal(grad({ CHAOSGRAD_KERNELS: 'js', CHAOSGRAD_WORKERS: '1' }), ref);
  assert.equal(grad({ CHAOSGRAD_KERNELS: 'wasm', CHAOSGRAD_WORKERS: '2' }), ref);
});
