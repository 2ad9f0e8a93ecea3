import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const MODEL = join(ROOT, 'examples', 'leaky-net.mjs');

/** The README's "Bring your own model" commands, as a user types them from the repository. */
describe('README: bring your own model', () => {
  it('the user model writes no derivative: only its step rule', () => {
    const text = readFileSync(MODEL, 'utf8');
    assert.doesNotMatch(text, /\b(jvp|vjp|pjvp|pvjp|bind|tangent|adjoint|backward)\b/);
    assert.match(text, /defineSystem\(/);
  });

  it('library script: derivatives pass, λ₁ > 0, a finite gradient with a standard error, training lowers the loss', () => {
    const out = execFileSync(process.execPath, [join(ROOT, 'examples', 'byom.mjs')], { cwd: ROOT, encoding: 'utf8' });
    assert.match(out, /derivatives: all checks passed/);
    const [, l1, l1se] = /lambda1 = (\S+) ± (\S+) per step/.exec(out)!.map(Number);
    assert.ok(l1 > 3 * l1se, `λ₁ = ${l1} ± ${l1se} should be positive`);
    const [, g, gse] = /d<meansq>\/dg = (\S+) ± (\S+)/.exec(out)!.map(Number);
    assert.ok(Number.isFinite(g) && gse > 0);
    const [, before, after] = /loss (\S+) -> (\S+) ±/.exec(out)!.map(Number);
    assert.ok(after < before / 10, `loss ${before} → ${after}`);
  });

  it('CLI: check, lyapunov, grad and train with --system-module / system.module', () => {
    const check = runCli(['check', '--system-module', MODEL, '--json']);
    assert.equal(check.code, 0, check.stderr);
    const ly = runCli(['lyapunov', '--system-module', MODEL, '--k', '2', '--steps', '20000', '--json']);
    assert.equal(ly.code, 0, ly.stderr);
    const spec = JSON.parse(ly.stdout);
    assert.equal(spec.system, 'leaky-net');
    assert.ok(spec.exponents[0] > 3 * spec.stderr[0], `λ₁ = ${spec.exponents[0]} ± ${spec.stderr[0]}`);
    const grad = runCli(['grad', '--system-module', MODEL, '--noise', '0.05', '--method', 'hybrid', '--param', 'g', '--objective', 'meansq', '--steps', '2000', '--repeats', '2', '--json']);
    assert.equal(grad.code, 0, grad.stderr);
    assert.ok(Number.isFinite(JSON.parse(grad.stdout).gradient[0]));
    const out = join(mkdtempSync(join(tmpdir(), 'chaosgrad-byom-')), 'run');
    const tr = runCli(['train', '--config', join(ROOT, 'examples', 'train-leaky-net.json'), '--out', out, '--iterations', '3', '--json']);
    assert.equal(tr.code, 0, tr.stderr);
    assert.equal(JSON.parse(tr.stdout).iterations, 3);
  });
});
