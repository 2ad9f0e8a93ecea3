import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UsageError } from '../../src/errors/index.js';
import { hybridEstimator } from '../../src/gradients/index.js';
import { createSystem, decodeSafetensors, encodeSafetensors, loadSystem, systemFromModel, weightsOf, type DynamicalSystem } from '../../src/systems/index.js';
import { runCli } from '../helpers/cli.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'fixtures');
const ref = (exp = 'default') => ({ url: pathToFileURL(join(FIXTURES, 'user-model.mjs')).href, export: exp });

async function hybridGradient(system: DynamicalSystem): Promise<Float64Array> {
  const req = { system, objective: { kind: 'average' as const, observable: 'meansq', steps: 300 }, params: ['g'], seed: 5 };
  return (await hybridEstimator.estimate(req, { repeats: 3 })).gradient;
}

describe('systems from a user module (loadSystem)', () => {
  it('a default export and a factory (receiving dim) load; the spec names the module', async () => {
    const sys = await loadSystem(ref(), { noise: 0.1 });
    assert.equal(sys.name, 'user-net');
    assert.equal(sys.dim, 3);
    assert.deepEqual(sys.spec?.module, ref());
    const sized = await loadSystem(ref('sized'), { dim: 5 });
    assert.equal(sized.dim, 5);
    await assert.rejects(loadSystem(ref('nope')), (e: Error) => e instanceof UsageError && /has no export 'nope' \(exports: default, mainThreadOnly, sized\)/.test(e.message));
    await assert.rejects(loadSystem(ref(), { dim: 4 }), /dim applies to sized systems only/);
  });

  it('repetitions on worker threads rebuild the model from its module: same bits as one thread', async () => {
    const prev = process.env.CHAOSGRAD_WORKERS;
    process.env.CHAOSGRAD_WORKERS = '2';
    try {
      const fromModule = await loadSystem(ref(), { noise: 0.1 });
      // the same model without a spec runs in this thread
      const inThread = systemFromModel((await import(ref().url)).default, { noise: 0.1 });
      assert.equal(inThread.spec, null);
      assert.deepEqual(await hybridGradient(fromModule), await hybridGradient(inThread));
      // a model that refuses to load off the main thread shows that the workers did load it
      const guarded = await loadSystem(ref('mainThreadOnly'), { noise: 0.1 });
      await assert.rejects(hybridGradient(guarded), /rebuilt in a worker thread/);
    } finally {
      if (prev === undefined) delete process.env.CHAOSGRAD_WORKERS;
      else process.env.CHAOSGRAD_WORKERS = prev;
    }
  });

  it('CLI --system-module FILE[#export] works where a system name is accepted', () => {
    const file = join(FIXTURES, 'user-model.mjs');
    const r = runCli(['simulate', '--system-module', `${file}#sized`, '--dim', '4', '--steps', '200', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).averages.mean !== undefined, true);
    const bad = runCli(['simulate', 'henon', '--system-module', file]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /give either a <system> name \('henon'\) or --system-module/);
  });
});

describe('weights: every model with array parameters, JSON and safetensors', () => {
  it('reads the fixture made by test/fixtures/make-safetensors.mjs (F32 and F64 tensors)', () => {
    const t = decodeSafetensors(readFileSync(join(FIXTURES, 'rnn3.safetensors')));
    assert.deepEqual(t.W.shape, [3, 3]);
    assert.deepEqual(Array.from(t.W.data), [0.5, -0.25, 1, 0.75, 0.125, -1.5, -0.5, 2, 0.25]);
    assert.deepEqual(Array.from(t.b.data), [0.1, -0.2, 0.3]);
  });

  it('round trip: encode → decode gives the same bits (F64), single-precision values (F32)', () => {
    const data = Float64Array.from([Math.PI, -1e-300, 12345.678901234567, 0]);
    const back = decodeSafetensors(encodeSafetensors({ A: { shape: [2, 2], data }, v: { shape: [1], data: Float64Array.of(2) } }));
    assert.deepEqual(Array.from(back.A.data), Array.from(data));
    assert.deepEqual(back.A.shape, [2, 2]);
    const f32 = decodeSafetensors(encodeSafetensors({ A: { shape: [4], data } }, 'F32'));
    assert.deepEqual(Array.from(f32.A.data), Array.from(Float32Array.from(data)));
  });

  it('CLI: --weights-out FILE.safetensors then --weights reads it back to the same orbit; user models too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chaosgrad-weights-'));
    for (const sys of [['rnn', '--dim', '5', '--net-seed', '3'], ['--system-module', join(FIXTURES, 'user-model.mjs')]]) {
      for (const ext of ['json', 'safetensors']) {
        const file = join(dir, `w-${sys[0]}.${ext}`);
        const a = runCli(['simulate', ...sys, '--steps', '300', '--json', '--weights-out', file]);
        assert.equal(a.code, 0, a.stderr);
        const b = runCli(['simulate', ...(sys[0] === 'rnn' ? ['rnn'] : sys), '--weights', file, '--steps', '300', '--json']);
        assert.equal(b.code, 0, b.stderr);
        assert.deepEqual(JSON.parse(b.stdout).averages, JSON.parse(a.stdout).averages);
      }
    }
  });

  it('shape errors name the tensor; models without arrays refuse --weights-out', () => {
    const fixture = join(FIXTURES, 'rnn3.safetensors');
    const r = runCli(['simulate', '--system-module', join(FIXTURES, 'user-model.mjs#sized'), '--dim', '4', '--weights', fixture, '--steps', '10']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /weights file '.*rnn3\.safetensors': W must be 4×4; it has 3 rows/);
    assert.throws(() => createSystem('henon', { weights: { a: [1] } }), /weights: a is a scalar parameter of henon/);
    assert.throws(() => createSystem('rnn', { dim: 2, weights: { W: [[1, 0], [0, 1]], b: [0, 0], X: [1] } }), /unknown array parameter of rnn 'X' \(valid: W, b\)/);
    const out = runCli(['simulate', 'henon', '--steps', '10', '--weights-out', join(tmpdir(), 'never.json')]);
    assert.equal(out.code, 2);
    assert.match(out.stderr, /--weights-out: henon has no array-valued parameters/);
    assert.deepEqual(Object.keys(weightsOf(createSystem('rnn', { dim: 2 }))), ['W', 'b']);
  });
});
