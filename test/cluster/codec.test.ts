import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { decode, encode, kindOfTask, parseRedisUrl, resolveModuleName, validateUnit, UNIT_KINDS } from '../../src/cluster/index.js';
import { unitModuleUrl } from '../../src/cluster/units.js';
import { GOOD_HORIZON_PAYLOAD } from './goodPayload.js';

test('codec: typed arrays, −0, NaN, ±Infinity, undefined and $-keys come back bit for bit', () => {
  const x = new Float64Array([0.1 + 0.2, -0, NaN, Infinity, -Infinity, 5e-324, Number.MAX_VALUE]);
  const v = { a: x, b: [1 / 3, -0, NaN, undefined], c: { $t: 'not a tag', $$n: 2 }, d: new Int32Array([-7, 9]), e: null, f: 'text', g: true };
  const back = decode(encode(v)) as typeof v;
  assert.ok(back.a instanceof Float64Array);
  assert.deepEqual(new Uint8Array(back.a.buffer), new Uint8Array(x.buffer));
  assert.ok(Object.is(back.b[1], -0) && Number.isNaN(back.b[2]) && back.b[3] === undefined && back.b[0] === 1 / 3);
  assert.deepEqual(back.c, { $t: 'not a tag', $$n: 2 });
  assert.deepEqual(Array.from(back.d), [-7, 9]);
  assert.equal(back.e, null);
  assert.throws(() => encode({ f: () => 1 }), /not plain data/);
  assert.throws(() => encode({ m: new Map() }), /Map is not plain data/);
  assert.throws(() => decode('{"$x":1}'), /unknown tag/);
});

test('redis URLs: user, password, TLS, db; the password never appears in what is shown or thrown', () => {
  const t = parseRedisUrl('rediss://alice:s3cr%40t@10.0.0.5:6380/2');
  assert.equal(t.tls, true);
  assert.equal(t.username, 'alice');
  assert.equal(t.password, 's3cr@t');
  assert.equal(t.port, 6380);
  assert.equal(t.db, 2);
  assert.equal(t.shown, 'rediss://alice:***@10.0.0.5:6380/2');
  assert.equal(parseRedisUrl('redis://127.0.0.1').port, 6379);
  for (const bad of ['http://u:s3cr3t@h:1', 'redis://u:s3cr3t@h:1/99', 's3cr3t', 'redis://u:s3cr3t@h:1/?x=1']) {
    assert.throws(() => parseRedisUrl(bad), (e: Error) => !e.message.includes('s3cr3t'));
  }
});

test('every unit kind names an export of its module; local tasks map back to their kind', async () => {
  for (const [name, k] of Object.entries(UNIT_KINDS)) {
    const mod = (await import(unitModuleUrl(k))) as Record<string, unknown>;
    assert.equal(typeof mod[k.fn], 'function', name);
    assert.equal(kindOfTask(unitModuleUrl(k), k.fn), name);
  }
  assert.equal(kindOfTask('file:///tmp/evil.js', 'kernelHorizonChunk'), null);
});

const GOOD = GOOD_HORIZON_PAYLOAD;
const job = (arg: unknown, kind = 'kernel.horizon') => ({ v: 1, kind, payload: encode(arg) });

test('payload validation: a good unit passes; poisoned ones are refused with a reason', () => {
  const ok = validateUnit(job(GOOD), null);
  assert.equal(ok.system!.dim, 9);
  const poisoned: [unknown, RegExp][] = [
    [{ v: 1, kind: '../../etc/passwd', payload: encode(GOOD) }, /unknown unit kind/],
    [{ v: 1, kind: 'constructor', payload: encode(GOOD) }, /unknown unit kind/],
    [{ v: 1, kind: 'kernel.horizon', payload: '{"spec":' }, /not JSON/],
    [{ v: 1, kind: 'kernel.horizon', payload: encode(GOOD), module: '/tmp/x.js' }, /job\.module is not a known field/],
    [job({ ...GOOD, spec: { ...GOOD.spec, module: { name: '../outside.js', export: 'default' } } }), /no absolute path, no '\.\.'/],
    [job({ ...GOOD, spec: { ...GOOD.spec, module: { name: '/etc/passwd.js', export: 'default' } } }), /no absolute path/],
    [job({ ...GOOD, spec: { ...GOOD.spec, module: '/etc/passwd.js' } }), /unit\.spec\.module must be an object/],
    [job({ ...GOOD, seed: '1' }), /unit\.seed must be an integer/],
    [job({ ...GOOD, stream: -1 }), /unit\.stream must be an integer >= 0/],
    [job({ ...GOOD, options: { chunks: 2, baseline: 'yes' } }), /options\.baseline must be true or false/],
    [job({ ...GOOD, options: { chunks: 2, baseline: true, code: 'process.exit()' } }), /options\.code is not a known field/],
    [job({ ...GOOD, objective: { ...GOOD.objective, horizon: 1.5 } }), /unit\.objective/],
    [job({ ...GOOD, spec: { name: 'nosuch', options: {} } }), /unknown system 'nosuch'/],
    [job({ ...GOOD, spec: { name: 'ni9', options: { dt: 0.1 } } }), /dt applies to flows only/],
    [job({ ...GOOD, params: ['nosuch'] }), /nosuch/],
    [job({ ...GOOD, objective: { ...GOOD.objective, observable: 'nosuch' } }), /nosuch/],
  ];
  for (const [data, pattern] of poisoned) assert.throws(() => validateUnit(data, null), pattern, JSON.stringify(data).slice(0, 120));
});

test('model modules resolve only inside the modules directory', () => {
  const root = mkdtempSync(join(tmpdir(), 'chaosgrad-modules-'));
  const dir = join(root, 'models');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'sub', 'm.js'), 'export default 1;');
  writeFileSync(join(root, 'outside.js'), 'export default 1;');
  symlinkSync(join(root, 'outside.js'), join(dir, 'link.js'));
  assert.equal(resolveModuleName(dir, 'sub/m.js'), join(dir, 'sub', 'm.js'));
  assert.throws(() => resolveModuleName(dir, '../outside.js'), /no '\.\.'/);
  assert.throws(() => resolveModuleName(dir, 'sub/../../outside.js'), /no '\.\.'/);
  assert.throws(() => resolveModuleName(dir, join(root, 'outside.js')), /no absolute path/);
  assert.throws(() => resolveModuleName(dir, 'link.js'), /outside the modules directory/);
  assert.throws(() => resolveModuleName(dir, 'missing.js'), /does not exist/);
  assert.throws(() => resolveModuleName(dir, 'sub/m.json'), /\.js or \.mjs/);
  assert.throws(() => resolveModuleName(null, 'sub/m.js'), /has no modules directory/);
});
