import { SYSTEM_NAMES, describeSystem } from '../../systems/index.js';
import { unknownName } from '../../errors/index.js';
import type { Command, CommandOutput } from '../command.js';
import { table } from '../format.js';

type Description = ReturnType<typeof describeSystem>;

function jsonOf(s: Description): Record<string, unknown> {
  return {
    name: s.name, kind: s.kind, dim: s.dim, description: s.description, equations: s.equations,
    parameters: s.parameters, observables: s.observables, defaultNoise: s.defaultNoise, dt: s.dt, naturalHorizon: s.naturalHorizon,
  };
}

/** `systems <name>`: one system's parameters (default, size, meaning) and observables. */
function oneSystem(name: string): CommandOutput {
  if (!SYSTEM_NAMES.includes(name)) unknownName('system', name, SYSTEM_NAMES);
  const s = describeSystem(name);
  const params = table(['parameter', 'size', 'default', 'description'], s.parameters.map((p) => [
    p.name, String(p.size), typeof p.default === 'number' ? String(+p.default.toPrecision(6)) : p.default, p.description,
  ]));
  const obs = s.observables.length > 12 ? [...s.observables.filter((o) => !/^x\d+$/.test(o)), `x0 … x${s.dim - 1}`] : s.observables;
  const text = [
    `${s.name} (${s.kind}, dimension ${s.dim}${s.dt !== null ? `, dt ${s.dt}` : ''}): ${s.description}`,
    s.equations,
    '',
    params,
    '',
    `observables (--objective, --observables): ${obs.join(', ')}`,
    `set a parameter with --set name=value${s.defaultNoise > 0 ? `; default noise for kernel methods σ = ${s.defaultNoise}` : ''}`,
  ].join('\n');
  return { json: jsonOf(s), text };
}

export const systemsCommand: Command = {
  name: 'systems',
  summary: 'list the built-in systems, or one system\'s parameters and observables',
  usage: 'systems [<name>] [--json]',
  options: {},
  system: false,
  maxPositionals: 1,
  run(positionals: string[]) {
    if (positionals[0] !== undefined) return oneSystem(positionals[0]);
    const systems = SYSTEM_NAMES.map(describeSystem);
    const rows = systems.map((s) => [
      s.name,
      s.kind,
      String(s.dim),
      s.parameters.map((p) => (p.size === 1 ? `${p.name}=${+Number(p.default).toPrecision(6)}` : `${p.name}[${p.size}]`)).join(' '),
      (s.observables.length > 8 ? [...s.observables.filter((o) => !/^x\d+$/.test(o)), 'x0…'] : s.observables).join(','),
    ]);
    const text = table(['system', 'kind', 'dim', 'parameters (defaults)', 'observables'], rows) +
      '\n\n' + systems.map((s) => `${s.name}: ${s.equations}`).join('\n') +
      "\n\nrun 'chaosgrad systems <name>' for one system's parameters and observables";
    return { json: { systems: systems.map(jsonOf) }, text };
  },
};
