import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UsageError } from '../../../src/errors/index.js';
import { loadTrainConfig, parseTrainConfig, train } from '../../../src/optim/index.js';
import { Rng } from '../../../src/random/index.js';
import { createSystem } from '../../../src/systems/index.js';

/** 600 rows of the default clipped PLRNN's first two coordinates, as CSV text. */
function csv(): string {
  const sys = createSystem('plrnn-clipped', { dim: 3 });
  const x = new Float64Array(3), y = new Float64Array(3), rng = new Rng(5);
  sys.sampleInitial(rng, x);
  const lines = ['# x0, x1'];
  for (let t = 0; t < 800; t++) {
    if (t >= 200) lines.push(`${x[0] + 0.01 * rng.normal()}, ${x[1] + 0.01 * rng.normal()}`);
    sys.map(x, y);
    x.set(y);
  }
  return lines.join('\n');
}

const dir = mkdtempSync(join(tmpdir(), 'chaosgrad-forcing-'));
const dataFile = join(dir, 'data.csv');
writeFileSync(dataFile, csv());

function settings(forcing: Record<string, unknown>, over: Record<string, unknown> = {}) {
  return {
    system: { name: 'plrnn-clipped', dim: 3, netSeed: 9 },
    params: ['A', 'W1', 'h1', 'h2'],
    forcing: { data: 'data.csv', segment: 20, batch: 8, ...forcing },
    optimizer: { name: 'adam', lr: 0.01 },
    iterations: 40,
    seed: 3,
    ...over,
  };
}

describe('train with teacher forcing (config.forcing)', () => {
  it('generalized forcing from a CSV file: the forced loss falls; the records name the mode and the annealed α reaches alphaEnd', async () => {
    const config = parseTrainConfig(settings({ mode: 'generalized', alpha: 0.5, alphaEnd: 0.1 }), { baseDir: dir });
    assert.equal(config.forcing?.data, dataFile);
    const r = await train(config);
    assert.equal(r.records[0].method, 'teacher-forcing (generalized)');
    const first = r.records.slice(0, 5).reduce((a, x) => a + x.loss, 0) / 5, last = r.records.slice(-5).reduce((a, x) => a + x.loss, 0) / 5;
    assert.ok(last < 0.5 * first, `forced loss ${first} → ${last}`);
    assert.ok(r.records.every((x) => x.lossStderr > 0 && x.statistics.length === 0));
  });

  it('sparse forcing: a run resumed after 15 iterations ends with the same parameters as an uninterrupted one', async () => {
    const raw = settings({ mode: 'sparse', interval: 5 });
    const a = await train(parseTrainConfig({ ...raw, out: join(dir, 'a') }, { baseDir: dir }));
    const out = join(dir, 'b');
    await train(parseTrainConfig({ ...raw, iterations: 15, out }, { baseDir: dir }));
    const b = await train(parseTrainConfig({ ...raw, out }, { baseDir: dir }), { resume: true });
    assert.equal(b.resumedFrom, 15);
    assert.deepEqual(Array.from(b.params), Array.from(a.params));
    assert.deepEqual(Array.from(b.emaParams), Array.from(a.emaParams));
  });

  it('config mistakes are one line naming the field', async () => {
    const bad = (forcing: Record<string, unknown>, over: Record<string, unknown> = {}) => () => parseTrainConfig(settings(forcing, over), { baseDir: dir });
    assert.throws(bad({ mode: 'sparse' }), /forcing\.interval is missing/);
    assert.throws(bad({ mode: 'generalized', alpha: 0.2, interval: 3 }), /forcing\.interval goes with mode 'sparse'/);
    assert.throws(bad({ mode: 'teacher' }), UsageError);
    assert.throws(bad({ mode: 'sparse', interval: 3 }, { loss: [{ observable: 'x0', target: 1 }] }), /config: loss goes with a statistics loss/);
    writeFileSync(join(dir, 'bad.csv'), '1, 2\n3\n');
    await assert.rejects(train(parseTrainConfig(settings({ mode: 'sparse', interval: 3, data: 'bad.csv' }), { baseDir: dir })), /row 2 of .* must hold 2 finite numbers/);
    writeFileSync(join(dir, 'run.json'), JSON.stringify(settings({ mode: 'sparse', interval: 3, segment: 900 })));
    await assert.rejects(async () => train(await loadTrainConfig(join(dir, 'run.json'))), /forcing segment 900 must be shorter than the data/);
  });
});
