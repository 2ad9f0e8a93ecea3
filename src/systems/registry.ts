import { unknownName } from '../errors/index.js';
import { henon } from './builtin/henon.js';
import { linear } from './builtin/linear.js';
import { lorenz63 } from './builtin/lorenz63.js';
import { lorenz96 } from './builtin/lorenz96.js';
import { ni9 } from './builtin/ni9.js';
import { rnn, type RnnWeights } from './builtin/rnn.js';
import { solenoid } from './builtin/solenoid.js';
import { tent } from './builtin/tent.js';
import { checkSystemOptions, systemFromModel } from './instantiate.js';
import { gru, mlpOde, plrnn } from './zoo/index.js';
import type { SystemModel } from './model.js';
import type { SystemOptions } from './options.js';
import type { DynamicalSystem } from './types.js';

export type { SystemOptions } from './options.js';

/** Built-in models by name; each factory reads only the options that shape its model (dim, dt, weights). */
const REGISTRY: Record<string, (o: SystemOptions) => SystemModel> = {
  lorenz63: (o) => lorenz63(o.dt ?? 0.005),
  lorenz96: (o) => lorenz96(o.dim ?? 40, o.dt ?? 0.01),
  henon: () => henon(),
  tent: () => tent(),
  solenoid: (o) => solenoid(o.dim ?? 21),
  ni9: () => ni9(),
  rnn: (o) => rnn({ dim: o.dim, weights: o.weights as RnnWeights | undefined, netSeed: o.netSeed }),
  linear: () => linear(),
  // the zoo: networks defined by their step rule (src/systems/zoo), derivatives derived
  plrnn: (o) => network(plrnn({ dim: o.dim, netSeed: o.netSeed })),
  'plrnn-clipped': (o) => network(plrnn({ dim: o.dim, netSeed: o.netSeed, clipped: true })),
  gru: (o) => network(gru({ dim: o.dim, netSeed: o.netSeed })),
  'mlp-ode': (o) => network(mlpOde({ dim: o.dim, netSeed: o.netSeed, dt: o.dt })),
};

/** The zoo's facts: sized (any dim ≥ 1), weights drawn from a network seed. */
function network(m: SystemModel): SystemModel {
  return { ...m, minDim: m.minDim ?? 1, seededWeights: true };
}

export const SYSTEM_NAMES = Object.keys(REGISTRY);

/** The model of a built-in system (its facts: kind, minDim, defaultNoise, parameters). */
export function systemModel(name: string, o: SystemOptions = {}): SystemModel {
  const make = REGISTRY[name];
  if (!make) unknownName('system', name, SYSTEM_NAMES);
  checkSystemOptions(o);
  return make(o);
}

/** The built-in flows, for messages (read from the models, not listed by name). */
function flowNames(): string[] {
  return SYSTEM_NAMES.filter((n) => REGISTRY[n]({}).kind === 'flow');
}

/** Creates a built-in system by name; every option is validated with a message naming the fix. */
export function createSystem(name: string, o: SystemOptions = {}): DynamicalSystem {
  const model = systemModel(name, o);
  const hint = o.dt !== undefined && model.kind !== 'flow' ? ` (${flowNames().join(', ')})` : '';
  return systemFromModel(model, o, { name, options: { ...o } }, hint);
}

/** Catalogue entry for `systems` and the README. */
export function describeSystem(name: string): {
  name: string; kind: string; dim: number; description: string; equations: string;
  parameters: { name: string; size: number; default: number | string; description: string }[];
  observables: string[]; defaultNoise: number; dt: number | null; naturalHorizon: number | null;
} {
  return describeModel(systemModel(name));
}

/** Catalogue entry of any model (built-in or user-defined). */
export function describeModel(model: SystemModel): ReturnType<typeof describeSystem> {
  const sys = systemFromModel(model);
  return {
    name: model.name,
    kind: sys.kind,
    dim: sys.dim,
    description: model.description,
    equations: model.equations,
    parameters: model.params.map((d) => ({
      name: d.name,
      size: d.size,
      default: typeof d.default === 'number' ? d.default : (d.defaultLabel ?? 'array'),
      description: d.description,
    })),
    observables: sys.observables.map((ob) => ob.name),
    defaultNoise: model.defaultNoise ?? 0,
    dt: sys.dt,
    naturalHorizon: sys.naturalHorizon,
  };
}
