import assert from 'node:assert/strict';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
import { CLI, expectUsage, runCli, runJson } from '../helpers/cli.js';


describe('CLI contract', () => {
  it('systems --json lists every system with kind, dim, parameters and observables', () => {
    const j = runJson(['systems']);
    const names = j.systems.map((s: { name: string }) => s.name);
    assert.deepEqual(names.sort(), ['gru', 'henon', 'linear', 'lorenz63', 'lorenz96', 'mlp-ode', 'ni9', 'plrnn', 'plrnn-clipped', 'rnn', 'solenoid', 'tent']);
    const l = j.systems.find((s: { name: string }) => s.name === 'lorenz63');
    assert.equal(l.kind, 'flow');
    assert.equal(l.dim, 3);
    assert.deepEqual(l.parameters.map((p: { name: string }) => p.name), ['sigma', 'rho', 'beta']);
    assert.ok(l.observables.includes('z'));
  });

  it('simulate --json prints one object with averages and stderr keyed by observable', () => {
    const j = runJson(['simulate', 'linear', '--noise', '0.5', '--steps', '20000', '--seed', '2']);
    assert.ok(Math.abs(j.averages.x0 - 2) < 4 * j.stderr.x0 + 1e-12);
    assert.equal(typeof j.stderr.meansq, 'number');
  });

  it('simulate lorenz63 gives ⟨z⟩ ≈ 23.55', () => {
    const j = runJson(['simulate', 'lorenz63', '--steps', '100000', '--observables', 'z']);
    assert.ok(Math.abs(j.averages.z - 23.55) < Math.max(0.25, 3 * j.stderr.z), `⟨z⟩ = ${j.averages.z} ± ${j.stderr.z}`);
  });

  it('unknown system, parameter, observable and command list the valid names', () => {
    expectUsage(['simulate', 'lorenz64'], /unknown system 'lorenz64' \(valid: lorenz63, lorenz96, henon/);
    expectUsage(['simulate', 'lorenz63', '--set', 'r=3'], /unknown parameter of lorenz63 'r' \(valid: sigma, rho, beta\)/);
    expectUsage(['simulate', 'henon', '--observables', 'q'], /unknown observable of henon 'q' \(valid: mean, meansq/);
    expectUsage(['frobnicate'], /unknown command 'frobnicate'/);
    expectUsage(['simulate', 'henon', '--frob'], /Unknown option '--frob'/);
  });

  it('malformed --set, non-finite and out-of-range numbers are usage errors', () => {
    expectUsage(['simulate', 'lorenz63', '--set', 'rho'], /malformed --set 'rho'/);
    expectUsage(['simulate', 'lorenz63', '--set', 'rho=abc'], /--set rho must be a finite number/);
    expectUsage(['simulate', 'lorenz63', '--set', 'rho=NaN'], /finite/);
    expectUsage(['simulate', 'linear', '--noise', '-1'], /--noise must be >= 0/);
    expectUsage(['simulate', 'linear', '--noise', 'Infinity'], /--noise must be a finite number/);
    expectUsage(['simulate', 'linear', '--steps', '0'], /--steps must be >= 1/);
    expectUsage(['simulate', 'linear', '--steps', '1.5'], /--steps must be an integer/);
    expectUsage(['simulate', 'lorenz63', '--dt', '0'], /--dt must be > 0/);
    expectUsage(['simulate', 'lorenz63', '--dt', '-0.01'], /--dt must be > 0/);
    expectUsage(['simulate', 'henon', '--dt', '0.1'], /--dt applies to flows only/);
    expectUsage(['simulate', 'henon', '--dim', '3'], /--dim applies to sized systems only/);
    expectUsage(['simulate', 'rnn', '--set', 'W=1'], /array-valued/);
    expectUsage(['simulate', 'linear', '--kernel', 'cauchy', '--noise', '1'], /unknown kernel 'cauchy'/);
  });

  it('weights file: missing, malformed JSON and wrong shape', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chaosgrad-'));
    expectUsage(['simulate', 'rnn', '--weights', join(dir, 'nope.json')], /cannot read weights file .*no such file/);
    writeFileSync(join(dir, 'bad.json'), '{"W": [[1, 2], [3');
    expectUsage(['simulate', 'rnn', '--weights', join(dir, 'bad.json')], /is not valid JSON/);
    writeFileSync(join(dir, 'shape.json'), JSON.stringify({ W: [[1, 2], [3]], b: [0, 0] }));
    expectUsage(['simulate', 'rnn', '--weights', join(dir, 'shape.json')], /W must be 2×2; row 1 has 1 entries/);
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ W: [[1, 0], [0, 1]], b: [0] }));
    expectUsage(['simulate', 'rnn', '--weights', join(dir, 'b.json')], /b must have 2 entries/);
  });

  it('--weights-out writes a network that --weights reads back to the same orbit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chaosgrad-'));
    const file = join(dir, 'net.json');
    const a = runJson(['simulate', 'rnn', '--dim', '6', '--net-seed', '4', '--steps', '500', '--weights-out', file]);
    const b = runJson(['simulate', 'rnn', '--weights', file, '--steps', '500']);
    assert.deepEqual(a.averages, b.averages);
  });

  it('the built bin is executable and runs through its shebang (what `npx chaosgrad` does)', () => {
    assert.ok((statSync(CLI).mode & 0o111) !== 0, `${CLI} is not executable: build with npm run build`);
    const r = spawnSync(CLI, ['systems', '--json'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).systems.length, 12);
  });

  it('a reader that closes the pipe early (`| head`) is not an error: exit 0, nothing on stderr', () => {
    // `true` exits without reading, so chaosgrad's write meets a closed pipe (EPIPE)
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${CLI}" systems --json | true`], { encoding: 'utf8' });
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
  });

  it('a trajectory blow-up is a runtime failure (exit 1) naming the step', () => {
    const r = runCli(['simulate', 'linear', '--set', 'a=3', '--steps', '2000', '--transient', '0']);
    assert.equal(r.code, 1);
    assert.match(r.stderr.trim(), /^chaosgrad: error: trajectory became non-finite at step \d+$/);
  });
});
