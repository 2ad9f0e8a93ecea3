import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { expectUsage, runCli, runJson } from '../helpers/cli.js';


describe('chaosgrad lyapunov', () => {
  it('henon --json: exponents, stderr, summary and naive bounds', () => {
    const j = runJson(['lyapunov', 'henon', '--steps', '200000']);
    for (const key of ['exponents', 'stderr', 'kaplanYorke', 'positiveCount', 'nearZeroCount', 'sumPositive', 'k', 'steps', 'perUnitTime', 'naiveBounds', 'trace']) assert.ok(key in j, `missing ${key}`);
    assert.equal(j.k, 2);
    assert.equal(j.steps, 200000);
    assert.equal(j.perUnitTime, false);
    assert.ok(Math.abs(j.exponents[0] - 0.4192) < 0.003 && Math.abs(j.exponents[1] + 1.6232) < 0.003);
    assert.ok(j.exponents[0] > j.exponents[1]);
    assert.equal(j.positiveCount, 1);
    assert.equal(typeof j.naiveBounds.logNormJ, 'number');
    assert.equal(typeof j.naiveBounds.logSpectralRadius, 'number');
    assert.equal(j.adjointExponents, undefined);
  });

  it('lorenz63 --clv --adjoint --json: adjoint keys, duality residuals and CLV angles in radians', () => {
    const j = runJson(['lyapunov', 'lorenz63', '--steps', '200000', '--clv', '--adjoint', '--window', '20000']);
    assert.equal(j.perUnitTime, true);
    assert.equal(j.adjointExponents.length, 3);
    assert.equal(j.adjointStderr.length, 3);
    assert.ok(j.dualityResidual < 2, `duality ${j.dualityResidual}`);
    assert.ok(j.biorthogonalityResidual < 1e-8, `bi-orthogonality ${j.biorthogonalityResidual}`);
    assert.equal(j.clvAngles.units, 'radians');
    for (const key of ['min', 'p05', 'median']) assert.ok(j.clvAngles[key] > 0 && j.clvAngles[key] <= Math.PI / 2, key);
    assert.equal(j.clv.unstableDim, 1);
    assert.equal(j.clv.neutralDim, 1);
  });

  it('--k 1 gives λ₁ only; --tau adds finite-time statistics; --growth the measured gradient growth', () => {
    const j = runJson(['lyapunov', 'henon', '--k', '1', '--steps', '20000', '--tau', '20', '--growth', '5,50']);
    assert.equal(j.exponents.length, 1);
    assert.equal(j.finiteTime.tau, 20);
    assert.equal(j.finiteTime.stats.length, 1);
    assert.deepEqual(j.gradientGrowth.map((g: { horizon: number }) => g.horizon), [5, 50]);
    assert.ok(j.gradientGrowth.every((g: { rate: number; stderr: number }) => Number.isFinite(g.rate) && g.stderr > 0));
  });

  it('text output names the exponents and the naive bounds', () => {
    const r = runCli(['lyapunov', 'henon', '--steps', '20000']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Kaplan–Yorke dimension/);
    assert.match(r.stdout, /naive one-step bounds/);
  });

  it('usage errors and a runtime failure', () => {
    expectUsage(['lyapunov', 'lorenz63', '--k', '4'], /--k must be <= 3/);
    expectUsage(['lyapunov', 'lorenz63', '--k', '0'], /--k must be >= 1/);
    expectUsage(['lyapunov', 'lorenz63', '--qr-every', '0'], /--qr-every must be >= 1/);
    expectUsage(['lyapunov', 'henon', '--steps', '10', '--qr-every', '20'], /--qr-every \(20\) must not exceed --steps \(10\)/);
    expectUsage(['lyapunov', 'henon', '--window', '100'], /--window applies with --clv or --adjoint/);
    expectUsage(['lyapunov', 'henon', '--growth', '10,x'], /--growth must be a finite number, got 'x'/);
    expectUsage(['lyapunov'], /missing <system>/);
    expectUsage(['lyapunov', 'lorenz64'], /unknown system 'lorenz64' \(valid: /);
    const r = runCli(['lyapunov', 'linear', '--set', 'a=3', '--transient', '0', '--steps', '5000']);
    assert.equal(r.code, 1);
    assert.match(r.stderr.trim(), /^chaosgrad: error: trajectory became non-finite at step \d+$/);
  });
});

describe('chaosgrad ftle', () => {
  it('ni9 --json: horizon, grid, range, mean/max/min and a G×G field; CSV and SVG/PNG files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chaosgrad-ftle-'));
    const csv = join(dir, 'f.csv'), svg = join(dir, 'f.svg'), png = join(dir, 'f.png');
    const j = runJson(['ftle', 'ni9', '--horizon', '50', '--grid', '6', '--range', '-2,2', '--out', csv, '--plot', svg]);
    assert.equal(j.horizon, 50);
    assert.equal(j.grid, 6);
    assert.deepEqual(j.range, [-2, 2]);
    assert.equal(j.field.length, 6);
    assert.ok(j.field.every((row: number[]) => row.length === 6));
    const flat = j.field.flat();
    assert.ok(Math.abs(j.mean - flat.reduce((a: number, b: number) => a + b, 0) / 36) < 1e-12);
    assert.equal(j.max, Math.max(...flat));
    assert.equal(j.min, Math.min(...flat));
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'a,b,lambda');
    assert.equal(lines.length, 37);
    assert.equal(Number(lines[1].split(',')[2]), j.field[0][0]);
    assert.match(readFileSync(svg, 'utf8'), /^<svg /);
    runJson(['ftle', 'ni9', '--grid', '4', '--plot', png]);
    assert.deepEqual([...readFileSync(png).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });

  it('usage errors name the fix', () => {
    expectUsage(['ftle', 'ni9', '--plot', 'x.gif'], /--plot must name a \.svg or \.png file/);
    expectUsage(['ftle', 'ni9', '--range', '3,1'], /--range needs a < b/);
    expectUsage(['ftle', 'ni9', '--range', '1'], /--range needs two numbers/);
    expectUsage(['ftle', 'ni9', '--dirs', '0,0'], /--dirs must be two different coordinate indices i,j in 0\.\.8 or 'random'/);
    expectUsage(['ftle', 'ni9', '--centre', '1,2'], /--centre needs 1 or 9/);
    expectUsage(['ftle', 'ni9', '--method', 'svd'], /unknown --method 'svd' \(valid: full, power\)/);
    expectUsage(['ftle', 'linear'], /dimension >= 2/);
    expectUsage(['ftle', 'lorenz63'], /--horizon is required for lorenz63/);
    expectUsage(['ftle', 'ni9', '--grid', '1'], /--grid must be >= 2/);
  });
});
