import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  EXPERIMENTS,
  runEstimators,
  runExplosion,
  runInverseLorenz,
  runTeacherRnn,
  type InverseLorenzData,
  type TeacherRnnData,
} from '../../src/experiments/index.js';
import { withoutTimes } from '../helpers/experiments.js';

describe('experiments (smoke size)', () => {
  it('the registry lists the experiments in report order', () => {
    assert.deepEqual(EXPERIMENTS.map((e) => e.name), ['explosion', 'estimators', 'inverse-lorenz', 'teacher-rnn', 'slow-teacher', 'tradeoff', 'dsr-lorenz']);
  });

  it('explosion: the BPTT gradient of lorenz63 and rnn grows at about λ₁', async () => {
    const d = await runExplosion({ size: 'smoke', seed: 0 });
    assert.deepEqual(d.cases.map((c) => c.system), ['lorenz63', 'ni9', 'rnn']);
    for (const c of d.cases) {
      assert.equal(c.result.gradientNorms.length, c.result.horizons.length);
      assert.ok(c.result.lambda1 > 0, `${c.label}: λ₁ = ${c.result.lambda1} (the settings must be chaotic)`);
    }
    // the weakly chaotic ni9 needs long horizons to show its rate; the strongly chaotic two do not
    for (const c of d.cases.filter((x) => x.system !== 'ni9')) {
      assert.ok(c.result.ratio > 0.6 && c.result.ratio < 1.6, `${c.label}: growth rate / λ₁ = ${c.result.ratio}`);
    }
  });

  it('estimators: every method has an entry per row; on the linear map they agree with the exact 1/(1 − a)', async () => {
    const d = await runEstimators({ size: 'smoke', seed: 0 });
    assert.equal(d.rows.length, 7);
    for (const row of d.rows) {
      assert.deepEqual(row.comparison.entries.map((e) => e.method), row.methods);
      if (row.reference.kind !== 'fd') assert.deepEqual(row.comparison.reference.gradient, [row.reference.value]);
    }
    const linear = d.rows.find((r) => r.system === 'linear')!;
    for (const e of linear.comparison.entries) {
      assert.ok(e.ok, `${e.method} failed: ${e.error}`);
      // from a fixed x₀, d/dc of the T-step average is 2 − (2/T)·Σ aⁿ ≈ 2 − 2/T: allow that bias
      const tolerance = 4 * (e.stderr?.[0] ?? 0) + 2.5 / e.size;
      assert.ok(Math.abs(e.gradient![0] - 2) < tolerance, `${e.method}: ${e.gradient![0]} ± ${e.stderr?.[0]} vs 2`);
    }
    const tent = d.rows.find((r) => r.system === 'tent')!;
    const bptt = tent.comparison.entries.find((e) => e.method === 'bptt')!;
    // through the expanding tent map (λ₁ = ln 3) BPTT overflows, or returns a uselessly huge number
    assert.ok(bptt.ok ? bptt.absError![0] > 1e3 * Math.abs(tent.reference.value!) : /overflow/.test(bptt.error!), `BPTT on tent: ${bptt.error ?? bptt.gradient}`);
  });

  it('inverse-lorenz: NILSAS heads for ρ ≈ 34, plain BPTT explodes, clipped BPTT barely moves; reproducible from the seed', async () => {
    const a: InverseLorenzData = await runInverseLorenz({ size: 'smoke', seed: 3 });
    const run = (label: string) => a.runs.find((r) => r.label === label)!;
    const nilsas = run('NILSAS');
    assert.equal(nilsas.error, null);
    // the first gradient is 2(⟨z⟩ − 30)·d⟨z⟩/dρ ≈ 2·(−6.4)·1: one step of 0.4 moves ρ by ≈ 5
    assert.ok(nilsas.gradient[0] < -8 && nilsas.gradient[0] > -18, `NILSAS first gradient ${nilsas.gradient[0]}`);
    assert.ok(nilsas.final!.rho > 31, `NILSAS ρ after 2 iterations: ${nilsas.final!.rho}`);
    // even over the smoke size's 10 time units, e^(λ₁T) ≈ 10⁴: the step throws ρ far away
    const bptt = run('BPTT');
    assert.notEqual(bptt.status, 'converged');
    assert.ok(Math.abs(bptt.gradient[0]) > 1e3, `plain BPTT gradient ${bptt.gradient[0]}`);
    const clip = run('BPTT + clip');
    assert.ok(clip.rho.every((r) => Math.abs(r - 28) <= 0.4 * 2 + 1e-9), `clipped BPTT moves at most α per step: ${clip.rho}`);
    const b = await runInverseLorenz({ size: 'smoke', seed: 3 });
    assert.deepEqual(withoutTimes(b), withoutTimes(a));
  });

  it('teacher-rnn: every method trains, the final loss is measured, reproducible from the seed', async () => {
    const a: TeacherRnnData = await runTeacherRnn({ size: 'smoke', seed: 1 });
    assert.equal(a.teacher.means.length, a.settings.n);
    // the teacher's biases break x → −x: its means are not all ≈ 0
    assert.ok(Math.max(...a.teacher.means.map(Math.abs)) > 0.1, `teacher means ${a.teacher.means}`);
    for (const r of a.runs) {
      assert.equal(r.error, null, `${r.label}: ${r.error}`);
      assert.equal(r.loss.length, a.settings.iterations);
      assert.ok(r.final !== null && Number.isFinite(r.final.loss) && r.final.loss >= 0);
      assert.equal(r.final!.statistics.length, 2 * a.settings.n);
    }
    const b = await runTeacherRnn({ size: 'smoke', seed: 1 });
    assert.deepEqual(withoutTimes(b), withoutTimes(a));
  });
});
