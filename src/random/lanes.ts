import { deriveSeed, stateFromSeed } from './seeding.js';

/**
 * Per-sample random streams for lockstep ensembles. Sample s of a run draws from its own
 * xoshiro128** state, hashed from the run's seed and s alone, so a sample gets the same numbers
 * whatever the batch size B, the block it falls in and the number of workers. The hash is 32-bit
 * integer arithmetic (murmur3's finaliser), cheap enough to seed every sample of a 10⁵-sample run.
 */
export class LaneStreams {
  private readonly key: [number, number, number, number];

  constructor(seed: number, domain = 0) {
    // a stream of the seed reserved for lanes (≠ any repetition's split index in practice)
    this.key = stateFromSeed(deriveSeed(seed, 0x4c414e45 + domain));
  }

  /** Writes the 4 state words of sample `sample` at state[4·lane …]. */
  seed(sample: number, state: Uint32Array, lane: number): void {
    const lo = sample >>> 0, hi = Math.floor(sample / 4294967296) >>> 0;
    let any = 0;
    for (let j = 0; j < 4; j++) {
      const h = fmix32(this.key[j] ^ fmix32(Math.imul(lo, 0x9e3779b9) ^ Math.imul(hi + j + 1, 0x85ebca6b) ^ Math.imul(j + 1, 0xc2b2ae35)));
      state[4 * lane + j] = h;
      any |= h;
    }
    if (any === 0) state[4 * lane] = 1; // the all-zero state is the one xoshiro cannot leave
  }
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
