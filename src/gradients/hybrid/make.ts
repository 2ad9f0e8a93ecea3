import type { DynamicalSystem } from '../../systems/index.js';
import type { HybridRunOptions } from './options.js';
import { pathKernelSplit, shadowingSplit, type Split } from './split.js';

export function makeSplit(sys: DynamicalSystem, o: HybridRunOptions): Split {
  return o.split === 'shadowing' ? shadowingSplit(sys, o.u) : pathKernelSplit(sys, o.alpha);
}
