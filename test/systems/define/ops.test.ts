import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RuntimeFailure, UsageError } from '../../../src/errors/index.js';
import { buildSystem, defaultParams } from '../../../src/systems/index.js';
import { checkDerivatives } from '../../../src/systems/check.js';
import { defineSystem, type SystemDefinition } from '../../../src/systems/define/index.js';
import { mutateDerivativeRule } from '../../../src/systems/define/rules.js';

const build = (d: SystemDefinition) => {
  const m = defineSystem(d);
  return buildSystem(m, defaultParams(m), null);
};

/** A map exercising every op, broadcasting, views, a self-dot and an unused parameter. */
const everyOp: SystemDefinition = {
  name: 'every-op', kind: 'map', dim: 6,
  params: {
    M: { shape: [6, 6], default: Array.from({ length: 36 }, (_, i) => Math.sin(i + 1)) },
    c: { shape: 6, default: 0.1 },
    k: 0.7,
    d: 1.3,
    unused: { shape: [2], default: [1, 2] },
  },
  step: (x, p, ops) => {
    const h = p.M.matvec(x.sigmoid()).add(p.c);
    const a = x.slice(0, 3), b = x.slice(3, 3);
    const u = a.sin().mul(b.cos()).div(b.square().add(2));
    const v = a.exp().mul(0.1).sub(b.square().add(1).log()).add(a.relu().mul(p.k));
    const s = x.dot(x).add(1).sqrt();
    const t = x.tanh().sum().neg();
    const mix = ops.concat(u, v).mul(0.5).add(h.mul(0.3)).add(s.mul(0.01)).add(t.mul(0.02)).add(x.shift(2).mul(0.1));
    return ops.div(mix, p.d).add(ops.dot(a, b).mul(0.05)).tanh().mul(2);
  },
};

describe('defineSystem: every op', () => {
  it('derivatives of a map using every op pass every finite-difference and adjoint identity', () => {
    const r = checkDerivatives(build(everyOp), { seed: 3, cases: 10 });
    for (const c of r.checks) assert.ok(c.passed, `${c.name}: ${c.worst} > ${c.tolerance}`);
  });

  it('a flow through RK4 passes them too', () => {
    const sys = build({ name: 'flow', kind: 'flow', dim: 3, dt: 0.01, params: { a: 0.5 }, step: (x, { a }) => x.shift(1).sin().mul(a).sub(x.mul(0.1)) });
    assert.ok(checkDerivatives(sys, { seed: 4 }).passed);
  });

  it('outputs are overwritten: state components and parameters the rule never reads get zero adjoints', () => {
    const sys = build({ name: 'partial', kind: 'map', dim: 3, params: { a: 2, unused: 5 }, step: (x, { a }, ops) => ops.concat(x.at(0).mul(a), x.at(2).square(), x.at(0).add(x.at(2)).sin()) });
    const x = Float64Array.of(0.3, -0.2, 0.9), w = Float64Array.of(1, 2, 3);
    const gx = new Float64Array(3).fill(NaN), gp = new Float64Array(2).fill(NaN);
    sys.backward(x, w, gx, gp);
    assert.equal(gx[1], 0);
    assert.equal(gp[1], 0);
    assert.ok(Number.isFinite(gx[0]) && Number.isFinite(gx[2]) && Number.isFinite(gp[0]));
    const v = new Float64Array(3).fill(NaN);
    sys.adjoint(x, w, 1, v);
    assert.deepEqual(Array.from(v), Array.from(gx));
  });

  it('a rule returning its input or a parameter is a map like any other (identity, constant)', () => {
    const id = build({ name: 'id', kind: 'map', dim: 2, step: (x) => x });
    const y = new Float64Array(2);
    id.map(Float64Array.of(3, 4), y);
    assert.deepEqual(Array.from(y), [3, 4]);
    assert.ok(checkDerivatives(id).passed);
    const konst = build({ name: 'k', kind: 'map', dim: 2, params: { b: { shape: 2, default: [1, 2] } }, step: (_x, { b }) => b });
    konst.tangent(Float64Array.of(3, 4), Float64Array.of(1, 1), 1, y);
    assert.deepEqual(Array.from(y), [0, 0]);
    assert.ok(checkDerivatives(konst).passed);
  });

  it('the same seed gives the same report', () => {
    const sys = build(everyOp);
    assert.deepEqual(checkDerivatives(sys, { seed: 9, cases: 2 }), checkDerivatives(sys, { seed: 9, cases: 2 }));
  });

  it('shape errors and bad definitions are UsageErrors naming the problem', () => {
    const bad = (d: Partial<SystemDefinition>, re: RegExp) => assert.throws(() => defineSystem({ ...everyOp, ...d } as SystemDefinition), (e: Error) => e instanceof UsageError && re.test(e.message));
    bad({ step: (x, p) => p.M.matvec(x.slice(0, 3)) }, /matvec: matrix \[6, 6\] needs a vector of length 6/);
    bad({ step: (x) => x.slice(0, 3).add(x) }, /add: shapes \[3\] and \[6\] do not match/);
    bad({ step: (x) => x.slice(0, 3) }, /step must return a vector of length dim = 6/);
    bad({ step: (x) => x.at(7) }, /at\(7\): out of range/);
    bad({ kind: 'flow' }, /dt must be a finite number/);
    bad({ dt: 0.1 }, /dt applies to flows only/);
    bad({ params: { W: { shape: [2, 2], default: [1, 2, 3] } } }, /parameter W: default has 3 entries, its shape needs 4/);
    bad({ dim: 0 }, /dim must be a positive integer/);
  });

  it('withParams rebinds the compiled kernels to the new parameters', () => {
    const m = defineSystem(everyOp);
    const a = buildSystem(m, defaultParams(m), null), b = a.withParams(a.p.map((v) => v * 1.01));
    const x = Float64Array.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6), ya = new Float64Array(6), yb = new Float64Array(6);
    a.map(x, ya);
    b.map(x, yb);
    assert.notDeepEqual(Array.from(ya), Array.from(yb));
    const fresh = new Float64Array(6);
    buildSystem(m, b.p, null).map(x, fresh);
    assert.deepEqual(Array.from(yb), Array.from(fresh));
  });

  it('a sign flipped in any op\'s derivative rule fails the checker on the every-op map', () => {
    const ops = [...new Set(defineSystem(everyOp).program.nodes.map((nd) => nd.op))].filter((op) => !['input', 'param', 'const', 'slice'].includes(op));
    assert.ok(ops.length >= 17, `ops covered: ${ops}`);
    for (const op of ops) {
      try {
        mutateDerivativeRule(op);
        const r = checkDerivatives(build(everyOp), { seed: 3, cases: 4 });
        assert.ok(!r.passed, `a mutated ${op} rule passed the checker`);
      } finally {
        mutateDerivativeRule(null);
      }
    }
  });
});

describe('checkDerivatives on an orbit that escapes', () => {
  it('is a RuntimeFailure naming the case and the spread, not a silent pass', () => {
    const sys = build({ name: 'escape', kind: 'map', dim: 1, params: { r: 4 }, step: (x, { r }) => r.mul(x).mul(x.neg().add(1)), sampleInitial: (rng, out) => { out[0] = rng.uniform(); } });
    assert.throws(() => checkDerivatives(sys, { seed: 1, spread: 0.2 }), (e: Error) => e instanceof RuntimeFailure && /case \d+ left the finite numbers .* spread 0.2/.test(e.message));
    assert.throws(() => checkDerivatives(sys, { seed: 1, cases: 0 }), UsageError);
    assert.throws(() => checkDerivatives(sys, { seed: 1, steps: 3 } as never), /unknown option 'steps'/);
  });
});
