import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runSlowTeacher, runTradeoff, UnitStore, type SlowTeacherData, type TradeoffData } from '../../src/experiments/index.js';
import { findings } from '../../src/report/html.js';
import { withoutTimes } from '../helpers/experiments.js';

/** What every training study over seeds must hold, whatever the task. */
function checkStudy(d: SlowTeacherData | TradeoffData): void {
  assert.equal(d.runs.length, d.methods.length * d.settings.seeds.length);
  assert.deepEqual(d.summaries.map((s) => s.label), d.methods.map((m) => m.label));
  for (const r of d.runs) {
    assert.equal(r.error, null, `${r.label}: ${r.error}`);
    assert.equal(r.loss.length, d.settings.iterations);
    assert.ok(r.final !== null && Number.isFinite(r.final.loss) && r.final.loss >= 0, `${r.label}: ${JSON.stringify(r.final)}`);
    assert.ok(r.cpuSeconds.every((c, k) => c > 0 && (k === 0 || c >= r.cpuSeconds[k - 1])));
  }
  for (const s of d.summaries) {
    assert.equal(s.finalLoss.n, d.settings.seeds.length);
    assert.ok(s.finalLoss.lo <= s.finalLoss.mean && s.finalLoss.mean <= s.finalLoss.hi, `${s.label}: ${JSON.stringify(s.finalLoss)}`);
  }
  // every method's gradient at the start is compared with the finite-difference one
  assert.deepEqual(d.gradientCheck.map((c) => c.label), d.methods.map((m) => m.label));
  for (const c of d.gradientCheck) assert.ok(Math.abs(c.cosine.mean) <= 1 + 1e-12 && c.normRatio.mean > 0, JSON.stringify(c));
  // the unbiased methods and both kinds of BPTT baselines are there
  assert.ok(d.methods.some((m) => m.method === 'kernel') && d.methods.some((m) => m.method === 'hybrid'));
  assert.ok(d.methods.some((m) => m.options.truncate !== undefined) && d.methods.some((m) => m.options.clip !== undefined));
}

describe('training studies over seeds (smoke size)', () => {
  it('slow-teacher: every method trains at every seed; the slow unit remembers far longer than the truncation window; reproducible', async () => {
    const a = await runSlowTeacher({ size: 'smoke', seed: 1 });
    checkStudy(a);
    assert.equal(a.teacher.statistics.length, 2 * (a.settings.n + a.settings.m));
    assert.ok(a.correlation.slow.tauAbs > 3 * a.settings.truncation, `slow τ_abs ${a.correlation.slow.tauAbs}`);
    assert.ok(Number.isFinite(a.reference.loss) && a.reference.theta.length === a.settings.n + a.settings.m);
    const b = await runSlowTeacher({ size: 'smoke', seed: 1 });
    assert.deepEqual(withoutTimes(b), withoutTimes(a));
    // the findings name the winner, and say so loudly when runs failed
    assert.ok(findings(a).some((f) => /^Lowest mean final loss: /.test(f)));
    assert.ok(!findings(a).some((f) => /RUNS FAILED/.test(f)));
    const failed = { ...a, summaries: a.summaries.map((s, k) => (k === 0 ? { ...s, failed: 1 } : s)) };
    assert.ok(findings(failed).some((f) => /RUNS FAILED .*BPTT truncated \(K = 10\) 1 of/.test(f)), findings(failed).join('\n'));
  });

  it('tradeoff: every method trains; the reference optimum lowers the loss from the start; reproducible; resumes', async () => {
    const out = mkdtempSync(join(tmpdir(), 'chaosgrad-tradeoff-'));
    const identity = { experiment: 'tradeoff', size: 'smoke', seed: 2 };
    const a = await runTradeoff({ size: 'smoke', seed: 2, units: UnitStore.fresh(out, identity) });
    checkStudy(a);
    assert.ok(a.reference.loss < a.initial.loss, `reference ${a.reference.loss} against initial ${a.initial.loss}`);
    const files = readdirSync(join(out, '.units')).filter((f) => f.startsWith('unit-'));
    assert.equal(files.length, a.runs.length + 1, 'a unit per (method, seed) and the gradient check');
    for (const f of files.slice(3)) rmSync(join(out, '.units', f));
    const resumed = UnitStore.resume(out, identity);
    const b = await runTradeoff({ size: 'smoke', seed: 2, units: resumed });
    assert.deepEqual(resumed.counts, { reused: 3, computed: a.runs.length + 1 - 3 });
    assert.deepEqual(withoutTimes(b), withoutTimes(a));
  });
});
