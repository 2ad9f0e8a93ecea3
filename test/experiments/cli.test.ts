import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { expectUsage, runCli, runJson } from '../helpers/cli.js';

describe('experiment and demo commands', () => {
  it('experiment --json: one object naming the files it wrote (data JSON, SVGs, a page)', () => {
    const out = mkdtempSync(join(tmpdir(), 'chaosgrad-exp-'));
    const j = runJson(['experiment', 'explosion', '--size', 'smoke', '--seed', '2', '--out', out]);
    assert.deepEqual(Object.keys(j).sort(), ['data', 'experiment', 'files', 'findings', 'out', 'seconds', 'seed', 'size']);
    assert.equal(j.experiment, 'explosion');
    assert.equal(j.size, 'smoke');
    assert.equal(j.seed, 2);
    assert.equal(j.data.experiment, 'explosion');
    assert.equal(j.findings.length, 3);
    for (const f of j.files) assert.ok(existsSync(f), `missing ${f}`);
    const names = j.files.map((f: string) => f.slice(out.length + 1)).sort();
    assert.deepEqual(names, ['explosion-norms.svg', 'explosion.json', 'index.html']);
    // the data file is the same data as the JSON output
    assert.deepEqual(JSON.parse(readFileSync(join(out, 'explosion.json'), 'utf8')), j.data);
  });

  it('--seeds sets how many seeds an experiment over seeds runs (dsr-lorenz, smoke: 3 instead of 2); the report names it', () => {
    const out = mkdtempSync(join(tmpdir(), 'chaosgrad-seeds-'));
    const j = runJson(['experiment', 'dsr-lorenz', '--size', 'smoke', '--seeds', '3', '--out', out]);
    assert.equal(j.data.seeds.length, 3);
    assert.equal(j.data.settings.seeds, 3);
    assert.ok(j.data.summary.every((m: { finished: number }) => m.finished <= 3));
    assert.match(readFileSync(join(out, 'index.html'), 'utf8'), /--seeds 3/);
  });

  it('without --json, experiment prints its findings and where the page is', () => {
    const out = mkdtempSync(join(tmpdir(), 'chaosgrad-exp-'));
    const r = runCli(['experiment', 'inverse-lorenz', '--size', 'smoke', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Inverse problem: find ρ/);
    assert.ok(r.stdout.includes(`open ${join(out, 'index.html')}`), r.stdout);
  });

  it('usage errors: unknown or missing experiment, bad size, bad seed, extra argument', () => {
    expectUsage(['experiment', 'explode'], /unknown experiment 'explode' \(valid: explosion, estimators, inverse-lorenz, teacher-rnn, slow-teacher, tradeoff, dsr-lorenz\)/);
    expectUsage(['experiment'], /missing <name> \(valid: explosion, estimators, inverse-lorenz, teacher-rnn, slow-teacher, tradeoff, dsr-lorenz\)/);
    expectUsage(['experiment', 'explosion', '--size', 'huge'], /--size must be one of smoke, demo, full, got 'huge'/);
    expectUsage(['experiment', 'explosion', '--seed', '-1'], /--seed must be >= 0/);
    expectUsage(['experiment', 'explosion', '--seeds', '3'], /--seeds goes with the experiments over seeds \(slow-teacher, tradeoff, dsr-lorenz\); 'explosion' has none/);
    expectUsage(['experiment', 'dsr-lorenz', '--seeds', '1'], /--seeds must be >= 2/);
    expectUsage(['demo', '--size', 'big'], /--size must be one of smoke, demo, full/);
    expectUsage(['demo', 'extra'], /unexpected argument 'extra'/);
    expectUsage(['experiment', 'explosion', '--frob'], /Unknown option '--frob'/);
  });

  it('an output directory that cannot be created is a usage error naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chaosgrad-exp-'));
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a directory');
    expectUsage(['demo', '--size', 'smoke', '--out', join(file, 'sub')], /cannot create output directory '.*a-file\/sub'/);
    expectUsage(['experiment', 'explosion', '--size', 'smoke', '--out', join(file, 'sub')], /cannot create output directory/);
  });
});
