import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkCommand } from '../../src/cli/commands/check.js';
import { mutateDerivativeRule } from '../../src/systems/define/rules.js';
import { expectUsage, runCli, runJson } from '../helpers/cli.js';

describe('chaosgrad check', () => {
  it('prints every identity with its worst error and exits 0 when all pass', () => {
    const r = runCli(['check', 'lorenz63', '--cases', '2']);
    assert.equal(r.code, 0, r.stderr);
    for (const id of ['tangent-fd', 'adjoint-transpose', 'block-consistency', 'param-tangent-fd', 'param-adjoint-transpose', 'backward-fused', 'observable-gradients']) assert.match(r.stdout, new RegExp(`${id}\\s+\\S+\\s+\\S+\\s+ok`));
    assert.match(r.stdout, /all derivative checks passed/);
  });

  it('--json gives the typed report; the zoo passes', () => {
    for (const name of ['plrnn', 'gru', 'mlp-ode']) {
      const j = runJson(['check', name, '--dim', '3', '--cases', '2', '--seed', '4']);
      assert.equal(j.system, name);
      assert.equal(j.passed, true);
      assert.equal(j.seed, 4);
      assert.equal(j.checks.length, 7);
      for (const c of j.checks) assert.ok(typeof c.worst === 'number' && c.worst <= c.tolerance, `${name} ${c.name}`);
    }
  });

  it('a wrong derivative makes the report fail with exit code 1 and a line on stderr', async () => {
    try {
      mutateDerivativeRule('relu');
      const writes: string[] = [];
      const orig = process.stderr.write.bind(process.stderr);
      process.stderr.write = ((s: string) => { writes.push(s); return true; }) as typeof process.stderr.write;
      let out;
      try {
        out = await checkCommand.run(['plrnn'], { cases: '2' }, undefined as never);
      } finally {
        process.stderr.write = orig;
      }
      assert.equal(out.exitCode, 1);
      assert.match(out.text, /FAILED: .*tangent-fd/);
      assert.match(writes.join(''), /derivative check failed for plrnn/);
    } finally {
      mutateDerivativeRule(null);
    }
  });

  it('a user module with a wrong hand-written tangent: exit 1, FAILED row, one stderr line', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'chaosgrad-check-')), 'broken.mjs');
    writeFileSync(file, `export default {
      name: 'broken', kind: 'map', dim: 1, description: 'x ↦ a·sin(x) with a sign error in J', equations: 'x ↦ a·sin(x)',
      params: [{ name: 'a', size: 1, default: 2, description: 'a' }], defaultTransient: 10, naturalHorizon: null,
      sampleInitial(rng, out) { out[0] = rng.normal(); },
      bind(p) { return {
        eval(x, out) { out[0] = p[0] * Math.sin(x[0]); },
        jvp(x, v, out) { out[0] = -p[0] * Math.cos(x[0]) * v[0]; },
        vjp(x, w, out) { out[0] = -p[0] * Math.cos(x[0]) * w[0]; },
        pjvp(x, dp, out) { out[0] = Math.sin(x[0]) * dp[0]; },
        pvjp(x, w, out) { out[0] = Math.sin(x[0]) * w[0]; },
      }; },
    };\n`);
    const r = runCli(['check', '--system-module', file, '--cases', '2']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /tangent-fd\s+\S+\s+\S+\s+FAILED/);
    assert.match(r.stdout, /adjoint-transpose\s+\S+\s+\S+\s+ok/); // consistent adjoint: only FD catches it
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /derivative check failed for broken: tangent-fd/);
  });

  it('bad options are usage errors', () => {
    expectUsage(['check', 'lorenz63', '--cases', '0'], /--cases/);
    expectUsage(['check'], /missing <system>/);
  });
});
