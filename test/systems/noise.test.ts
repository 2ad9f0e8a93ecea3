import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsKernels, kernels } from '../../src/linalg/index.js';
import { Rng } from '../../src/random/index.js';
import { addNoise, applyNoise, drawNoise, makeNoise } from '../../src/systems/index.js';

test('drawNoise + applyNoise: the numbers and the state changes of step-by-step addNoise, for every kernel and direction form', () => {
  const steps = 5000; // more than one wasm block would need; crosses ziggurat rejections and tails
  for (const kernel of ['gaussian', 'logistic', 'student:5']) {
    for (const [dim, directions] of [[1, 'isotropic'], [3, 'isotropic'], [3, 'ones'], [3, [[1, 0], [0.5, 1], [0, 2]]]] as const) {
      const noise = makeNoise(dim, { sigma: 0.3, kernel, directions: directions as 'isotropic' })!;
      const r = noise.rank;
      const a = new Rng(11), b = new Rng(11);
      const xiA = new Float64Array(r), outA = new Float64Array(dim), outB = new Float64Array(dim);
      const xiB = kernels().f64(steps * r);
      drawNoise(noise, b, xiB, steps);
      for (let k = 0; k < steps; k++) {
        outA.fill(k * 0.01);
        outB.fill(k * 0.01);
        addNoise(noise, a, outA, xiA);
        applyNoise(noise, xiB, k * r, outB);
        assert.deepEqual(Array.from(xiB.subarray(k * r, (k + 1) * r)), Array.from(xiA), `${kernel} ${dim} ${JSON.stringify(directions)} step ${k}`);
        assert.deepEqual(outB, outA);
      }
      // the generator continues where the step-by-step draws left it
      assert.equal(b.nextUint32(), a.nextUint32());
    }
  }
});

test('drawNoise: Gaussian blocks are the same numbers on plain arrays (pure-TS kernels) as in kernel memory (wasm)', () => {
  assert.ok(jsKernels.name === 'js');
  const noise = makeNoise(2, { sigma: 1 })!;
  const a = new Rng(3), b = new Rng(3);
  const inKernel = kernels().f64(2000), plain = new Float64Array(2000);
  drawNoise(noise, a, inKernel, 1000);
  drawNoise(noise, b, plain, 1000);
  assert.deepEqual(Array.from(inKernel), Array.from(plain));
});
