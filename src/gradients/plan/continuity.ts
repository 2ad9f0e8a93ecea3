import { Rng } from '../../random/index.js';
import { addNoise, initialState, type DynamicalSystem } from '../../systems/index.js';
import { resolveObjective } from '../objective.js';
import type { GradientCost, Objective } from '../types.js';
import { PILOT_STREAM } from './pilot.js';

/**
 * Does the objective jump where the state wraps? Pathwise derivatives (BPTT, the hybrid's
 * pathwise part) differentiate Φ∘f along the orbit and never see a jump; the kernel does. On the
 * tent map, Φ = x jumps by 1 where noise carries the state past 0 or 1 and is reduced mod 1: the
 * hybrid at α = 0.83 gives d⟨x⟩/dγ = 0.043 ± 0.001 against −0.0033 (kernel, α = 1: −0.0006 ± 0.001).
 *
 * The pilot takes noisy steps, applies the system's wrap to a copy of f(x) + σBξ and compares Φ
 * before and after: a wrap that moves Φ by more than JUMP_FRACTION of Φ's spread along the pilot
 * is a jump. A periodic observable (the solenoid's (xⁱ − π)² at xⁱ ≈ 0 ≡ 2π) moves by O(σ) only.
 * Jumps inside the deterministic map's own reduction are not seen (the map returns reduced states);
 * noisy systems whose noise crosses the same boundary are caught.
 */
export const JUMP_FRACTION = 0.5;

export interface ContinuityCheck {
  /** wraps along the pilot that moved Φ by more than JUMP_FRACTION·sd(Φ) */
  readonly jumps: number;
  /** every wrap that changed the state */
  readonly wraps: number;
  /** the largest |ΔΦ| at a wrap, and sd(Φ) along the pilot */
  readonly largestJump: number;
  readonly spread: number;
  readonly pilotSteps: number;
  readonly cost: Omit<GradientCost, 'seconds'>;
}

export function checkObjectiveContinuity(sys: DynamicalSystem, objective: Objective, seed: number, steps: number): ContinuityCheck {
  const ob = resolveObjective(sys, objective);
  const n = sys.dim;
  const none = { jumps: 0, wraps: 0, largestJump: 0, spread: 0, pilotSteps: 0, cost: { steps: 0, tangentSolves: 0, adjointSolves: 0 } };
  if (sys.noise === null) return none;
  const rng = new Rng(seed).split(PILOT_STREAM + 1);
  const x = initialState(sys, rng, Math.min(sys.defaultTransient, steps));
  const y = new Float64Array(n), w = new Float64Array(n), xi = new Float64Array(sys.noise.rank);
  const deltas: number[] = [];
  let sum = 0, sumSq = 0;
  for (let k = 0; k < steps; k++) {
    sys.map(x, y);
    addNoise(sys.noise, rng, y, xi);
    w.set(y);
    sys.wrap(w);
    let moved = false;
    for (let i = 0; i < n && !moved; i++) moved = w[i] !== y[i];
    if (moved) deltas.push(Math.abs(ob.value(w) - ob.value(y)));
    const v = ob.value(w);
    sum += v;
    sumSq += v * v;
    x.set(w);
  }
  const mean = sum / steps;
  const spread = Math.sqrt(Math.max(0, sumSq / steps - mean * mean));
  let jumps = 0, largestJump = 0;
  for (const d of deltas) {
    if (d > JUMP_FRACTION * spread) jumps++;
    largestJump = Math.max(largestJump, d);
  }
  return { jumps, wraps: deltas.length, largestJump, spread, pilotSteps: steps, cost: { steps: Math.min(sys.defaultTransient, steps) + steps, tangentSolves: 0, adjointSolves: 0 } };
}
