import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLI } from '../helpers/cli.js';
import { withoutTimes } from '../helpers/experiments.js';

const SHARD = fileURLToPath(new URL('../../../scripts/dsr-shard.mjs', import.meta.url));
const RUN = ['--size', 'smoke', '--seed', '11', '--seeds', '4'];

function shard(out: string, part: number): Promise<number | null> {
  return new Promise((done) => spawn(process.execPath, [SHARD, ...RUN, '--out', out, '--part', String(part), '--parts', '2'], { stdio: 'ignore' }).on('exit', done));
}

function experiment(out: string, ...extra: string[]): unknown {
  const r = spawnSync(process.execPath, [CLI, 'experiment', 'dsr-lorenz', ...RUN, '--out', out, '--json', ...extra], { encoding: 'utf8', timeout: 120000 });
  assert.equal(r.status, 0, r.stderr);
  return withoutTimes(JSON.parse(readFileSync(join(out, 'dsr-lorenz.json'), 'utf8')));
}

test('scripts/dsr-shard.mjs: two processes on alternate seeds, then --resume, give one run’s data', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dsr-shard-'));
  try {
    const sharded = join(dir, 'sharded');
    assert.deepEqual(await Promise.all([shard(sharded, 0), shard(sharded, 1)]), [0, 0]);
    // every seed saved by exactly the shards (stand-ins never are)
    assert.deepEqual(readdirSync(join(sharded, '.units')).filter((f) => f.startsWith('unit-')).sort(), [0, 1, 2, 3].map((k) => `unit-seed-${k}.json`));
    assert.deepEqual(experiment(sharded, '--resume'), experiment(join(dir, 'one')));
    const bad = spawnSync(process.execPath, [SHARD, ...RUN, '--out', sharded, '--part', '2', '--parts', '2'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--part/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
