import { SYSTEM_NAMES, describeSystem } from '../../systems/index.js';
import type { Command } from '../command.js';
import { table } from '../format.js';

export const systemsCommand: Command = {
  name: 'systems',
  summary: 'list the built-in systems with their parameters and observables',
  usage: 'systems [--json]',
  options: {},
  system: false,
  maxPositionals: 0,
  run() {
    const systems = SYSTEM_NAMES.map(describeSystem);
    const rows = systems.map((s) => [
      s.name,
      s.kind,
      String(s.dim),
      s.parameters.map((p) => (p.size === 1 ? `${p.name}=${+Number(p.default).toPrecision(6)}` : `${p.name}[${p.size}]`)).join(' '),
      (s.observables.length > 8 ? [...s.observables.filter((o) => !/^x\d+$/.test(o)), 'x0…'] : s.observables).join(','),
    ]);
    const text = table(['system', 'kind', 'dim', 'parameters (defaults)', 'observables'], rows) +
      '\n\n' + systems.map((s) => `${s.name}: ${s.equations}`).join('\n');
    return {
      json: {
        systems: systems.map((s) => ({
          name: s.name, kind: s.kind, dim: s.dim, description: s.description, equations: s.equations,
          parameters: s.parameters, observables: s.observables, defaultNoise: s.defaultNoise, dt: s.dt, naturalHorizon: s.naturalHorizon,
        })),
      },
      text,
    };
  },
};
