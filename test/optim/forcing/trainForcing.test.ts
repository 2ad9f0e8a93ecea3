import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UsageError } from '../../../src/errors/index.js';
import { getEstimator, selectParams } from '../../../src/gradients/index.js';
import { evaluateLoss, evaluationFor, iterationSeed, loadTrainConfig, lossObjective, parseTrainConfig, squaredErrorLoss, statisticsStep, train } from '../../../src/optim/index.js';
import { Rng } from '../../../src/random/index.js';
import { createSystem, systemFromSpec } from '../../../src/systems/index.js';

/** 600 rows of the default clipped PLRNN's first two coordinates, as CSV text. */
function csv(): string {
  const sys = createSystem('plrnn-clipped', { dim: 3 });
  const x = new Float64Array(3), y = new Float64Array(3), rng = new Rng(5);
  sys.sampleInitial(rng, x);
  const lines = ['# x0, x1'];
  for (let t = 0; t < 800; t++) {
    if (t >= 200) lines.push(`${x[0] + 0.01 * rng.normal()}, ${x[1] + 0.01 * rng.normal()}`);
    sys.map(x, y);
    x.set(y);
  }
  return lines.join('\n');
}

const dir = mkdtempSync(join(tmpdir(), 'chaosgrad-forcing-'));
const dataFile = join(dir, 'data.csv');
writeFileSync(dataFile, csv());

function settings(forcing: Record<string, unknown>, over: Record<string, unknown> = {}) {
  return {
    system: { name: 'plrnn-clipped', dim: 3, netSeed: 9 },
    params: ['A', 'W1', 'h1', 'h2'],
    forcing: { data: 'data.csv', segment: 20, batch: 8, ...forcing },
    optimizer: { name: 'adam', lr: 0.01 },
    iterations: 40,
    seed: 3,
    ...over,
  };
}

describe('train with teacher forcing (config.forcing)', () => {
  it('generalized forcing from a CSV file: the forced loss falls; the records name the mode and the annealed α reaches alphaEnd', async () => {
    const config = parseTrainConfig(settings({ mode: 'generalized', alpha: 0.5, alphaEnd: 0.1 }), { baseDir: dir });
    assert.equal(config.forcing?.data, dataFile);
    const r = await train(config);
    assert.equal(r.records[0].method, 'teacher-forcing (generalized)');
    const first = r.records.slice(0, 5).reduce((a, x) => a + x.loss, 0) / 5, last = r.records.slice(-5).reduce((a, x) => a + x.loss, 0) / 5;
    assert.ok(last < 0.5 * first, `forced loss ${first} → ${last}`);
    assert.ok(r.records.every((x) => x.lossStderr > 0 && x.statistics.length === 0));
  });

  it('sparse forcing: a run resumed after 15 iterations ends with the same parameters as an uninterrupted one', async () => {
    const raw = settings({ mode: 'sparse', interval: 5 });
    const a = await train(parseTrainConfig({ ...raw, out: join(dir, 'a') }, { baseDir: dir }));
    const out = join(dir, 'b');
    await train(parseTrainConfig({ ...raw, iterations: 15, out }, { baseDir: dir }));
    const b = await train(parseTrainConfig({ ...raw, out }, { baseDir: dir }), { resume: true });
    assert.equal(b.resumedFrom, 15);
    assert.deepEqual(Array.from(b.params), Array.from(a.params));
    assert.deepEqual(Array.from(b.emaParams), Array.from(a.emaParams));
  });

  it('config mistakes are one line naming the field', async () => {
    const bad = (forcing: Record<string, unknown>, over: Record<string, unknown> = {}) => () => parseTrainConfig(settings(forcing, over), { baseDir: dir });
    assert.throws(bad({ mode: 'sparse' }), /forcing\.interval is missing/);
    assert.throws(bad({ mode: 'generalized', alpha: 0.2, interval: 3 }), /forcing\.interval goes with mode 'sparse'/);
    assert.throws(bad({ mode: 'teacher' }), UsageError);
    assert.throws(bad({ mode: 'sparse', interval: 3 }, { loss: [{ observable: 'x0', target: 1 }] }), /config: loss goes with a statistics loss/);
    writeFileSync(join(dir, 'bad.csv'), '1, 2\n3\n');
    await assert.rejects(train(parseTrainConfig(settings({ mode: 'sparse', interval: 3, data: 'bad.csv' }), { baseDir: dir })), /row 2 of .* must hold 2 finite numbers/);
    writeFileSync(join(dir, 'run.json'), JSON.stringify(settings({ mode: 'sparse', interval: 3, segment: 900 })));
    await assert.rejects(async () => train(await loadTrainConfig(join(dir, 'run.json'))), /forcing segment 900 must be shorter than the data/);
  });
});

describe('train with the combined objective (forcing.statisticsWeight): forcing loss + λ·statistics loss', () => {
  // 3 trained entries, so the records carry the gradient; process noise for the kernel estimator
  const raw = (over: Record<string, unknown> = {}) =>
    settings(
      { mode: 'generalized', alpha: 0.3, statisticsWeight: 0.5, statisticsEvery: 3 },
      {
        system: { name: 'plrnn-clipped', dim: 3, netSeed: 9, noise: 0.05 },
        params: ['h1'],
        loss: [{ observable: 'x0', target: 0.5 }, { observable: 'x1', power: 2, target: 0.2 }],
        estimator: { method: 'kernel', steps: 3000, transient: 100 },
        evaluation: { steps: 2000 },
        iterations: 7,
        ...over,
      },
    );

  it('every 3rd iteration adds λ·(the statistics gradient on its own seed stream) to the forcing gradient; the others are forcing alone', async () => {
    const config = parseTrainConfig(raw(), { baseDir: dir });
    const r = await train(config);
    r.records.forEach((x, it) => {
      assert.equal(x.method.includes('+ 0.5·kernel'), it % 3 === 0, x.method);
      assert.equal(x.statisticsLoss !== undefined && x.statistics.length === 2, it % 3 === 0);
    });
    // iteration 0 by hand: the forcing run's gradient (same seed streams) + λ·∇L_S, ∇L_S from the
    // statistics stream Rng(seed of the iteration's part).split(1)
    const forcingOnly = await train(parseTrainConfig(raw({ loss: undefined, estimator: undefined, evaluation: undefined, iterations: 1, forcing: { data: 'data.csv', segment: 20, batch: 8, mode: 'generalized', alpha: 0.3 } }), { baseDir: dir }));
    const sys = await systemFromSpec(config.system);
    const loss = squaredErrorLoss(config.loss);
    const e = evaluateLoss(sys, loss, evaluationFor(config.estimator.objective, config.evaluation), new Rng(iterationSeed(3, 0, 0)).split(1).seed);
    assert.ok(Math.abs(e.loss - r.records[0].statisticsLoss!) < 1e-12);
    const gs = await getEstimator('kernel').estimate({ system: sys, objective: lossObjective(loss, e.statistics, config.estimator.objective), params: ['h1'], seed: new Rng(iterationSeed(3, 0, 1)).split(1).seed }, {});
    const gf = forcingOnly.records[0].gradient!;
    r.records[0].gradient!.forEach((g, i) => assert.ok(Math.abs(g - (gf[i] + 0.5 * gs.gradient[i])) < 1e-12 * (1 + Math.abs(g)), `entry ${i}: ${g} vs ${gf[i]} + 0.5·${gs.gradient[i]}`));
    assert.ok(gs.gradient.some((g) => Math.abs(g) > 1e-6), 'the statistics term contributes');
  });

  it('a run resumed after 4 iterations ends with the same parameters as an uninterrupted one', async () => {
    const a = await train(parseTrainConfig({ ...raw(), out: join(dir, 'ca') }, { baseDir: dir }));
    const out = join(dir, 'cb');
    await train(parseTrainConfig({ ...raw({ iterations: 4 }), out }, { baseDir: dir }));
    const b = await train(parseTrainConfig({ ...raw(), out }, { baseDir: dir }), { resume: true });
    assert.equal(b.resumedFrom, 4);
    assert.deepEqual(Array.from(b.params), Array.from(a.params));
  });

  it('statisticsTrust: Adam sees the forcing gradient alone; after its update Δ_F the step −λ·ĝ_S capped at ρ‖Δ_F‖ is added', async () => {
    const trust = 0.5;
    const forcing = { data: 'data.csv', segment: 20, batch: 8, mode: 'generalized', alpha: 0.3 };
    const config = parseTrainConfig(raw({ iterations: 2, forcing: { ...forcing, statisticsWeight: 0.5, statisticsEvery: 3, statisticsTrust: trust } }), { baseDir: dir });
    assert.equal(config.forcing?.statisticsTrust, trust);
    const r = await train(config);
    const forcingOnly = await train(parseTrainConfig(raw({ loss: undefined, estimator: undefined, evaluation: undefined, iterations: 1, forcing }), { baseDir: dir }));
    // the optimiser's gradient is the forcing gradient, bit for bit
    assert.deepEqual(r.records[0].gradient, forcingOnly.records[0].gradient);
    assert.equal(r.records[1].statisticsStep, undefined);
    // θ₁ = Adam(θ₀, g_F) + statisticsStep(−λ·ĝ_S, Δ_F, ρ), ĝ_S on the statistics seed stream
    const sys = await systemFromSpec(config.system);
    const loss = squaredErrorLoss(config.loss);
    const e = evaluateLoss(sys, loss, evaluationFor(config.estimator.objective, config.evaluation), new Rng(iterationSeed(3, 0, 0)).split(1).seed);
    const gs = await getEstimator('kernel').estimate({ system: sys, objective: lossObjective(loss, e.statistics, config.estimator.objective), params: ['h1'], seed: new Rng(iterationSeed(3, 0, 1)).split(1).seed }, {});
    const theta0 = r.records[0].params!, adam = Array.from(forcingOnly.params);
    const update = Float64Array.from(adam, (v, i) => v - theta0[i]);
    const s = statisticsStep(gs.gradient.map((g) => -0.5 * g), update, trust);
    assert.ok(s.scale < 1, `the cap binds in this test (scale ${s.scale})`);
    r.records[1].params!.forEach((v, i) => assert.ok(Math.abs(v - (adam[i] + s.step[i])) < 1e-12, `entry ${i}: ${v} vs ${adam[i]} + ${s.step[i]}`));
    const rec = r.records[0].statisticsStep!;
    assert.ok(Math.abs(rec.norm - trust * rec.updateNorm) < 1e-12 && Math.abs(rec.scale - s.scale) < 1e-12, JSON.stringify(rec));
    assert.ok(rec.gradStderrNorm !== null && rec.gradStderrNorm > 0 && rec.gradNorm > 0);
  });

  it('statisticsTrust: a run resumed after 4 iterations ends with the same parameters as an uninterrupted one', async () => {
    const forcing = { data: 'data.csv', segment: 20, batch: 8, mode: 'generalized', alpha: 0.3, statisticsWeight: 0.5, statisticsEvery: 3, statisticsTrust: 2 };
    const a = await train(parseTrainConfig({ ...raw({ forcing }), out: join(dir, 'ta') }, { baseDir: dir }));
    const out = join(dir, 'tb');
    await train(parseTrainConfig({ ...raw({ forcing, iterations: 4 }), out }, { baseDir: dir }));
    const b = await train(parseTrainConfig({ ...raw({ forcing }), out }, { baseDir: dir }), { resume: true });
    assert.equal(b.resumedFrom, 4);
    assert.deepEqual(Array.from(b.params), Array.from(a.params));
    assert.ok(a.records.filter((x) => x.statisticsStep !== undefined).length === 3);
  });

  it('config: statisticsTrust needs statisticsWeight and must be positive', () => {
    assert.throws(() => parseTrainConfig(settings({ mode: 'generalized', alpha: 0.3, statisticsTrust: 2 }), { baseDir: dir }), /forcing\.statisticsTrust goes with forcing\.statisticsWeight/);
    assert.throws(() => parseTrainConfig(raw({ forcing: { data: 'data.csv', segment: 20, mode: 'generalized', alpha: 0.3, statisticsWeight: 0.5, statisticsTrust: 0 } }), { baseDir: dir }), /forcing\.statisticsTrust must be a positive number/);
  });

  for (const backtrack of [undefined, 2]) {
    it(`statisticsCheck${backtrack ? ` with statisticsBacktrack ${backtrack}` : ''}: θ₁ is the Adam update plus the candidate step with the lowest L_S (one seed) when below L_S without it, else the Adam update alone; resume is bit-identical`, async () => {
      const forcing = { data: 'data.csv', segment: 20, batch: 8, mode: 'generalized', alpha: 0.3, statisticsWeight: 0.5, statisticsEvery: 3, statisticsTrust: 0.5, statisticsCheck: true, ...(backtrack && { statisticsBacktrack: backtrack }) };
      const config = parseTrainConfig(raw({ forcing }), { baseDir: dir });
      assert.equal(config.forcing?.statisticsCheck, true);
      assert.equal(config.forcing?.statisticsBacktrack, backtrack);
      const r = await train(config);
      const checked = r.records.filter((x) => x.statisticsStep !== undefined);
      assert.equal(checked.length, 3);
      assert.ok(checked.every((x) => x.statisticsStep!.check!.candidates.length === (backtrack ?? 0) + 1));
      // iteration 0 by hand: Adam's θ, the capped step, every candidate measured on the seed Rng(gradient seed).split(2)
      const plainForcing = { data: 'data.csv', segment: 20, batch: 8, mode: 'generalized', alpha: 0.3 };
      const forcingOnly = await train(parseTrainConfig(raw({ loss: undefined, estimator: undefined, evaluation: undefined, iterations: 1, forcing: plainForcing }), { baseDir: dir }));
      const sys = await systemFromSpec(config.system);
      const loss = squaredErrorLoss(config.loss), ev = evaluationFor(config.estimator.objective, config.evaluation);
      const e = evaluateLoss(sys, loss, ev, new Rng(iterationSeed(3, 0, 0)).split(1).seed);
      const gs = await getEstimator('kernel').estimate({ system: sys, objective: lossObjective(loss, e.statistics, config.estimator.objective), params: ['h1'], seed: new Rng(iterationSeed(3, 0, 1)).split(1).seed }, {});
      const theta0 = r.records[0].params!, adam = Float64Array.from(forcingOnly.params);
      const s = statisticsStep(gs.gradient.map((g) => -0.5 * g), Float64Array.from(adam, (v, i) => v - theta0[i]), 0.5);
      const sel = selectParams(sys, ['h1']);
      const at = (p: ArrayLike<number>) => {
        const full = Float64Array.from(sys.p);
        sel.indices.forEach((q, i) => (full[q] = p[i]));
        return sys.withParams(full);
      };
      const checkSeed = new Rng(iterationSeed(3, 0, 1)).split(2).seed;
      const without = evaluateLoss(at(adam), loss, ev, checkSeed).loss;
      const factors = Array.from({ length: (backtrack ?? 0) + 1 }, (_, j) => 4 ** -j);
      const candidates = factors.map((f) => Float64Array.from(adam, (v, i) => v + f * s.step[i]));
      const losses = candidates.map((c) => evaluateLoss(at(c), loss, ev, checkSeed).loss);
      const c = r.records[0].statisticsStep!.check!;
      assert.ok(Math.abs(c.lossWithout - without) < 1e-12, JSON.stringify({ c, without }));
      c.candidates.forEach((l, j) => assert.ok(Math.abs(l - losses[j]) < 1e-12, `candidate ${j}: ${l} vs ${losses[j]}`));
      const best = losses.indexOf(Math.min(...losses));
      assert.equal(c.kept, losses[best] < without);
      assert.equal(c.factor, c.kept ? factors[best] : 0);
      const expected = c.kept ? candidates[best] : adam;
      r.records[1].params!.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-12, `entry ${i}: ${v} vs ${expected[i]}`));
      // the statistics evaluation and the check runs are counted with the forcing evaluation
      assert.equal(r.records[0].cost.evaluationSteps, r.records[1].cost.evaluationSteps + (3 + (backtrack ?? 0)) * e.steps);
      // resumed after 4 iterations: the same parameters as the uninterrupted run
      const out = join(dir, `kb${backtrack ?? 0}`);
      await train(parseTrainConfig({ ...raw({ forcing, iterations: 4 }), out }, { baseDir: dir }));
      const b = await train(parseTrainConfig({ ...raw({ forcing }), out }, { baseDir: dir }), { resume: true });
      assert.deepEqual(Array.from(b.params), Array.from(r.params));
    });
  }

  it('config: statisticsCheck is a boolean that goes with statisticsTrust; statisticsBacktrack a positive integer that goes with statisticsCheck', () => {
    const forcing = { data: 'data.csv', segment: 20, mode: 'generalized', alpha: 0.3, statisticsWeight: 0.5 };
    assert.throws(() => parseTrainConfig(raw({ forcing: { ...forcing, statisticsCheck: true } }), { baseDir: dir }), /forcing\.statisticsCheck goes with forcing\.statisticsTrust/);
    assert.throws(() => parseTrainConfig(raw({ forcing: { ...forcing, statisticsTrust: 1, statisticsCheck: 'yes' } }), { baseDir: dir }), /forcing\.statisticsCheck must be true or false/);
    assert.equal(parseTrainConfig(raw({ forcing: { ...forcing, statisticsTrust: 1, statisticsCheck: false } }), { baseDir: dir }).forcing?.statisticsCheck, undefined);
    assert.throws(() => parseTrainConfig(raw({ forcing: { ...forcing, statisticsTrust: 1, statisticsBacktrack: 2 } }), { baseDir: dir }), /forcing\.statisticsBacktrack goes with forcing\.statisticsCheck/);
    assert.throws(() => parseTrainConfig(raw({ forcing: { ...forcing, statisticsTrust: 1, statisticsCheck: true, statisticsBacktrack: 0 } }), { baseDir: dir }), /forcing\.statisticsBacktrack must be a positive integer/);
  });

  it('config: statisticsEvery needs statisticsWeight; a loss with forcing alone points at statisticsWeight', () => {
    assert.throws(() => parseTrainConfig(settings({ mode: 'generalized', alpha: 0.3, statisticsEvery: 2 }), { baseDir: dir }), /forcing\.statisticsEvery goes with forcing\.statisticsWeight/);
    assert.throws(() => parseTrainConfig(settings({ mode: 'generalized', alpha: 0.3 }, { loss: [{ observable: 'x0', target: 1 }] }), { baseDir: dir }), /loss goes with a statistics loss.*statisticsWeight/);
    assert.throws(() => parseTrainConfig(raw({ estimator: undefined }), { baseDir: dir }), /estimator is missing/);
    assert.throws(() => parseTrainConfig(settings({ mode: 'generalized', alpha: 0.3, statisticsWeight: -1 }), { baseDir: dir }), /statisticsWeight must be a positive number/);
  });
});

