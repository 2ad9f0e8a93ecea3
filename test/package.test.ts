import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as Record<string, any>;

describe('package hygiene', () => {
  it('ships dist/src, the wasm kernels, docs, README and LICENSE only; the licence file exists', () => {
    assert.deepEqual(pkg.files, ['dist/src', 'wasm/kernels.wasm', 'docs', 'README.md', 'LICENSE']);
    for (const f of pkg.files as string[]) assert.ok(!/test|bench/.test(f), f);
    assert.equal(pkg.license, 'MIT');
    assert.match(readFileSync(`${root}LICENSE`, 'utf8'), /^MIT License/);
    // no `repository` until the project has a public address: a guessed URL would send users elsewhere
    assert.equal(pkg.repository, undefined);
    assert.ok(existsSync(`${root}${pkg.bin.chaosgrad}`));
  });

  it('npm test ends with a summary line and leaves the slow cases to validate', () => {
    assert.match(pkg.scripts.test, /--test-reporter=\.\/dist\/test\/reporter\.js/);
    assert.match(pkg.scripts.test, /-not -name '\*\.slow\.test\.js'/);
  });
});
