import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** A separate project that depends on chaosgrad (linked as node_modules/chaosgrad). */
function consumer(source: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'chaosgrad-consumer-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules', 'chaosgrad'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, types: [], outDir: 'out' },
    include: ['main.ts'],
  }));
  writeFileSync(join(dir, 'main.ts'), source);
  return dir;
}

function tsc(dir: string): { code: number; output: string } {
  try {
    return { code: 0, output: execFileSync(process.execPath, [TSC, '-p', dir], { encoding: 'utf8' }) };
  } catch (e) {
    const err = e as { status: number; stdout: string };
    return { code: err.status, output: err.stdout };
  }
}

const MAIN = `
import { lyapunovSpectrum, covariantVectors, ftleField, hybrid, train, defineSystem, checkDerivatives, estimate, UsageError } from 'chaosgrad';
import type { DynamicalSystem, SpectrumResult, GradientResult } from 'chaosgrad';
import { systemFromModel } from 'chaosgrad';

const model = defineSystem({
  // two coupled sine maps x ↦ r·sin(π((1 − c)x + c·shift(x))): bounded whatever the noise
  name: 'pair', kind: 'map', dim: 2, params: { r: 0.95, c: 0.1 },
  step: (x, p, op) => op.mul(p.r, op.sin(op.mul(Math.PI, op.add(op.mul(op.sub(1, p.c), x), op.mul(p.c, op.shift(x, 1)))))),
});
const sys: DynamicalSystem = systemFromModel(model, { noise: 0.01 });
const check = checkDerivatives(sys, { seed: 1 });
const spec: SpectrumResult = lyapunovSpectrum(sys, { steps: 2000 });
const method = hybrid({ split: 'pathkernel', alpha: 0.5 });
const g: Promise<GradientResult> = estimate({ system: sys, objective: { kind: 'average', observable: 'mean', steps: 500 }, params: ['r'], seed: 1 }, method);
void [covariantVectors, ftleField, train, UsageError];
g.then((r) => console.log(JSON.stringify({ ok: check.passed, lambda1: spec.exponents[0], gradient: Array.from(r.gradient) })));
`;

describe("the package: a separate project imports chaosgrad's public API", () => {
  it('type-checks and runs `import { lyapunovSpectrum, covariantVectors, ftleField, hybrid, train, defineSystem, checkDerivatives } from chaosgrad`', () => {
    const dir = consumer(MAIN);
    const r = tsc(dir);
    assert.equal(r.code, 0, r.output);
    const out = JSON.parse(execFileSync(process.execPath, [join(dir, 'out', 'main.js')], { encoding: 'utf8' }));
    assert.equal(out.ok, true);
    assert.ok(out.lambda1 > 0, `the coupled sine pair at r = 0.95 is chaotic, λ₁ = ${out.lambda1}`);
    assert.ok(Number.isFinite(out.gradient[0]));
  });

  it('internals are not exported, and deep imports are refused (TS2305 / TS2307)', () => {
    const r = tsc(consumer(`import { allocNilsasSums } from 'chaosgrad';\nimport { runBlocks } from 'chaosgrad/dist/src/gradients/repeats.js';\nvoid [allocNilsasSums, runBlocks];\n`));
    assert.notEqual(r.code, 0);
    assert.match(r.output, /TS2305.*allocNilsasSums/);
    assert.match(r.output, /TS2307.*chaosgrad\/dist\/src\/gradients\/repeats\.js/);
  });
});
