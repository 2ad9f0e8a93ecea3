import { Rng } from '../../src/random/index.js';
import { createSystem, type DynamicalSystem, type SystemOptions } from '../../src/systems/index.js';

/** Small instances of every built-in system, so derivative checks stay fast. */
export const SMALL_SYSTEMS: { name: string; options: SystemOptions }[] = [
  { name: 'lorenz63', options: {} },
  { name: 'lorenz96', options: { dim: 8 } },
  { name: 'henon', options: {} },
  { name: 'tent', options: { noise: 0 } },
  { name: 'solenoid', options: { dim: 5 } },
  { name: 'ni9', options: {} },
  { name: 'rnn', options: { dim: 7 } },
  { name: 'linear', options: {} },
  { name: 'plrnn', options: { dim: 3 } },
  { name: 'plrnn-clipped', options: { dim: 2 } },
  { name: 'gru', options: { dim: 4 } },
  { name: 'mlp-ode', options: { dim: 4 } },
];

/** The system with every parameter perturbed by a few percent, and a state reached from x₀. */
export function randomCase(name: string, options: SystemOptions, rng: Rng): { sys: DynamicalSystem; x: Float64Array } {
  const base = createSystem(name, options);
  const p = Float64Array.from(base.p, (v) => v * (1 + 0.05 * (2 * rng.uniform() - 1)) + 0.01 * (2 * rng.uniform() - 1));
  const sys = base.withParams(p);
  const x = new Float64Array(sys.dim);
  sys.sampleInitial(rng, x);
  const y = new Float64Array(sys.dim);
  const steps = 5 + rng.int(20);
  for (let i = 0; i < steps; i++) {
    sys.map(x, y);
    x.set(y);
  }
  return { sys, x };
}

export function randn(rng: Rng, n: number): Float64Array {
  const v = new Float64Array(n);
  rng.fillNormal(v);
  return v;
}

export function dotp(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}
