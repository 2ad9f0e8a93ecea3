import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Adam, Momentum, ParameterEma, Sgd, learningRate, makeOptimizer, type Optimizer } from '../../src/optim/index.js';
import { Rng } from '../../src/random/index.js';

const GRADS = [Float64Array.of(0.5, 1), Float64Array.of(-1, 0), Float64Array.of(0.25, -0.5)];

function run(opt: Optimizer, steps = GRADS.length): Float64Array {
  const p = Float64Array.of(1, -2);
  for (let k = 0; k < steps; k++) opt.step(p, GRADS[k]);
  return p;
}

function close(a: ArrayLike<number>, b: number[], tol = 1e-14): void {
  for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol * Math.max(1, Math.abs(b[i])), `entry ${i}: ${a[i]} vs ${b[i]}`);
}

describe('optimiser updates against hand computation', () => {
  it('SGD: θ ← θ − αg', () => {
    close(run(new Sgd(2, 0.1), 1), [0.95, -2.1]);
    close(run(new Sgd(2, 0.1), 2), [1.05, -2.1]);
  });

  it('momentum: v = βv + (1−β)g, θ ← θ − αv', () => {
    // β = 0.5: v₁ = (0.25, 0.5), θ₁ = (0.975, −2.05); v₂ = (−0.375, 0.25), θ₂ = (1.0125, −2.075)
    close(run(new Momentum(2, 0.1, 0.5), 1), [0.975, -2.05]);
    close(run(new Momentum(2, 0.1, 0.5), 2), [1.0125, -2.075]);
  });

  it('Adam with bias correction (β₁ 0.9, β₂ 0.999, ε 1e-8)', () => {
    // first step: m̂ = g, v̂ = g², so the step is α·g/(|g| + ε)
    close(run(new Adam(2, 0.1), 1), [1 - (0.1 * 0.5) / (0.5 + 1e-8), -2 - (0.1 * 1) / (1 + 1e-8)]);
    // second and third steps computed by hand (independently, in double precision)
    close(run(new Adam(2, 0.1), 2), [0.9366103542405654, -2.167005823465811], 1e-13);
    close(run(new Adam(2, 0.1), 3), [0.9502794203389762, -2.1847325429994404], 1e-13);
  });

  it('makeOptimizer builds each kind with its defaults', () => {
    assert.equal(makeOptimizer({ name: 'momentum', lr: 0.1 }, 2).name, 'momentum');
    close(run(makeOptimizer({ name: 'momentum', lr: 0.1, beta: 0.5 }, 2), 2), [1.0125, -2.075]);
    close(run(makeOptimizer({ name: 'adam', lr: 0.1 }, 2), 3), [0.9502794203389762, -2.1847325429994404], 1e-13);
    assert.throws(() => makeOptimizer({ name: 'rmsprop' } as never, 2), /unknown optimizer 'rmsprop' \(valid: sgd, momentum, adam\)/);
  });

  it('state() then restore() into a fresh optimiser continues bit for bit (through JSON)', () => {
    const rng = new Rng(5);
    for (const make of [() => new Sgd(4, 0.05), () => new Momentum(4, 0.05, 0.8), () => new Adam(4, 0.05, 0.8, 0.99, 1e-6, { kind: 'step', every: 3, factor: 0.5 })]) {
      const grads = Array.from({ length: 10 }, () => Float64Array.from({ length: 4 }, () => rng.normal()));
      const a = make(), pa = Float64Array.of(1, 2, 3, 4);
      for (const g of grads) a.step(pa, g);
      const b = make(), pb = Float64Array.of(1, 2, 3, 4);
      for (const g of grads.slice(0, 4)) b.step(pb, g);
      const c = make();
      c.restore(JSON.parse(JSON.stringify(b.state())));
      const pc = Float64Array.from(JSON.parse(JSON.stringify(Array.from(pb))) as number[]);
      for (const g of grads.slice(4)) c.step(pc, g);
      assert.deepEqual(Array.from(pc), Array.from(pa), a.name);
      assert.equal(c.updates, 10);
    }
    assert.throws(() => new Adam(2, 0.1).restore(new Sgd(2, 0.1).state()), /optimizer state is for 'sgd', not 'adam'/);
    assert.throws(() => new Momentum(3, 0.1).restore(new Momentum(2, 0.1).state()), /moment 'v' must hold 3 finite numbers/);
  });
});

describe('learning-rate schedules', () => {
  it('constant, step decay, cosine, inverse-time and warm-up', () => {
    const lr = (s: Parameters<typeof learningRate>[1], ts: number[]) => ts.map((t) => learningRate(2, s, t));
    assert.deepEqual(lr({ kind: 'constant' }, [0, 7]), [2, 2]);
    assert.deepEqual(lr({ kind: 'step', every: 2, factor: 0.5 }, [0, 1, 2, 3, 4]), [2, 2, 1, 1, 0.5]);
    close(lr({ kind: 'cosine', total: 4 }, [0, 2, 4, 9]), [2, 1, 0, 0]);
    close(lr({ kind: 'cosine', total: 4, min: 0.5 }, [2, 4]), [1.25, 0.5]);
    assert.deepEqual(lr({ kind: 'inverse-time', tau: 2 }, [0, 2, 6]), [2, 1, 0.5]);
    assert.deepEqual(lr({ kind: 'constant', warmup: 4 }, [0, 1, 3, 4]), [0.5, 1, 2, 2]);
    assert.deepEqual(lr({ kind: 'step', every: 2, factor: 0.5, warmup: 2 }, [0, 1, 2]), [1, 2, 1]);
  });

  it("an optimiser's rate follows its schedule, one update at a time", () => {
    const opt = new Sgd(1, 1, { kind: 'step', every: 1, factor: 0.5 });
    const p = Float64Array.of(0);
    const seen: number[] = [];
    for (let k = 0; k < 3; k++) {
      seen.push(opt.lr);
      opt.step(p, Float64Array.of(1));
    }
    assert.deepEqual(seen, [1, 0.5, 0.25]);
    assert.equal(p[0], -1.75);
  });
});

describe('parameter EMA', () => {
  it('θ_EMA ← βθ_EMA + (1−β)θ from θ₀, and its state round-trips', () => {
    const e = new ParameterEma(0.5, Float64Array.of(0, 4));
    e.update(Float64Array.of(1, 0));
    assert.deepEqual(Array.from(e.values), [0.5, 2]);
    e.update(Float64Array.of(1, 0));
    assert.deepEqual(Array.from(e.values), [0.75, 1]);
    const f = new ParameterEma(0.5, Float64Array.of(9, 9));
    f.restore(JSON.parse(JSON.stringify(e.state())));
    assert.deepEqual(Array.from(f.values), [0.75, 1]);
    assert.throws(() => new ParameterEma(1, Float64Array.of(0)), /EMA beta must be in \[0, 1\)/);
  });
});

describe('convergence on a quadratic with noisy gradients', () => {
  // f(θ) = ½Σ hᵢ(θᵢ − θ*ᵢ)², gradient H(θ − θ*) + σξ
  const n = 20, sigma = 1;
  const h = Float64Array.from({ length: n }, (_, i) => 0.5 + (1.5 * i) / (n - 1));
  const target = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
  function noisyGrad(p: Float64Array, rng: Rng, g: Float64Array): void {
    for (let i = 0; i < n; i++) g[i] = h[i] * (p[i] - target[i]) + sigma * rng.normal();
  }
  function sqDist(p: Float64Array): number {
    let s = 0;
    for (let i = 0; i < n; i++) s += (p[i] - target[i]) ** 2;
    return s / n;
  }

  it('SGD at a constant rate: the stationary variance matches ασ²/(h(2 − αh)) within its sampling error', () => {
    // θᵢ − θ*ᵢ is an AR(1) process with coefficient 1 − αhᵢ; its variance is ασ²/(hᵢ(2 − αhᵢ))
    const alpha = 0.1, rng = new Rng(21), g = new Float64Array(n);
    const p = Float64Array.from(target, (t) => t + 3);
    const opt = new Sgd(n, alpha);
    let z2 = 0, count = 0;
    for (let k = 0; k < 20000; k++) {
      noisyGrad(p, rng, g);
      opt.step(p, g);
      // samples 100 steps apart are nearly independent (correlation ≤ 0.95^100 < 0.01)
      if (k >= 1000 && k % 100 === 0) {
        for (let i = 0; i < n; i++) {
          const v = (alpha * sigma * sigma) / (h[i] * (2 - alpha * h[i]));
          z2 += (p[i] - target[i]) ** 2 / v;
          count++;
        }
      }
    }
    // E[z²] = 1 with standard error √(2/count) for Gaussian z
    const ratio = z2 / count, se = Math.sqrt(2 / count);
    assert.ok(Math.abs(ratio - 1) < 4 * se, `normalised spread ${ratio} (± ${se})`);
  });

  for (const [name, make] of [
    ['sgd with inverse-time decay', () => new Sgd(n, 0.5, { kind: 'inverse-time', tau: 20 })],
    ['momentum', () => new Momentum(n, 0.05, 0.9)],
    ['adam with cosine decay and warm-up', () => new Adam(n, 0.1, 0.9, 0.999, 1e-8, { kind: 'cosine', total: 3000, min: 0.002, warmup: 20 })],
  ] as const) {
    it(`${name} converges from far away, and the EMA weights average the jitter out`, () => {
      const rng = new Rng(33), g = new Float64Array(n);
      const p = Float64Array.from(target, (t) => t + 3);
      const opt = make();
      const ema = new ParameterEma(0.99, p);
      for (let k = 0; k < 3000; k++) {
        noisyGrad(p, rng, g);
        opt.step(p, g);
        ema.update(p);
      }
      // started at mean squared distance 9; θ keeps a noise-limited jitter of order α/(2h), the
      // EMA over ~100 updates averages most of it away (measured: 0.001–0.03 for θ, ≤ 0.0015 for the EMA)
      assert.ok(sqDist(p) < 0.1, `${name}: final mean squared distance ${sqDist(p)}`);
      assert.ok(sqDist(ema.values) < 0.01, `${name}: EMA mean squared distance ${sqDist(ema.values)}`);
    });
  }
});
