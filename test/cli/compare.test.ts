import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { expectUsage, runCli, runJson } from '../helpers/cli.js';

process.env.CHAOSGRAD_WORKERS = '1';


const BASE = ['compare', 'linear', '--noise', '0.5', '--param', 'c', '--objective', 'x0'];

describe('compare (CLI)', () => {
  it('JSON: reference, setup and one entry per method and budget with error, stderr and CPU time; --plot writes the figure', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chaosgrad-compare-'));
    const plot = join(dir, 'cmp.svg');
    const j = runJson([...BASE, '--methods', 'kernel,hybrid', '--budgets', '0.1,0.2', '--reference-method', 'fd', '--reference-budget', '0.2',
      '--method-options', '{"hybrid":{"split":"pathkernel","alpha":0.5}}', '--plot', plot]);
    for (const k of ['system', 'objective', 'params', 'labels', 'noise', 'reference', 'setup', 'entries', 'methods']) assert.ok(k in j, `key ${k}`);
    assert.equal(j.system, 'linear');
    assert.deepEqual(j.methods, ['kernel', 'hybrid']);
    assert.deepEqual(j.labels, ['c']);
    assert.equal(j.noise, 0.5);
    assert.equal(j.reference.method, 'fd');
    assert.equal(j.reference.gradient.length, 1);
    assert.equal(typeof j.reference.cpuSeconds, 'number');
    assert.equal(j.entries.length, 4);
    for (const e of j.entries) {
      assert.equal(e.ok, true, e.error);
      for (const k of ['method', 'budget', 'size', 'gradient', 'stderr', 'absError', 'zScore', 'seconds', 'cpuSeconds', 'stderrAtOneSecond', 'cost']) assert.ok(k in e, `entry key ${k}`);
      assert.ok(e.cpuSeconds > 0);
      assert.ok(Math.abs(e.absError[0] - Math.abs(e.gradient[0] - j.reference.gradient[0])) < 1e-12);
    }
    assert.deepEqual(j.entries.map((e: { method: string; budget: number }) => `${e.method}@${e.budget}`), ['kernel@0.1', 'kernel@0.2', 'hybrid@0.1', 'hybrid@0.2']);
    assert.ok(existsSync(plot));
    assert.match(readFileSync(plot, 'utf8'), /^<svg[\s\S]*hybrid: \|error\|[\s\S]*<\/svg>$/);
  });

  it('a given reference, the text table, and a method that cannot run recorded as failed (not a crash)', () => {
    const r = runCli(['compare', 'linear', '--param', 'c', '--objective', 'x0', '--methods', 'bptt,kernel', '--budget', '0.1', '--reference', '2']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /reference \(given\): c = 2/);
    assert.match(r.stdout, /kernel\s+0\.1\s+-\s+failed: kernel differentiation needs noise/);
    assert.match(r.stdout, /bptt\s+0\.1\s+\d+\s+1\.99/);
    const j = runJson(['compare', 'linear', '--param', 'c', '--objective', 'x0', '--methods', 'kernel', '--budget', '0.1', '--reference', '2']);
    assert.equal(j.entries[0].ok, false);
    assert.match(j.entries[0].error, /needs noise/);
  });

  it('usage errors name the valid choices', () => {
    expectUsage([...BASE, '--methods', 'kernel,magic'], /unknown method 'magic' in --methods \(valid: kernel, bptt, fd, hybrid, nilsas\)/);
    expectUsage([...BASE, '--methods', 'kernel', '--budget', '1', '--budgets', '1,2'], /give --budget or --budgets, not both/);
    expectUsage([...BASE, '--methods', 'kernel', '--budgets', '1,0'], /--budgets must be > 0/);
    expectUsage([...BASE, '--methods', 'kernel', '--reference', '1,2'], /--reference has 2 values but the gradient has 1 entries/);
    expectUsage([...BASE, '--methods', 'kernel', '--reference', '2', '--reference-method', 'fd'], /not both/);
    expectUsage([...BASE, '--methods', 'kernel', '--reference-method', 'oracle'], /unknown --reference-method 'oracle' \(valid: /);
    expectUsage([...BASE, '--methods', 'kernel', '--method-options', '{"kernel": '], /--method-options is not valid JSON/);
    expectUsage([...BASE, '--methods', 'kernel', '--method-options', '{"magic": {}}'], /--method-options: unknown method 'magic'/);
    expectUsage(['compare', 'nosuch', '--methods', 'kernel'], /unknown system 'nosuch'/);
  });
});
