import type { RngState } from '../random/index.js';
import { Rng } from '../random/index.js';
import { checkFinite, step } from './trajectory.js';
import type { DynamicalSystem } from './types.js';

/** Recomputed states of one segment: states[j·n…] = x_{start+j}, j = 0..length; xi[j·r…] = noise of step start+j. */
export interface SegmentBuffer {
  readonly states: Float64Array;
  readonly xi: Float64Array;
}

/** How a CheckpointedOrbit stores its orbit. */
export interface OrbitStorage {
  /** steps per checkpoint segment */
  segmentSteps: number;
  /** sees every state x_n, n = 0..steps, during the forward pass */
  visit?: (x: Float64Array, n: number) => void;
  /** index of x_0 in the whole run (after a transient, say), for error messages */
  firstIndex?: number;
  /**
   * Bytes the orbit may spend on keeping whole segments (states and noise) from the forward pass,
   * so that the backward sweep reads them instead of recomputing them. The LAST segments are
   * kept (a backward sweep starts there); default 0: recompute everything.
   */
  keepBytes?: number;
}

/**
 * A long orbit stored as checkpoints: the forward pass keeps only the state and the generator
 * state at every segment start (memory K·n, not T·n); `segment(s)` recomputes a segment's states
 * and noise bit for bit. Backward sweeps (BPTT, NILSAS, hybrid) walk segments in reverse.
 * Within a `keepBytes` budget the last segments are kept whole instead, which saves the
 * recomputation (one map per step) for the price of (n + r) numbers per kept step.
 */
export class CheckpointedOrbit {
  readonly segments: number;
  readonly segmentSteps: number;
  private readonly starts: Float64Array;
  private readonly rngStates: (RngState | null)[];
  readonly finalState: Float64Array;
  /** segments s ≥ firstKept are kept whole: states x_{start+1…} and the noise of their steps */
  readonly firstKept: number;
  private readonly keptStates: Float64Array;
  private readonly keptXi: Float64Array;
  /** primal steps recomputed by `segment` so far (kept segments cost none) */
  recomputedSteps = 0;

  /** Runs `steps` steps from x0 (not modified). */
  constructor(
    readonly sys: DynamicalSystem,
    x0: Float64Array,
    readonly steps: number,
    rng: Rng | null,
    storage: OrbitStorage,
  ) {
    const n = sys.dim, r = sys.noise?.rank ?? 0;
    const S = (this.segmentSteps = storage.segmentSteps);
    const firstIndex = storage.firstIndex ?? 0;
    const visit = storage.visit;
    this.sx = new Float64Array(n);
    this.sy = new Float64Array(n);
    this.sxi = new Float64Array(r);
    this.segments = Math.ceil(steps / S);
    this.starts = new Float64Array(this.segments * n);
    this.rngStates = new Array(this.segments).fill(null);
    const keepSteps = Math.min(steps, Math.floor((storage.keepBytes ?? 0) / (8 * (n + r))));
    // whole segments only, counted from the end (the last one may be short)
    let firstKept = this.segments;
    while (firstKept > 0 && steps - this.segmentStart(firstKept - 1) <= keepSteps) firstKept--;
    this.firstKept = firstKept;
    const keptFrom = Math.min(steps, this.segmentStart(firstKept));
    this.keptStates = new Float64Array((steps - keptFrom) * n);
    this.keptXi = new Float64Array((steps - keptFrom) * r);
    let x = Float64Array.from(x0);
    let y = new Float64Array(n);
    const xi = new Float64Array(r);
    visit?.(x, 0);
    for (let t = 0; t < steps; t++) {
      if (t % S === 0) {
        const s = t / S;
        this.starts.set(x, s * n);
        this.rngStates[s] = rng ? rng.getState() : null;
      }
      step(sys, x, y, rng, xi);
      checkFinite(y, firstIndex + t + 1);
      if (t >= keptFrom) {
        this.keptStates.set(y, (t - keptFrom) * n);
        this.keptXi.set(xi, (t - keptFrom) * r);
      }
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

  /** Fills buf with segment s (recomputed, or copied if kept); returns its number of steps L (states 0..L are filled). */
  segment(s: number, buf: SegmentBuffer): number {
    const n = this.sys.dim, r = this.sys.noise?.rank ?? 0;
    const len = this.segmentLength(s);
    buf.states.set(this.starts.subarray(s * n, (s + 1) * n), 0);
    if (s >= this.firstKept) {
      const off = this.segmentStart(s) - this.segmentStart(this.firstKept);
      buf.states.set(this.keptStates.subarray(off * n, (off + len) * n), n);
      buf.xi.set(this.keptXi.subarray(off * r, (off + len) * r), 0);
      return len;
    }
    const st = this.rngStates[s];
    const rng = st ? Rng.fromState(st) : null;
    const { sx, sy, sxi } = this;
    for (let i = 0; i < n; i++) sx[i] = this.starts[s * n + i];
    for (let j = 0; j < len; j++) {
      step(this.sys, sx, sy, rng, sxi);
      for (let i = 0; i < n; i++) buf.states[(j + 1) * n + i] = sx[i] = sy[i];
      for (let i = 0; i < r; i++) buf.xi[j * r + i] = sxi[i];
    }
    this.recomputedSteps += len;
    return len;
  }

  /** steps kept whole from the forward pass (the sweep does not recompute them) */
  get keptSteps(): number {
    return Math.max(0, this.steps - this.segmentStart(this.firstKept));
  }

  /** Bytes held by the checkpoints and kept segments (for memory diagnostics). */
  get checkpointBytes(): number {
    return this.starts.byteLength + this.rngStates.length * 64 + this.keptStates.byteLength + this.keptXi.byteLength;
  }
}
