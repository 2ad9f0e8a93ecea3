import { NonFiniteStateError } from '../errors/index.js';
import type { Rng } from '../random/index.js';
import { addNoise } from './noise.js';
import type { DynamicalSystem } from './types.js';

/**
 * One step of the (possibly noisy) system: out ← wrap(f(x) + σBξ). The noise components ξ are
 * written to `xi` (length noise.rank) because kernel estimators need them. Allocation-free.
 */
export function step(sys: DynamicalSystem, x: Float64Array, out: Float64Array, rng: Rng | null, xi?: Float64Array): void {
  sys.map(x, out);
  if (sys.noise !== null) {
    if (rng === null) throw new Error(`${sys.name} is noisy: step needs a random generator`);
    addNoise(sys.noise, rng, out, xi ?? scratchXi(sys.noise.rank));
    sys.wrap(out);
  }
}

let scratch = new Float64Array(0);
function scratchXi(r: number): Float64Array {
  if (scratch.length < r) scratch = new Float64Array(r);
  return scratch;
}

/** Throws NonFiniteStateError naming the step when a state leaves the finite numbers. */
export function checkFinite(x: Float64Array, stepIndex: number, what = 'trajectory'): void {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * 0; // 0·Inf and 0·NaN are NaN: one test for the whole vector
  if (s !== 0) throw new NonFiniteStateError(stepIndex, what);
}

/** Runs `steps` steps in place from x (a transient, say), checking finiteness. */
export function advance(sys: DynamicalSystem, x: Float64Array, steps: number, rng: Rng | null, startIndex = 0): void {
  const y = new Float64Array(sys.dim);
  for (let n = 0; n < steps; n++) {
    step(sys, x, y, rng);
    checkFinite(y, startIndex + n + 1);
    x.set(y);
  }
}

/** A state on the attractor: x₀ from the initial distribution, then the system's transient. */
export function initialState(sys: DynamicalSystem, rng: Rng, transient = sys.defaultTransient): Float64Array {
  const x = new Float64Array(sys.dim);
  sys.sampleInitial(rng, x);
  advance(sys, x, transient, rng);
  return x;
}
