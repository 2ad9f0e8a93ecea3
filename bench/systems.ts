import { Rng } from '../src/random/index.js';
import { createSystem, initialState, type DynamicalSystem, type SystemOptions } from '../src/systems/index.js';
import type { BenchRow } from './types.js';

/** ns per step of map, tangent (1 vector), adjoint (1 covector) and the three together. */
function timeSystem(sys: DynamicalSystem, steps: number): { map: number; tangent: number; adjoint: number; all: number } {
  const rng = new Rng(1);
  const x = initialState(sys, rng, 100);
  const n = sys.dim;
  let y = new Float64Array(n), xx = Float64Array.from(x);
  const v = new Float64Array(n).fill(1 / Math.sqrt(n)), jv = new Float64Array(n), w = new Float64Array(n).fill(1), jw = new Float64Array(n);
  const time = (f: () => void) => {
    for (let i = 0; i < Math.min(200, steps); i++) f(); // warm-up
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < steps; i++) f();
    return Number(process.hrtime.bigint() - t0) / steps;
  };
  const map = time(() => { sys.map(xx, y); const t = xx; xx = y; y = t; });
  const tangent = time(() => sys.tangent(xx, v, 1, jv));
  const adjoint = time(() => sys.adjoint(xx, w, 1, jw));
  const all = time(() => {
    sys.map(xx, y);
    sys.tangent(xx, v, 1, jv);
    sys.adjoint(xx, w, 1, jw);
    const t = xx; xx = y; y = t;
  });
  return { map, tangent, adjoint, all };
}

export async function bench(): Promise<BenchRow[]> {
  const cases: [string, string, SystemOptions, number][] = [
    ['lorenz63', 'lorenz63', {}, 200000],
    ['ni9', 'ni9', {}, 200000],
    ['rnn n=64', 'rnn', { dim: 64 }, 20000],
    ['rnn n=256', 'rnn', { dim: 256 }, 2000],
  ];
  const rows: BenchRow[] = [];
  for (const [label, name, opts, steps] of cases) {
    const t = timeSystem(createSystem(name, opts), steps);
    rows.push({ name: `${label}: step+tangent+adjoint`, value: t.all, unit: 'ns/step', note: `map ${t.map.toFixed(0)}, tangent ${t.tangent.toFixed(0)}, adjoint ${t.adjoint.toFixed(0)} ns` });
  }
  return rows;
}
