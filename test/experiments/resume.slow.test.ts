import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runTeacherRnn } from '../../src/experiments/index.js';
import { CLI, runCli } from '../helpers/cli.js';
import { withoutTimes } from '../helpers/experiments.js';

// A slow end-to-end case (minutes): run by `npm run validate` (and `npm run test:slow`), not `npm test`.
process.env.CHAOSGRAD_WORKERS = '1';

const unitFiles = (out: string) => (existsSync(join(out, '.units')) ? readdirSync(join(out, '.units')).filter((f) => f.startsWith('unit-') && f.endsWith('.json')) : []);

describe('experiment --resume (CLI, slow)', () => {
  it('killed (SIGKILL) after two finished units, --resume finishes with the same data as an uninterrupted run', async () => {
    const out = mkdtempSync(join(tmpdir(), 'chaosgrad-kill-'));
    const args = [CLI, 'experiment', 'teacher-rnn', '--size', 'demo', '--seed', '3', '--out', out, '--json'];
    const child = spawn(process.execPath, args, { stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    while (unitFiles(out).length < 2) {
      assert.equal(child.exitCode, null, 'the run ended before it could be interrupted');
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await exited;
    const left = unitFiles(out).length;
    assert.ok(left >= 2 && left < 5, `${left} units saved at the kill`);
    assert.equal(existsSync(join(out, 'teacher-rnn.json')), false, 'the killed run wrote no results');
    // the saved units carry their own CPU times: a resumed run that reuses them reports the same
    const saved = unitFiles(out).map((f) => JSON.parse(readFileSync(join(out, '.units', f), 'utf8')).value as { label: string; cpuSeconds: number[] });
    const r = runCli(['experiment', 'teacher-rnn', '--size', 'demo', '--seed', '3', '--out', out, '--json', '--resume']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`resuming: ${left} finished unit\\(s\\) saved in `));
    const resumed = JSON.parse(r.stdout).data;
    for (const u of saved) assert.deepEqual(resumed.runs.find((x: { label: string }) => x.label === u.label).cpuSeconds, u.cpuSeconds, `${u.label} was reused, not recomputed`);
    const reference = await runTeacherRnn({ size: 'demo', seed: 3 });
    assert.deepEqual(withoutTimes(resumed), withoutTimes(JSON.parse(JSON.stringify(reference))));
    assert.equal(existsSync(join(out, '.units')), false, 'units are removed once the results are written');
    assert.deepEqual(JSON.parse(readFileSync(join(out, 'teacher-rnn.json'), 'utf8')), resumed);
  });
});
