import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMBINED_LABEL, DSR_METHODS, noisyLorenz, pairedDifference, runDsrLorenz, summarise, type DsrSeedRun } from '../../src/experiments/index.js';
import { withoutTimes } from '../helpers/experiments.js';

describe('dsr-lorenz', () => {
  it('smoke: every method of every seed finishes with finite metrics; the same seed gives the same data', async () => {
    const a = await runDsrLorenz({ size: 'smoke', seed: 2 });
    assert.equal(a.seeds.length, a.settings.seeds);
    for (const s of a.seeds) {
      assert.deepEqual(s.runs.map((r) => r.label), [...DSR_METHODS]);
      for (const r of s.runs) {
        assert.equal(r.error, null, `${r.label}: ${r.error}`);
        const m = r.metrics!;
        assert.ok([m.dstsp, m.dh, m.pe20, m.lambda1].every(Number.isFinite), `${r.label}: ${JSON.stringify(m)}`);
        assert.ok(m.dstsp >= -1e-8 && m.dh >= 0 && m.dh <= 1);
      }
      // both fine-tunes report their gradient's signal-to-noise and their statistics loss
      for (const r of s.runs.slice(3)) assert.ok(r.gradientSnr! > 0 && r.statisticsLoss!.first >= 0 && r.statisticsLoss!.last >= 0, r.label);
      // the combined fine-tune's capped statistics steps pass the check (forcing.statisticsCheck): one per `every` iterations proposed
      const combined = s.runs.find((r) => r.label === COMBINED_LABEL)!, c = a.settings.combined;
      assert.ok(c.trust !== null && c.check);
      assert.equal(combined.statisticsSteps!.proposed, Math.ceil(c.iterations / c.every));
      assert.ok(combined.statisticsSteps!.kept >= 0 && combined.statisticsSteps!.kept <= combined.statisticsSteps!.proposed);
    }
    // sparse forcing interval from the data's λ₁ (≈ 0.9 per time unit at dt = 0.01 → ≈ 77 steps; the smoke run's short λ₁ estimate is rougher)
    assert.ok(a.data.interval >= 40 && a.data.interval <= 150, `τ = ${a.data.interval}`);
    assert.equal(a.summary.length, DSR_METHODS.length);
    // the acceptance reads the combined fine-tune against GTF alone; the fairness row against GTF continued
    assert.deepEqual(a.paired.slice(0, 2).map((p) => [p.method, p.versus]), [[COMBINED_LABEL, 'generalized TF'], [COMBINED_LABEL, 'GTF continued']]);
    assert.equal(a.acceptance.held, a.paired[0].dstsp.hi < 0 && a.paired[0].dh.hi < 0 && a.paired[0].pe20Ratio.mean <= 1.2);
    const b = await runDsrLorenz({ size: 'smoke', seed: 2 });
    assert.deepEqual(withoutTimes(b), withoutTimes(a));
  });

  it('a diverged model (D_stsp = ∞) is counted, not averaged; a seed with a non-finite difference leaves that paired metric', () => {
    const run = (label: string, dstsp: number, dh: number) => ({ label, metrics: { dstsp, dh, pe20: 0.02, lambda1: 0.9, lambda1Stderr: 0.1 }, cpuSeconds: 1, error: null });
    const seeds: DsrSeedRun[] = [
      { seed: 0, runs: [run('generalized TF', 0.5, 0.05), run(COMBINED_LABEL, 0.3, 0.04)] },
      { seed: 1, runs: [run('generalized TF', 0.7, 0.07), run(COMBINED_LABEL, 0.4, 0.05)] },
      { seed: 2, runs: [run('generalized TF', Infinity, 1), run(COMBINED_LABEL, 0.35, 0.045)] },
    ];
    const gtf = summarise('generalized TF', seeds);
    assert.equal(gtf.finished, 3);
    assert.equal(gtf.diverged, 1);
    assert.equal(gtf.stats!.dstsp.n, 2);
    assert.ok(Math.abs(gtf.stats!.dstsp.mean - 0.6) < 1e-15);
    assert.equal(gtf.stats!.dh.n, 3, 'D_H is finite (1) for the diverged orbit');
    const p = pairedDifference(COMBINED_LABEL, 'generalized TF', seeds);
    assert.equal(p.dstsp.n, 2);
    assert.ok(Math.abs(p.dstsp.mean - -0.25) < 1e-15 && Number.isFinite(p.dstsp.hi));
    assert.equal(p.dh.n, 3);
  });

  it('data: standardised noisy Lorenz (mean ≈ 0, variance ≈ 1 + σ²)', () => {
    const d = noisyLorenz(20_000, 0.01, 0.1, 1);
    const all = new Float64Array([...d.train.values, ...d.test.values]);
    for (let i = 0; i < 3; i++) {
      const col = all.filter((_, k) => k % 3 === i);
      const mean = col.reduce((x, y) => x + y, 0) / col.length;
      const v = col.reduce((x, y) => x + (y - mean) ** 2, 0) / col.length;
      assert.ok(Math.abs(mean) < 0.01 && Math.abs(v - 1.01) < 0.01, `coordinate ${i}: mean ${mean}, variance ${v}`);
    }
  });
});
