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
    M: { type: 'string' },
    'segment-steps': { type: 'string' },
    segments: { type: 'string' },
    repeats: { type: 'string' },
    'spectrum-steps': { type: 'string' },
    'no-neutral': { type: 'boolean' },
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
