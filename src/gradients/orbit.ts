import type { RngState } from '../random/index.js';
import { Rng } from '../random/index.js';
import { checkFinite, step, type DynamicalSystem } from '../systems/index.js';

/** Recomputed states of one segment: states[j·n…] = x_{start+j}, j = 0..length; xi[j·r…] = noise of step start+j. */
export interface SegmentBuffer {
  readonly states: Float64Array;
  readonly xi: Float64Array;
}

/**
 * A long orbit stored as checkpoints: the forward pass keeps only the state and the generator
 * state at every segment start (memory K·n, not T·n); `segment(s)` recomputes a segment's states
 * and noise bit for bit. Backward sweeps (BPTT, NILSAS, hybrid) walk segments in reverse.
 */
export class CheckpointedOrbit {
  readonly segments: number;
  private readonly starts: Float64Array;
  private readonly rngStates: (RngState | null)[];
  readonly finalState: Float64Array;

  /**
   * Runs `steps` steps from x0 (not modified). `visit(x, n)` sees every state x_n, n = 0..steps.
   * `firstIndex` numbers the steps in error messages (after a transient, say).
   */
  constructor(
    readonly sys: DynamicalSystem,
    x0: Float64Array,
    readonly steps: number,
    rng: Rng | null,
    readonly segmentSteps: number,
    visit?: (x: Float64Array, n: number) => void,
    readonly firstIndex = 0,
  ) {
    const n = sys.dim;
    this.sx = new Float64Array(n);
    this.sy = new Float64Array(n);
    this.sxi = new Float64Array(sys.noise?.rank ?? 0);
    this.segments = Math.ceil(steps / segmentSteps);
    this.starts = new Float64Array(this.segments * n);
    this.rngStates = new Array(this.segments).fill(null);
    let x = Float64Array.from(x0);
    let y = new Float64Array(n);
    const xi = new Float64Array(sys.noise?.rank ?? 0);
    visit?.(x, 0);
    for (let t = 0; t < steps; t++) {
      if (t % segmentSteps === 0) {
        const s = t / segmentSteps;
        this.starts.set(x, s * n);
        this.rngStates[s] = rng ? rng.getState() : null;
      }
      step(sys, x, y, rng, xi);
      checkFinite(y, firstIndex + t + 1);
      const tmp = x;
      x = y;
      y = tmp;
      visit?.(x, t + 1);
    }
    this.finalState = x;
  }

  segmentStart(s: number): number {
    return s * this.segmentSteps;
  }

  segmentLength(s: number): number {
    return Math.min(this.segmentSteps, this.steps - s * this.segmentSteps);
  }

  allocSegment(): SegmentBuffer {
    const n = this.sys.dim, r = this.sys.noise?.rank ?? 0;
    return { states: new Float64Array((this.segmentSteps + 1) * n), xi: new Float64Array(this.segmentSteps * r) };
  }

  // scratch for recomputation: copying through them avoids a subarray view per step
  private readonly sx: Float64Array;
  private readonly sy: Float64Array;
  private readonly sxi: Float64Array;

  /** Recomputes segment s into buf; returns its number of steps L (states 0..L are filled). */
  segment(s: number, buf: SegmentBuffer): number {
    const n = this.sys.dim, r = this.sys.noise?.rank ?? 0;
    const len = this.segmentLength(s);
    const st = this.rngStates[s];
    const rng = st ? Rng.fromState(st) : null;
    const { sx, sy, sxi } = this;
    for (let i = 0; i < n; i++) sx[i] = this.starts[s * n + i];
    buf.states.set(sx, 0);
    for (let j = 0; j < len; j++) {
      step(this.sys, sx, sy, rng, sxi);
      for (let i = 0; i < n; i++) buf.states[(j + 1) * n + i] = sx[i] = sy[i];
      for (let i = 0; i < r; i++) buf.xi[j * r + i] = sxi[i];
    }
    return len;
  }

  /** Bytes held by the checkpoints (for memory diagnostics). */
  get checkpointBytes(): number {
    return this.starts.byteLength + this.rngStates.length * 64;
  }
}
