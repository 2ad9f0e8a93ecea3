import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitForcing, forcingInterval, forcingLoss, predictionError, series, type ForcingSettings } from '../../../src/optim/index.js';
import { Rng } from '../../../src/random/index.js';
import { buildSystem, createSystem, defaultParams, plrnn } from '../../../src/systems/index.js';

/** A noisy series from the default clipped PLRNN's first two coordinates (a chaotic orbit). */
function plrnnData(rows: number, seed: number) {
  const sys = createSystem('plrnn-clipped', { dim: 3 });
  const rng = new Rng(seed), x = new Float64Array(3), y = new Float64Array(3);
  sys.sampleInitial(rng, x);
  for (let t = 0; t < 500; t++) (sys.map(x, y), x.set(y));
  const v = new Float64Array(rows * 2);
  for (let t = 0; t < rows; t++) {
    v[2 * t] = x[0] + 0.01 * rng.normal();
    v[2 * t + 1] = x[1] + 0.01 * rng.normal();
    sys.map(x, y);
    x.set(y);
  }
  return series(v, 2);
}

function student() {
  const m = plrnn({ dim: 4, hidden: 8, clipped: true, netSeed: 7 });
  const p = defaultParams(m);
  for (let i = 0; i < p.length; i++) p[i] *= 0.5;
  return buildSystem(m, p, null);
}

describe('teacher forcing', () => {
  const data = plrnnData(400, 1);
  const starts = [3, 50, 171];
  for (const s of [
    { mode: 'sparse', interval: 4, alpha: 0, segment: 13 },
    { mode: 'generalized', interval: 1, alpha: 0.3, segment: 13 },
  ] as ForcingSettings[]) {
    it(`${s.mode}: the BPTT gradient equals central finite differences of the loss (every parameter)`, () => {
      const sys = student();
      const g = new Float64Array(sys.nParams);
      forcingLoss(sys, data, s, starts, g);
      const h = 1e-6;
      let worst = 0;
      for (let q = 0; q < sys.nParams; q++) {
        const p = Float64Array.from(sys.p);
        p[q] += h;
        const up = forcingLoss(sys.withParams(p), data, s, starts, null);
        p[q] -= 2 * h;
        const down = forcingLoss(sys.withParams(p), data, s, starts, null);
        const fd = (up - down) / (2 * h);
        worst = Math.max(worst, Math.abs(fd - g[q]) / (Math.abs(fd) + 1e-3));
      }
      assert.ok(worst < 1e-5, `worst relative gap ${worst}`);
    });
  }

  it('the forcing matters: α = 1 and τ = 1 both give one-step errors; α = 0 equals sparse forcing never applied', () => {
    const sys = student();
    const one = forcingLoss(sys, data, { mode: 'generalized', interval: 1, alpha: 1, segment: 10 }, starts, null);
    const tau1 = forcingLoss(sys, data, { mode: 'sparse', interval: 1, alpha: 0, segment: 10 }, starts, null);
    assert.equal(one, tau1);
    const free = forcingLoss(sys, data, { mode: 'generalized', interval: 1, alpha: 0, segment: 10 }, starts, null);
    const never = forcingLoss(sys, data, { mode: 'sparse', interval: 11, alpha: 0, segment: 10 }, starts, null);
    assert.equal(free, never);
    assert.ok(free > one);
  });

  it('fitting lowers the forced loss of a mismatched student; the same seed gives the same bits', () => {
    const opts = { forcing: { mode: 'generalized', interval: 1, alpha: 0.5, segment: 20 } as ForcingSettings, alphaEnd: 0.1, batch: 8, iterations: 150, optimizer: { name: 'adam', lr: 0.01 } as const, seed: 4 };
    const a = fitForcing(student(), data, opts), b = fitForcing(student(), data, opts);
    const eval0 = forcingLoss(student(), data, { ...opts.forcing, alpha: 0.1 }, starts, null);
    const eval1 = forcingLoss(a.system, data, { ...opts.forcing, alpha: 0.1 }, starts, null);
    assert.ok(eval1 < 0.5 * eval0, `loss ${eval0} → ${eval1}`);
    assert.deepEqual(Array.from(a.system.p), Array.from(b.system.p));
    assert.ok(Math.abs(a.records[149].alpha - 0.1) < 1e-12 && a.records[0].alpha === 0.5);
  });

  it('prediction error: 0 for the generating system on clean data, the offset² for a shifted copy', () => {
    const sys = createSystem('plrnn-clipped', { dim: 3 });
    const x = new Float64Array(3), y = new Float64Array(3), rows = 300;
    sys.sampleInitial(new Rng(2), x);
    const v = new Float64Array(rows * 3);
    for (let t = 0; t < rows; t++) (v.set(x, 3 * t), sys.map(x, y), x.set(y));
    // all three coordinates observed: the warm-up sets the whole state, prediction is exact
    const pe = predictionError(sys, series(v, 3), { horizon: 20, warmup: 0, stride: 7 });
    assert.ok(Math.max(...pe.mse) < 1e-20);
    // the identity map on a ramp x_t = 0.1·t: n steps ahead it is 0.1·n behind
    const ramp = series(Float64Array.from({ length: 200 }, (_, t) => 0.1 * t), 1);
    const pe2 = predictionError(createSystem('linear', { set: { a: 1, c: 0 } }), ramp, { horizon: 5, warmup: 3, stride: 3 });
    pe2.mse.forEach((m, k) => assert.ok(Math.abs(m - (0.1 * (k + 1)) ** 2) < 1e-12, `n = ${k + 1}: ${m}`));
    assert.equal(forcingInterval(Math.LN2 / 76.6), 77);
    assert.throws(() => forcingInterval(-0.1), /positive/);
  });
});
