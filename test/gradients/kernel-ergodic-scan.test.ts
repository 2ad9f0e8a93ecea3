import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelErgodicOrbit, type ErgodicOrbitOptions } from '../../src/gradients/kernel/ergodic.js';
import { ergodicScan, scalarKernels } from '../../src/gradients/kernel/ergodicScan.js';
import { Rng } from '../../src/random/index.js';
import { PredictiveBaseline } from '../../src/gradients/kernel/predict.js';
import { ScoreCovector } from '../../src/gradients/kernel/score.js';
import { resolveObjective } from '../../src/gradients/objective.js';
import { selectParams } from '../../src/gradients/params.js';
import { repeatContext, type RepeatArg } from '../../src/gradients/repeats.js';
import type { Objective } from '../../src/gradients/types.js';
import { BatchMeans } from '../../src/stats/index.js';
import { checkFinite, createSystem, initialState, step } from '../../src/systems/index.js';

/**
 * The ergodic kernel loop as it was before blocks of noise and the closure scan (one step() per
 * step, ring indices by %): the fast path must give its bits.
 */
function referenceOrbit(arg: RepeatArg<ErgodicOrbitOptions>, T: number): { rows: Float64Array[][]; means: Float64Array[] } {
  const { system: sys, rng } = repeatContext(arg);
  const { windows, baseline, transient } = arg.options;
  const K = windows.length, Wmax = windows[K - 1];
  const ob = resolveObjective(sys, arg.objective);
  const idx = selectParams(sys, arg.params).indices, P = idx.length;
  const cov = new ScoreCovector(sys);
  let x: Float64Array = initialState(sys, rng, transient);
  let y: Float64Array = new Float64Array(sys.dim);
  const xi = new Float64Array(sys.noise!.rank);
  const ringU = new Float64Array(Wmax * P), ringB = new Float64Array(Wmax), ringPhi = new Float64Array(Wmax);
  const full = new Float64Array(sys.nParams);
  const bms = windows.map((_, i) => new BatchMeans(i === 0 ? P + 1 : P, T, Math.min(arg.options.batches, T)));
  const row = new Float64Array(P + 1);
  const sums = new Float64Array(K);
  const pb = baseline && arg.options.predict ? new PredictiveBaseline(sys, ob, windows, arg.options.predict) : null;
  const ringBw = new Float64Array(Wmax * K), ringF = new Float64Array(Wmax * K);
  let phiSum = ob.value(x), phiCount = 1;
  for (let k = 0; k < T + Wmax - 1; k++) {
    const slot = k % Wmax;
    ringB[slot] = baseline ? phiSum / phiCount : 0;
    if (pb && k < T) pb.at(k, x, ringB[slot], ringBw, ringF, slot * K);
    step(sys, x, y, rng, xi);
    checkFinite(y, transient + k + 1);
    if (k < T) {
      sys.paramAdjoint(x, cov.set(xi, 1), full);
      for (let j = 0; j < P; j++) ringU[slot * P + j] = full[idx[j]];
    }
    [x, y] = [y, x];
    const phi = ob.value(x);
    phiSum += phi;
    phiCount++;
    for (let i = 0; i < K; i++) sums[i] += phi - (k >= windows[i] ? ringPhi[(k - windows[i]) % Wmax] : 0);
    ringPhi[slot] = phi;
    for (let i = 0; i < K; i++) {
      const W = windows[i];
      if (slot === Wmax - 1) {
        let s = 0;
        for (let j = 0; j < Math.min(W, k + 1); j++) s += ringPhi[(k - j) % Wmax];
        sums[i] = s;
      }
      const m = k + 1 - W;
      if (m < 0 || m >= T) continue;
      const ms = m % Wmax;
      const psi = sums[i] - (pb ? ringBw[ms * K + i] : W * ringB[ms]);
      if (pb) pb.learn(i, sums[i] - W * ringB[ms], ringF[ms * K + i]);
      for (let j = 0; j < P; j++) row[j] = psi * ringU[(m % Wmax) * P + j];
      if (i === 0) row[P] = ringPhi[m % Wmax];
      bms[i].push(i === 0 ? row : row.subarray(0, P));
    }
  }
  return { rows: bms.map((b) => b.batchRows()), means: bms.map((b) => b.mean()) };
}

const CASES = [
  { name: 'tent', opts: { noise: 0.1 }, params: ['gamma'], observable: 'x', windows: [7], baseline: true, steps: 10007 },
  { name: 'tent', opts: { noise: 0.1, kernel: 'logistic' }, params: ['gamma'], observable: 'x', windows: [2, 5, 9], baseline: false, steps: 9000 },
  { name: 'tent', opts: { noise: 0.05, set: { gamma: 2.7 } }, params: ['gamma'], observable: 'meansq', windows: [1, 4], baseline: true, steps: 8000 },
  { name: 'linear', opts: { noise: 0.3 }, params: ['a', 'c'], observable: 'x0', windows: [2, 6], baseline: true, steps: 5000 },
  { name: 'linear', opts: { noise: 0.3, noiseDirections: 'ones' }, params: ['a', 'c'], observable: 'x0', windows: [3, 8], baseline: true, steps: 5000 },
  { name: 'lorenz96', opts: { noise: 0.05, dim: 5 }, params: ['F'], observable: 'mean', windows: [6, 12], baseline: true, steps: 3000, predict: { every: 4, horizon: 3 } },
  { name: 'ni9', opts: { noise: 0.5, kernel: 'student:5' }, params: ['gamma', 'c'], observable: 'mean', windows: [4], baseline: true, steps: 4096 * 2 + 1 },
] as const;

for (const c of CASES) {
  test(`ergodic kernel scan (${c.name} ${JSON.stringify(c.opts)}, W = ${c.windows}): the bits of the step-by-step loop`, () => {
    const sys = createSystem(c.name, c.opts as Record<string, unknown>);
    const objective: Objective = { kind: 'average', observable: c.observable, steps: c.steps };
    for (const [orbits, stream] of [[1, 0], [3, 2]]) {
      const predict = 'predict' in c ? c.predict : null;
      const options: ErgodicOrbitOptions = { windows: [...c.windows], baseline: c.baseline, orbits, transient: 50, batches: 16, predict };
      const arg: RepeatArg<ErgodicOrbitOptions> = { spec: null, system: sys, objective, params: [...c.params], seed: 9, stream, options };
      let reports = 0;
      const fast = kernelErgodicOrbit({ ...arg, progress: () => reports++ });
      const T = fast.diagnostics.steps as number;
      const ref = referenceOrbit(arg, T);
      const scan = fast.diagnostics.scan as { gradient: Float64Array }[];
      assert.equal(fast.value, ref.means[0][c.params.length]);
      assert.equal('beta' in fast.diagnostics, predict !== null); // the predictive baseline ran where asked
      c.windows.forEach((_, i) => assert.deepEqual(Array.from(scan[i].gradient), Array.from(ref.means[i].subarray(0, c.params.length)), `window ${i}`));
      // progress at every ⌊steps/100⌋-th step, as before
      const lastStep = T + c.windows[c.windows.length - 1] - 1;
      assert.equal(reports, Math.ceil(lastStep / Math.max(1, Math.floor(lastStep / 100))));
    }
  });
}

/**
 * The scalar form of the scan (one-dimensional maps with scalar kernels) against the vector form it
 * replaces for them (the same system without `scalar`): the same batch rows, bit for bit, for every
 * window, with the running-mean or the predictive baseline, and the same draws.
 */
for (const c of [
  { name: 'tent', opts: { noise: 0.1 }, params: ['gamma'], observable: 'x', windows: [7], baseline: true },
  { name: 'tent', opts: { noise: 0.2, kernel: 'logistic' }, params: ['gamma'], observable: 'meansq', windows: [2, 5, 9], baseline: false },
  { name: 'tent', opts: { noise: 0.1 }, params: ['gamma'], observable: 'x', windows: [3, 6], baseline: true, predict: { every: 2, horizon: 4 } },
  { name: 'linear', opts: { noise: 0.4, kernel: 'student:4' }, params: ['a', 'c'], observable: 'x0', windows: [3, 8], baseline: true },
  { name: 'linear', opts: { noise: 0.4 }, params: ['c'], observable: 'mean', windows: [1], baseline: true },
] as const) {
  test(`scalar ergodic scan (${c.name} ${JSON.stringify(c.opts)}, ${c.params}, W = ${c.windows}${'predict' in c ? ', predictive' : ''}): the vector form's bits`, () => {
    const sys = createSystem(c.name, c.opts as Record<string, unknown>);
    const vectorOnly = { ...sys, scalar: undefined };
    assert.ok(scalarKernels(sys, sys.noise!) !== null, 'the scalar form applies');
    assert.equal(scalarKernels(vectorOnly, sys.noise!), null);
    const ob = resolveObjective(sys, { kind: 'average', observable: c.observable, steps: 1 });
    const idx = selectParams(sys, [...c.params]).indices;
    const T = 4096 * 3 + 17, last = T + c.windows[c.windows.length - 1] - 1;
    const runs = [sys, vectorOnly].map((s) => {
      const rng = new Rng(11);
      const x0 = initialState(s, rng, 30);
      const pb = 'predict' in c && c.predict ? new PredictiveBaseline(s, ob, [...c.windows], c.predict) : null;
      const scan = ergodicScan(s, rng, ob, idx, [...c.windows], T, 16, c.baseline, 30, x0, pb);
      for (let k = 0; k < last; k += 1000) scan.run(k, Math.min(last, k + 1000)); // chunks that cut noise blocks
      return { rows: scan.bms.map((b) => b.batchRows().map((r) => Array.from(r))), after: rng.uniform() };
    });
    assert.deepEqual(runs[0].rows, runs[1].rows);
    assert.equal(runs[0].after, runs[1].after); // the same draws
  });
}

test('scalar ergodic scan: a non-finite state names its step, as the vector form does', () => {
  const sys = createSystem('linear', { noise: 0.1, set: { a: 3 } });
  const ob = resolveObjective(sys, { kind: 'average', observable: 'x0', steps: 1 });
  const messages = [sys, { ...sys, scalar: undefined }].map((s) => {
    const scan = ergodicScan(s, new Rng(1), ob, [0], [2], 4000, 8, true, 0, Float64Array.of(1));
    try {
      scan.run(0, 4000); // |x| grows like 3^k: past 1e308 within 700 steps
    } catch (e) {
      return (e as Error).message;
    }
    return 'no error';
  });
  assert.match(messages[0], /step \d+/);
  assert.equal(messages[0], messages[1]);
});
