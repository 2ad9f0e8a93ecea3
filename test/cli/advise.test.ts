import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectUsage, runJson } from '../helpers/cli.js';

process.env.CHAOSGRAD_WORKERS = '1';

interface Entry { method: string; ok: boolean; severe: boolean; risks: string[]; stderrAtOneSecond: number | null; command: string | null; recommendedSize: number; cpuSeconds: number; gradient: number[] }

function ranked(entries: Entry[]): void {
  // no failed entry before a working one, no severe risk before a clean one, clean ones by stderr·√CPU
  const rank = (e: Entry) => (!e.ok ? 2 : e.severe ? 1 : 0);
  for (let i = 1; i < entries.length; i++) {
    assert.ok(rank(entries[i - 1]) <= rank(entries[i]), `${entries[i - 1].method} before ${entries[i].method}`);
    if (rank(entries[i - 1]) === 0 && rank(entries[i]) === 0) assert.ok(entries[i - 1].stderrAtOneSecond! <= entries[i].stderrAtOneSecond!);
  }
}

describe('advise (CLI)', () => {
  it('noisy AR(1): every applicable method piloted and ranked by stderr·√CPU; NILSAS flagged on a noisy system; commands rebuild the system', () => {
    const j = runJson(['advise', 'linear', '--noise', '0.5', '--param', 'c', '--objective', 'x0', '--budget', '0.05', '--target', '10']);
    for (const k of ['system', 'objective', 'params', 'labels', 'noise', 'lambda1', 'budget', 'target', 'entries', 'top']) assert.ok(k in j, `key ${k}`);
    const entries = j.entries as Entry[];
    assert.deepEqual(entries.map((e) => e.method).sort(), ['bptt', 'fd', 'hybrid', 'kernel', 'nilsas']);
    ranked(entries);
    assert.ok(j.lambda1 < 0, 'the AR(1) map contracts');
    const nilsas = entries.find((e) => e.method === 'nilsas')!;
    assert.equal(nilsas.severe, true);
    assert.notEqual(j.top, 'nilsas');
    assert.equal(j.top, entries[0].method);
    for (const e of entries.filter((x) => x.ok)) {
      assert.match(e.command!, new RegExp(`^chaosgrad grad linear --noise 0.5 --method ${e.method} --param c --objective x0 --steps \\d+$`));
      assert.ok(e.cpuSeconds > 0 && e.recommendedSize >= 1);
    }
  });

  it('tent (objective jumps at the wrap, λ₁ = ln 3): BPTT and NILSAS carry severe risks, neither is the top choice', () => {
    const j = runJson(['advise', 'tent', '--param', 'gamma', '--objective', 'x', '--budget', '0.05', '--steps', '20000']);
    const entries = j.entries as Entry[];
    ranked(entries);
    for (const m of ['bptt', 'nilsas']) assert.equal(entries.find((e) => e.method === m)!.severe, true, m);
    assert.ok(j.top !== 'bptt' && j.top !== 'nilsas', j.top);
    assert.ok(Math.abs(j.lambda1 - Math.log(3)) < 1e-6);
  });

  it('usage errors: a method that needs noise on a deterministic system, an unknown method', () => {
    expectUsage(['advise', 'lorenz63', '--param', 'rho', '--objective', 'z', '--methods', 'kernel'], /--methods: kernel does not apply here \(it needs --noise σ > 0\)/);
    expectUsage(['advise', 'linear', '--noise', '0.5', '--methods', 'magic'], /unknown method 'magic' in --methods/);
  });
});
