import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CLI, runCli } from '../helpers/cli.js';

const ENV = { ...process.env, CHAOSGRAD_WORKERS: '1' };

/** A short real run: BPTT on AR(1) with σ = 2, fitting ⟨x⟩ = 2 and ⟨x²⟩ = 12 (a* = 1/√2, c* = 2 − √2). */
const CONFIG = {
  system: { name: 'linear', noise: 2 },
  params: ['a', 'c'],
  loss: [{ observable: 'x0', target: 2 }, { observable: 'x0', power: 2, target: 12, weight: 0.05 }],
  estimator: { method: 'bptt', options: { repeats: 4 }, steps: 1500, transient: 50 },
  optimizer: { name: 'adam', lr: 0.05, schedule: { kind: 'cosine', min: 0.002, warmup: 2 } },
  ema: { beta: 0.8 },
  iterations: 40,
  seed: 3,
  evaluation: { steps: 30000, emaEvery: 10 },
};

function setup(config: unknown = CONFIG, name = 'train.json'): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'chaosgrad-train-cli-'));
  const file = join(dir, name);
  writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
  return { dir, file };
}

function train(args: string[]): Record<string, any> {
  const r = runCli(['train', ...args, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1, 'exactly one JSON line on stdout');
  return JSON.parse(lines[0]);
}

function logOf(dir: string): Record<string, unknown>[] {
  return readFileSync(join(dir, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => {
    const { time: _t, ...rest } = JSON.parse(l);
    return rest;
  });
}

function reproducible(summary: Record<string, any>): Record<string, any> {
  const { computeSeconds: _c, log: _l, checkpoint: _k, resumedFrom: _r, ...rest } = summary;
  return rest;
}

function lineCount(path: string): number {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '').length : 0;
}

/** Starts `train`, polls its log and SIGKILLs it once `after` iterations are logged; returns the count seen. */
function startAndKill(args: string[], log: string, after: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'train', ...args], { env: ENV, stdio: 'ignore' });
    let seen = 0;
    const timer = setInterval(() => {
      seen = lineCount(log);
      if (seen >= after) child.kill('SIGKILL');
    }, 5);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearInterval(timer);
      if (signal !== 'SIGKILL') reject(new Error(`the run ended by itself (code ${code}) before it could be killed`));
      else resolve(seen);
    });
  });
}

function expectUsage(args: string[], pattern: RegExp): void {
  const r = runCli(args);
  assert.equal(r.code, 2, `exit code ${r.code}: ${r.stderr}`);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line expected: ${r.stderr}`);
  assert.match(lines[0], /^chaosgrad: error: /);
  assert.match(lines[0], pattern);
}

describe('train command', () => {
  it('a run killed with SIGKILL and resumed ends IDENTICAL to an uninterrupted run (log, params, summary)', async () => {
    const { dir, file } = setup();
    const whole = join(dir, 'whole'), killed = join(dir, 'killed');
    const a = train(['--config', file, '--out', whole]);
    const seen = await startAndKill(['--config', file, '--out', killed], join(killed, 'log.jsonl'), 4);
    const cp = JSON.parse(readFileSync(join(killed, 'checkpoint.json'), 'utf8'));
    assert.ok(cp.iteration >= 3 && cp.iteration < CONFIG.iterations, `killed after ${seen} logged, checkpoint at ${cp.iteration}`);
    const b = train(['--config', file, '--out', killed, '--resume']);
    assert.equal(b.resumedFrom, cp.iteration);
    assert.deepEqual(reproducible(b), reproducible(a));
    assert.deepEqual(logOf(killed), logOf(whole));
    assert.equal(logOf(whole).length, CONFIG.iterations);
    const cpA = JSON.parse(readFileSync(join(whole, 'checkpoint.json'), 'utf8'));
    const cpB = JSON.parse(readFileSync(join(killed, 'checkpoint.json'), 'utf8'));
    for (const k of ['iteration', 'params', 'optimizer', 'ema']) assert.deepEqual(cpB[k], cpA[k], k);
    // and the training made progress (40 short iterations: about a third of the way to (1/√2, 2 − √2))
    const first = logOf(whole)[0] as { loss: number };
    assert.ok(a.finalEmaLoss < 0.5 * first.loss, `loss ${first.loss} → ${a.finalEmaLoss}`);
  });

  it('--json summary keys; --iterations extends a finished run on --resume; text output', () => {
    const { dir, file } = setup({ ...CONFIG, iterations: 3 });
    const out = join(dir, 'run');
    const j = train(['--config', file, '--out', out]);
    for (const k of ['iterations', 'finalLoss', 'finalLossStderr', 'finalEmaLoss', 'params', 'emaParams', 'statistics', 'log', 'checkpoint', 'method', 'computeSeconds']) assert.ok(k in j, k);
    assert.equal(j.iterations, 3);
    assert.deepEqual(Object.keys(j.params), ['a', 'c']);
    assert.equal(j.method, 'bptt');
    assert.equal(j.log, join(out, 'log.jsonl'));
    assert.deepEqual(j.statistics.map((s: { statistic: string }) => s.statistic), ['x0', 'x0^2']);
    const more = train(['--config', file, '--out', out, '--resume', '--iterations', '5']);
    assert.equal(more.iterations, 5);
    assert.equal(lineCount(join(out, 'log.jsonl')), 5);
    const text = runCli(['train', '--config', file, '--out', join(dir, 'text')]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^trained 2 parameter entries of linear with bptt for 3 iterations/);
    assert.match(text.stdout, /checkpoint: .*checkpoint\.json/);
  });

  it('a malformed config is a one-line usage error naming the field (exit 2)', () => {
    expectUsage(['train', '--config', setup({ ...CONFIG, optimizer: { name: 'adam', lr: 'fast' } }).file], /config: optimizer\.lr must be a positive number \(got "fast"\)$/);
    const { optimizer, ...rest } = CONFIG;
    expectUsage(['train', '--config', setup({ ...rest, optimiser: optimizer }).file], /config: unknown field 'optimiser' \(did you mean 'optimizer'\?\)$/);
    expectUsage(['train', '--config', setup({ ...CONFIG, estimator: { ...CONFIG.estimator, method: 'nope' } }).file], /config: estimator\.method: unknown method 'nope' \(valid: .*bptt/);
    expectUsage(['train', '--config', setup({ ...CONFIG, loss: [{ observable: 'z', target: 1 }] }).file], /config: loss\[0\]\.observable: unknown observable of linear 'z'/);
    expectUsage(['train', '--config', setup('{"system": {"name": ').file], /config '.*train\.json' is not valid JSON/);
    expectUsage(['train'], /missing --config FILE/);
    expectUsage(['train', '--config', join(tmpdir(), 'no-such-config.json')], /cannot read config '.*' no such file|cannot read config '.*': no such file/);
    const { dir, file } = setup();
    expectUsage(['train', '--config', file, '--out', join(dir, 'none'), '--resume'], /no checkpoint in '.*none' to resume/);
    expectUsage(['train', '--config', file, '--iterations', '0'], /--iterations must be >= 1/);
    expectUsage(['train', '--config', file, 'extra'], /unexpected argument 'extra'/);
  });
});
