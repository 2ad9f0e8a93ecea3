import { UsageError, requireFinite, requirePositiveInteger, unknownName, usage, opt } from '../errors/index.js';
import { buildSystem, defaultParams } from './build.js';
import { henon } from './builtin/henon.js';
import { linear } from './builtin/linear.js';
import { lorenz63 } from './builtin/lorenz63.js';
import { lorenz96 } from './builtin/lorenz96.js';
import { ni9 } from './builtin/ni9.js';
import { rnn, type RnnWeights } from './builtin/rnn.js';
import { solenoid } from './builtin/solenoid.js';
import { tent } from './builtin/tent.js';
import { gru, mlpOde, plrnn } from './zoo/index.js';
import type { SystemModel } from './model.js';
import { makeNoise } from './noise.js';
import type { SystemOptions } from './options.js';
import type { DynamicalSystem } from './types.js';

export type { SystemOptions } from './options.js';

interface Entry {
  sized: boolean;
  defaultNoise: number;
  /** default weights drawn from a network seed (netSeed applies) */
  randomWeights?: boolean;
  make(o: SystemOptions): SystemModel;
}

const REGISTRY: Record<string, Entry> = {
  lorenz63: { sized: false, defaultNoise: 0, make: (o) => lorenz63(o.dt ?? 0.005) },
  lorenz96: { sized: true, defaultNoise: 0, make: (o) => lorenz96(o.dim ?? 40, o.dt ?? 0.01) },
  henon: { sized: false, defaultNoise: 0, make: () => henon() },
  tent: { sized: false, defaultNoise: 0.1, make: () => tent() },
  solenoid: { sized: true, defaultNoise: 0, make: (o) => solenoid(o.dim ?? 21) },
  ni9: { sized: false, defaultNoise: 0, make: () => ni9() },
  rnn: { sized: true, defaultNoise: 0, randomWeights: true, make: (o) => rnn({ dim: o.dim, weights: o.weights as RnnWeights | undefined, netSeed: o.netSeed }) },
  linear: { sized: false, defaultNoise: 0, make: () => linear() },
  // the zoo: networks defined by their step rule (src/systems/zoo), derivatives derived
  plrnn: { sized: true, defaultNoise: 0, randomWeights: true, make: (o) => plrnn({ dim: o.dim, netSeed: o.netSeed }) },
  'plrnn-clipped': { sized: true, defaultNoise: 0, randomWeights: true, make: (o) => plrnn({ dim: o.dim, netSeed: o.netSeed, clipped: true }) },
  gru: { sized: true, defaultNoise: 0, randomWeights: true, make: (o) => gru({ dim: o.dim, netSeed: o.netSeed }) },
  'mlp-ode': { sized: true, defaultNoise: 0, randomWeights: true, make: (o) => mlpOde({ dim: o.dim, netSeed: o.netSeed, dt: o.dt }) },
};

export const SYSTEM_NAMES = Object.keys(REGISTRY);

export function defaultNoiseOf(name: string): number {
  return REGISTRY[name]?.defaultNoise ?? 0;
}

export function systemModel(name: string, o: SystemOptions = {}): SystemModel {
  const entry = REGISTRY[name];
  if (!entry) unknownName('system', name, SYSTEM_NAMES);
  const flows: string[] = ['lorenz63', 'lorenz96', 'mlp-ode'];
  if (o.dt !== undefined) {
    requireFinite(opt('dt'), o.dt, { positive: true });
    if (!flows.includes(name)) throw usage`${opt('dt')} applies to flows only (${flows.join(', ')}); ${name} is a map`;
  }
  if (o.dim !== undefined) {
    requirePositiveInteger(opt('dim'), o.dim);
    if (!entry.sized) throw usage`${opt('dim')} applies to sized systems only (${SYSTEM_NAMES.filter((s) => REGISTRY[s].sized).join(', ')})`;
    if (name === 'lorenz96' && o.dim < 4) throw usage`${opt('dim')} for lorenz96 must be at least 4`;
    if (name === 'solenoid' && o.dim < 2) throw usage`${opt('dim')} for solenoid must be at least 2`;
  }
  if (o.weights !== undefined && name !== 'rnn') throw usage`${opt('weights')} applies to rnn only, not ${name}`;
  if (o.netSeed !== undefined && !entry.randomWeights) {
    throw usage`${opt('netSeed')} applies to networks with random weights only (${SYSTEM_NAMES.filter((s) => REGISTRY[s].randomWeights).join(', ')}), not ${name}`;
  }
  if (o.netSeed !== undefined) requirePositiveInteger(opt('netSeed'), o.netSeed, true);
  return entry.make(o);
}

/** Creates a built-in system by name; every option is validated with a message naming the fix. */
export function createSystem(name: string, o: SystemOptions = {}): DynamicalSystem {
  const model = systemModel(name, o);
  const p = defaultParams(model);
  if (o.params !== undefined) {
    if (o.params.length !== p.length) throw new UsageError(`${name}: expected ${p.length} parameter values, got ${o.params.length}`);
    p.set(o.params);
  }
  let offset = 0;
  const offsets = new Map(model.params.map((d) => { const r = [d.name, { off: offset, def: d }] as const; offset += d.size; return r; }));
  for (const [key, value] of Object.entries(o.set ?? {})) {
    const hit = offsets.get(key);
    if (!hit) unknownName(`parameter of ${name}`, key, model.params.map((d) => d.name));
    if (hit.def.size !== 1) throw usage`parameter '${key}' of ${name} is array-valued (${hit.def.size} entries); set it with ${opt('weights')}`;
    requireFinite(`parameter ${key}`, value);
    p[hit.off] = value;
  }
  const sigma = o.noise ?? REGISTRY[name].defaultNoise;
  const noise = makeNoise(model.dim, { sigma, kernel: o.kernel, directions: o.noiseDirections });
  if (noise === null && (o.kernel !== undefined || o.noiseDirections !== undefined)) {
    throw usage`${opt('kernel')} and ${opt('noiseDirections')} need noise: give ${opt('noise')} σ > 0`;
  }
  return buildSystem(model, p, noise, { name, options: { ...o } });
}

/** Catalogue entry for `systems` and the README. */
export function describeSystem(name: string): {
  name: string; kind: string; dim: number; description: string; equations: string;
  parameters: { name: string; size: number; default: number | string; description: string }[];
  observables: string[]; defaultNoise: number; dt: number | null; naturalHorizon: number | null;
} {
  const sys = createSystem(name);
  const model = systemModel(name);
  return {
    name,
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
    defaultNoise: REGISTRY[name].defaultNoise,
    dt: sys.dt,
    naturalHorizon: sys.naturalHorizon,
  };
}
