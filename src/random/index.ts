export { Rng, type RngState } from './rng.js';
export { LaneStreams } from './lanes.js';
export { ZIGGURAT } from './ziggurat.js';
