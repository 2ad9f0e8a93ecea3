import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadTrainConfig, parseTrainConfig } from '../../src/optim/index.js';

/** A valid configuration; tests break one field at a time. */
function valid(): Record<string, any> {
  return {
    system: { name: 'linear', noise: 0.5, set: { a: 0.5 } },
    params: ['c'],
    loss: [{ observable: 'x0', target: 3 }, { observable: 'x0', power: 2, target: 10, weight: 0.5 }],
    estimator: { method: 'bptt', options: { clip: 1 }, steps: 1000, transient: 50 },
    optimizer: { name: 'adam', lr: 0.05, beta1: 0.8, schedule: { kind: 'cosine', warmup: 3 } },
    ema: { beta: 0.9 },
    iterations: 30,
    seed: 4,
    evaluation: { steps: 5000, emaEvery: 5 },
    out: 'runs/x',
  };
}

function broken(edit: (c: Record<string, any>) => void): Record<string, any> {
  const c = valid();
  edit(c);
  return c;
}

/** The one-line message of the UsageError a config raises. */
function errorOf(raw: unknown): string {
  try {
    parseTrainConfig(raw);
  } catch (e) {
    assert.equal((e as Error).name, 'UsageError', String(e));
    assert.ok(!(e as Error).message.includes('\n'), 'one line');
    return (e as Error).message;
  }
  assert.fail('expected a usage error');
}

const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));

describe('training configuration', () => {
  it('a valid configuration resolves defaults (cosine total = iterations) and keeps method options as given', () => {
    const c = parseTrainConfig(valid());
    assert.deepEqual(c.system, { name: 'linear', options: { noise: 0.5, set: { a: 0.5 } } });
    assert.deepEqual(c.estimator, { method: 'bptt', options: { clip: 1 }, objective: { kind: 'average', steps: 1000, transient: 50 } });
    assert.deepEqual(c.optimizer, { name: 'adam', lr: 0.05, beta1: 0.8, schedule: { kind: 'cosine', total: 30, warmup: 3 } });
    assert.deepEqual(c.evaluation, { steps: 5000, emaEvery: 5 });
    assert.equal(c.seed, 4);
    const minimal = parseTrainConfig({ ...valid(), ema: undefined, seed: undefined, evaluation: undefined, out: undefined });
    assert.deepEqual([minimal.ema.beta, minimal.seed, minimal.evaluation.emaEvery, minimal.out], [0.9, 0, 0, null]);
    const horizon = parseTrainConfig(broken((c) => ((c.estimator = { method: 'bptt', horizon: 20 }), (c.evaluation = { samples: 300 }))));
    assert.deepEqual(horizon.estimator.objective, { kind: 'horizon', horizon: 20, samples: 1000 });
  });

  it('malformed fields give one line naming the field, what was expected and what was found', () => {
    const cases: [(c: Record<string, any>) => void, RegExp][] = [
      [(c) => (c.optimizer.lr = 'fast'), /^config: optimizer\.lr must be a positive number \(got "fast"\)$/],
      [(c) => ((c.optimiser = c.optimizer), delete c.optimizer), /^config: unknown field 'optimiser' \(did you mean 'optimizer'\?\)$/],
      [(c) => (c.optimizer.lrr = 1), /^config: unknown field 'optimizer\.lrr' \(did you mean 'optimizer\.lr'\?\)$/],
      [(c) => (c.optimizer.beta = 0.9), /^config: unknown field 'optimizer\.beta' \(did you mean 'optimizer\.beta1'\?\)$/],
      [(c) => (c.optimizer.momentum = 0.9), /^config: unknown field 'optimizer\.momentum' \(valid: name, lr, beta1, beta2, eps, schedule\)$/],
      [(c) => (c.optimizer.name = 'rmsprop'), /^config: optimizer\.name must be one of sgd, momentum, adam \(got "rmsprop"\)$/],
      [(c) => (c.optimizer.beta1 = 1), /^config: optimizer\.beta1 must be a number in \[0, 1\) \(got 1\)$/],
      [(c) => (c.optimizer.schedule = { kind: 'step', every: 5 }), /^config: optimizer\.schedule\.factor is missing: give a positive number$/],
      [(c) => (c.optimizer.schedule = { kind: 'linear' }), /^config: optimizer\.schedule\.kind must be one of constant, step, cosine, inverse-time \(got "linear"\)$/],
      [(c) => delete c.iterations, /^config: iterations is missing: give a positive integer$/],
      [(c) => (c.iterations = 2.5), /^config: iterations must be a positive integer \(got 2\.5\)$/],
      [(c) => (c.system.name = 'lorenz64'), /^config: system\.name must be one of .*lorenz63.* \(got "lorenz64"\)$/],
      [(c) => (c.system.set = { r: 1 }), /^config: system: unknown parameter of linear 'r' \(valid: a, c\)$/],
      [(c) => (c.system.dim = 3), /^config: system: dim applies to sized systems only/],
      [(c) => (c.params = ['q']), /^config: params: unknown parameter of linear 'q' \(valid: a, c\)$/],
      [(c) => (c.params = []), /^config: params must be a non-empty list \(got \[\]\)$/],
      [(c) => (c.loss[1].observable = 'y'), /^config: loss\[1\]\.observable: unknown observable of linear 'y' \(valid: mean, meansq, sum, x0\)$/],
      [(c) => (c.loss[0].power = 0), /^config: loss\[0\]\.power must be a positive integer \(got 0\)$/],
      [(c) => delete c.loss[0].target, /^config: loss\[0\]\.target is missing: give a finite number$/],
      [(c) => (c.loss[0].targt = 1), /^config: unknown field 'loss\[0\]\.targt' \(did you mean 'loss\[0\]\.target'\?\)$/],
      [(c) => (c.estimator.horizon = 5), /^config: estimator\.horizon and estimator\.steps\/transient exclude each other/],
      [(c) => delete c.estimator.steps, /^config: estimator\.steps is missing: give steps \(long-time average\) or horizon/],
      [(c) => (c.estimator.options = 3), /^config: estimator\.options must be a table\/object \(got 3\)$/],
      [(c) => (c.evaluation.samples = 10), /^config: evaluation\.samples goes with a finite-horizon estimator/],
      [(c) => (c.ema = { beta: -0.1 }), /^config: ema\.beta must be a number in \[0, 1\) \(got -0\.1\)$/],
      [(c) => (c.seed = -1), /^config: seed must be a non-negative integer \(got -1\)$/],
      [(c) => (c.system.weights = 'nope.json'), /^config: system\.weights file '.*nope\.json' cannot be read \(ENOENT\)$/],
    ];
    for (const [edit, pattern] of cases) assert.match(errorOf(broken(edit)), pattern);
    assert.match(errorOf([1, 2]), /^config: \(top level\) must be a table\/object/);
  });

  it('rnn weights are read relative to the config file; JSON syntax errors are one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chaosgrad-config-'));
    writeFileSync(join(dir, 'net.json'), JSON.stringify({ W: [[0, 1], [-1, 0]], b: [0.1, 0.2] }));
    const cfg = { ...valid(), system: { name: 'rnn', weights: 'net.json' }, params: ['b'], loss: [{ observable: 'x0', target: 0.1 }] };
    writeFileSync(join(dir, 'rnn.json'), JSON.stringify(cfg));
    const c = await loadTrainConfig(join(dir, 'rnn.json'));
    assert.deepEqual(c.system.options.weights, { W: [[0, 1], [-1, 0]], b: [0.1, 0.2] });
    writeFileSync(join(dir, 'bad.json'), '{"system": {');
    await assert.rejects(loadTrainConfig(join(dir, 'bad.json')), /^UsageError: config '.*bad\.json' is not valid JSON: [^\n]*$/);
    await assert.rejects(loadTrainConfig(join(dir, 'none.json')), /cannot read config '.*none\.json': no such file/);
  });

  it('a TOML configuration reads the same as its JSON twin', async (t) => {
    try {
      await import('smol-toml' as string);
    } catch {
      t.skip('smol-toml is not installed');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'chaosgrad-config-'));
    writeFileSync(join(dir, 'run.toml'), [
      'params = ["c"]', 'iterations = 30', 'seed = 4', 'out = "runs/x"',
      '[system]', 'name = "linear"', 'noise = 0.5', 'set = { a = 0.5 }',
      '[[loss]]', 'observable = "x0"', 'target = 3',
      '[[loss]]', 'observable = "x0"', 'power = 2', 'target = 10', 'weight = 0.5',
      '[estimator]', 'method = "bptt"', 'steps = 1000', 'transient = 50', 'options = { clip = 1 }',
      '[optimizer]', 'name = "adam"', 'lr = 0.05', 'beta1 = 0.8', 'schedule = { kind = "cosine", warmup = 3 }',
      '[ema]', 'beta = 0.9',
      '[evaluation]', 'steps = 5000', 'emaEvery = 5',
    ].join('\n'));
    assert.deepEqual(await loadTrainConfig(join(dir, 'run.toml')), parseTrainConfig(valid()));
    writeFileSync(join(dir, 'typo.toml'), '[optimizer]\nname = "sgd"\nlr = "fast"\n');
    await assert.rejects(loadTrainConfig(join(dir, 'typo.toml')), /config: system is missing/);
    writeFileSync(join(dir, 'syntax.toml'), '[optimizer\nname = 1');
    await assert.rejects(loadTrainConfig(join(dir, 'syntax.toml')), /^UsageError: config '.*syntax\.toml' is not valid TOML: [^\n]*$/);
  });

  it('every example configuration in examples/ is valid', async () => {
    const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json') || f.endsWith('.toml'));
    assert.ok(files.some((f) => f.endsWith('.toml')) && files.some((f) => f.endsWith('.json')));
    for (const f of files) await loadTrainConfig(join(EXAMPLES, f));
  });
});
