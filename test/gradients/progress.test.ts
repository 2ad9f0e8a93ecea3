import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hybridEstimator, kernelEstimator, type GradientRequest } from '../../src/gradients/index.js';
import { createSystem } from '../../src/systems/index.js';

describe('progress within a single long orbit', () => {
  for (const [name, estimator] of [['hybrid', hybridEstimator], ['kernel', kernelEstimator]] as const) {
    it(`${name}: reports many increasing fractions of the one repetition, ending at 1`, async () => {
      const seen: number[] = [];
      const req: GradientRequest = {
        system: createSystem('linear', { noise: 0.5 }),
        objective: { kind: 'average', observable: 'x0', steps: 20000 },
        params: ['a'],
        seed: 1,
        onProgress: (done, total) => seen.push(done / total),
      };
      await estimator.estimate(req, { repeats: 1 });
      assert.ok(seen.length >= 50, `${seen.length} reports`);
      for (let i = 1; i < seen.length; i++) assert.ok(seen[i] >= seen[i - 1], `fraction went back at report ${i}: ${seen[i - 1]} → ${seen[i]}`);
      assert.ok(seen[0] < 0.05, `first report ${seen[0]}`);
      assert.equal(seen.at(-1), 1);
      assert.ok(seen.some((f) => f > 0.4 && f < 0.6), 'a report near the middle');
    });
  }
});
