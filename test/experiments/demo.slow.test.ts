import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runJson } from '../helpers/cli.js';

// A slow end-to-end case (every experiment once more): run by `npm run validate`, not `npm test`.
describe('demo command (slow)', () => {
  it('demo --json: the report path, and every experiment with its findings', () => {
    const out = mkdtempSync(join(tmpdir(), 'chaosgrad-demo-'));
    const j = runJson(['demo', '--size', 'smoke', '--out', out]);
    assert.deepEqual(Object.keys(j).sort(), ['experiments', 'files', 'out', 'report', 'seconds', 'seed', 'size']);
    assert.equal(j.report, join(out, 'index.html'));
    assert.deepEqual(j.experiments.map((e: { name: string }) => e.name), ['explosion', 'estimators', 'inverse-lorenz', 'teacher-rnn', 'slow-teacher', 'tradeoff', 'dsr-lorenz']);
    const html = readFileSync(j.report, 'utf8');
    assert.match(html, /^<!DOCTYPE html>/);
    assert.equal((html.match(/<svg /g) ?? []).length, (html.match(/<figure /g) ?? []).length);
    for (const f of j.files) assert.ok(existsSync(f), `missing ${f}`);
  });
});
