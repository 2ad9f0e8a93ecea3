import { nilsasEstimator, type NilsasOptions } from '../../gradients/nilsas/index.js';
import { flag, num, type OptionValues } from '../args.js';
import type { MethodAdapter } from './method.js';

/**
 * `grad <system> --method nilsas [--M M] [--segment-steps S | --segments K] [--repeats R]
 *  [--spectrum-steps N] [--no-neutral]`
 * Without --M a short Lyapunov run (--spectrum-steps, 0 to skip) sets M = unstable + neutral
 * exponents and the segment length; docs/nilsas.md explains each option.
 */
export const nilsasMethod: MethodAdapter<NilsasOptions> = {
  estimator: nilsasEstimator,
  options: {
    M: { type: 'string', group: 'method', kind: 'integer', min: 0, default: 'unstable + neutral exponents of a short run', description: 'homogeneous adjoints' },
    'segment-steps': { type: 'string', group: 'method', kind: 'integer', min: 1, value: 'S', unit: 'steps', default: 'from the short Lyapunov run', description: 'steps per segment (between re-orthonormalisations); keep it well below the orbit length' },
    segments: { type: 'string', group: 'method', kind: 'integer', min: 1, value: 'K', description: 'number of segments (alternative to --segment-steps)' },
    repeats: { type: 'string', group: 'method', kind: 'integer', min: 1, value: 'R', default: 8, description: 'independent orbits for the standard error' },
    'spectrum-steps': { type: 'string', group: 'method', kind: 'integer', min: 0, value: 'N', unit: 'steps', default: '2000 for maps, 100 time units for flows; none when --M and the segment length are given (the run reports its own M exponents)', description: 'short Lyapunov run that sets the defaults (0: skip, then give --M)' },
    'no-neutral': { type: 'boolean', group: 'method', description: 'flows: drop the neutral-direction constraint' },
  },
  parse(values: OptionValues): NilsasOptions {
    return {
      M: num(values, 'M', undefined, { integer: true, min: 0 }),
      segmentSteps: num(values, 'segment-steps', undefined, { integer: true, min: 1 }),
      segments: num(values, 'segments', undefined, { integer: true, min: 1 }),
      repeats: num(values, 'repeats', undefined, { integer: true, min: 1 }),
      spectrumSteps: num(values, 'spectrum-steps', undefined, { integer: true, min: 0 }),
      neutral: flag(values, 'no-neutral') ? false : undefined,
    };
  },
};
