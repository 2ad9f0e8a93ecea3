import type { GradientCost } from './types.js';

/** Counts the work of an estimate; every estimator reports cost the same way. */
export class CostMeter {
  steps = 0;
  tangentSolves = 0;
  adjointSolves = 0;
  private readonly start = process.hrtime.bigint();

  add(other: Omit<GradientCost, 'seconds'>): void {
    this.steps += other.steps;
    this.tangentSolves += other.tangentSolves;
    this.adjointSolves += other.adjointSolves;
  }

  done(): GradientCost {
    return {
      steps: this.steps,
      tangentSolves: this.tangentSolves,
      adjointSolves: this.adjointSolves,
      seconds: Number(process.hrtime.bigint() - this.start) / 1e9,
    };
  }
}
