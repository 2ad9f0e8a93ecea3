import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../../src/random/index.js';
import { buildSystem, createSystem, defaultParams } from '../../../src/systems/index.js';
import { mutateDerivativeRule } from '../../../src/systems/define/rules.js';
import type { OpCode } from '../../../src/systems/define/index.js';
import { DEFINED_CASES, kernelDifferences } from '../../helpers/defined.js';

const CASES = 10;

function differences(name: string, options: object, model: () => ReturnType<(typeof DEFINED_CASES)[number]['model']>, seed: number) {
  const m = model();
  const defined = buildSystem(m, defaultParams(m), null);
  const hand = createSystem(name, options);
  assert.deepEqual(Array.from(defined.p), Array.from(hand.p), 'same parameter layout and defaults');
  return { kind: m.kind, diffs: kernelDifferences(defined, hand, new Rng(seed), CASES), ops: new Set(m.program.nodes.map((nd) => nd.op)) };
}

describe('defineSystem: derived kernels equal the hand-written ones', () => {
  for (const { name, options, model } of DEFINED_CASES) {
    it(`${name}: every kernel within 1e-12 relative on random states, parameters and vectors`, () => {
      const { diffs, kind: mk } = differences(name, options, model, 21);
      const m = { kind: mk };
      assert.ok(Object.keys(diffs).length >= (m.kind === 'flow' ? 8 : 7), `kernels compared: ${Object.keys(diffs)}`);
      for (const [kernel, err] of Object.entries(diffs)) assert.ok(err <= 1e-12, `${name} ${kernel}: relative difference ${err}`);
    });
  }
});

describe('defineSystem: a wrong derivative rule is caught', () => {
  const mutations: OpCode[] = ['tanh', 'mul', 'sub', 'add', 'matvec', 'shift', 'concat', 'square'];
  for (const op of mutations) {
    it(`a sign flipped in the ${op} rule makes every system using ${op} fail the comparison`, () => {
      let users = 0;
      try {
        mutateDerivativeRule(op);
        for (const { name, options, model } of DEFINED_CASES) {
          const { diffs, ops } = differences(name, options, model, 22);
          if (!ops.has(op)) continue;
          users++;
          const worst = Math.max(...Object.values(diffs));
          assert.ok(worst > 1e-3, `${name} with a mutated ${op} rule still matched (worst ${worst})`);
          assert.ok(diffs.map <= 1e-12, 'values are untouched by a derivative mutation');
        }
      } finally {
        mutateDerivativeRule(null);
      }
      assert.ok(users > 0, `no system uses ${op}`);
    });
  }
});
