/**
 * NILSAS cost against one BPTT of the same orbit (same x₀, same length), measured in this process.
 * The bound is cost ≤ (M + 2) × BPTT; NILSAS runs the primal three times, M+1 adjoints
 * through one sweep and one more full backward pass with the parameter adjoint. BPTT is timed with
 * chunks of 500 steps (same work per step; plain BPTT overflows on these chaotic orbits).
 */
import { bpttTrajectory } from '../src/gradients/bptt.js';
import { nilsasTrajectory } from '../src/gradients/nilsas/index.js';
import { Rng } from '../src/random/index.js';
import { createSystem, findObservable, initialState, type SystemOptions } from '../src/systems/index.js';
import type { BenchRow } from './types.js';

interface Case {
  label: string;
  system: string;
  options: SystemOptions;
  observable: string;
  steps: number;
  M: number;
  segmentSteps: number;
}

export const CASES: Case[] = [
  // M and segment lengths as the estimator's defaults choose them (growth e⁸ of the leading adjoint per segment)
  { label: 'lorenz63', system: 'lorenz63', options: {}, observable: 'z', steps: 20000, M: 2, segmentSteps: 1780 },
  { label: 'rnn n=64', system: 'rnn', options: {}, observable: 'meansq', steps: 2000, M: 9, segmentSteps: 30 },
  { label: 'solenoid n=21', system: 'solenoid', options: {}, observable: 'phi', steps: 20000, M: 20, segmentSteps: 12 },
];

/** Wall time of one call. */
function timed(f: () => void): number {
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

export interface CostMeasurement {
  label: string;
  M: number;
  bpttSeconds: number;
  nilsasSeconds: number;
  ratio: number;
  memoryBytes: number;
  checkpointBytes: number;
  /** bytes a stored trajectory (T+1 states) would take */
  trajectoryBytes: number;
}

/**
 * Best of `rounds` interleaved timings of both methods on the same orbit: the machine is shared, so
 * alternating the two keeps a load change from landing on one method only.
 */
export function measure(c: Case, rounds = 5): CostMeasurement {
  const sys = createSystem(c.system, c.options);
  const ob = findObservable(sys, c.observable);
  const x0 = initialState(sys, new Rng(1), sys.defaultTransient);
  let memoryBytes = 0, checkpointBytes = 0;
  // chunked (truncated) BPTT does exactly the work of BPTT — one primal, one recomputation and one
  // backward step with the parameter adjoint per step — without overflowing on a chaotic orbit
  const runBptt = () => bpttTrajectory(sys, x0, c.steps, null, { observable: ob, kind: 'average', truncate: 500 });
  const runNilsas = () => {
    const t = nilsasTrajectory(sys, x0, c.steps, null, new Rng(2), { observable: ob, M: c.M, segmentSteps: c.segmentSteps, neutral: true, condition: false });
    memoryBytes = t.memoryBytes;
    checkpointBytes = t.checkpointBytes;
  };
  runBptt(); // warm-up (JIT)
  runNilsas();
  let bptt = Infinity, nil = Infinity;
  for (let r = 0; r < rounds; r++) {
    bptt = Math.min(bptt, timed(runBptt));
    nil = Math.min(nil, timed(runNilsas));
  }
  return { label: c.label, M: c.M, bpttSeconds: bptt, nilsasSeconds: nil, ratio: nil / bptt, memoryBytes, checkpointBytes, trajectoryBytes: 8 * (c.steps + 1) * sys.dim };
}

export async function bench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const c of CASES) {
    const m = measure(c);
    rows.push({ name: `nilsas ${c.label}: time / BPTT (T=${c.steps})`, value: m.ratio, unit: '×', note: `M = ${c.M}, bound M+2 = ${c.M + 2}; BPTT ${(1e6 * m.bpttSeconds / c.steps).toFixed(2)} µs/step` });
    rows.push({ name: `nilsas ${c.label}: memory`, value: m.memoryBytes / 1024, unit: 'KiB', note: `checkpoints ${(m.checkpointBytes / 1024).toFixed(1)} KiB; a stored orbit would be ${(m.trajectoryBytes / 1024).toFixed(0)} KiB` });
  }
  rows.push({ name: 'peak RSS of this process', value: process.resourceUsage().maxRSS / 1024, unit: 'MiB' });
  return rows;
}
