/**
 * Kernels derived by defineSystem against the hand-written ones, same system, same process:
 * CPU ns per call of map, tangent, adjoint and fused backward (and their sum, one "step" of a
 * backpropagating algorithm), for rnn n = 64, 256 and lorenz63 (an RK4 step). Runs interleave
 * hand/defined so a change of the machine's load touches both; median of 7 rounds.
 * Standalone: `node dist/bench/define.js`; in the table: `npm run bench -- define`.
 */
import { pathToFileURL } from 'node:url';
import { cpuSeconds } from '../src/experiments/common.js';
import { Rng } from '../src/random/index.js';
import { median } from '../src/stats/index.js';
import { buildSystem, createSystem, defaultParams, initialState, type DynamicalSystem } from '../src/systems/index.js';
import type { DefinedModel } from '../src/systems/define/index.js';
import { definedLorenz63, definedRnn } from '../test/helpers/defined.js';
import type { BenchRow } from './types.js';

const ROUNDS = 7;
const KERNELS = ['map', 'tangent', 'adjoint', 'backward'] as const;

/** CPU ns per call of each kernel over `calls` calls from one state on the attractor. */
function timeKernels(sys: DynamicalSystem, calls: number): number[] {
  const n = sys.dim;
  const x = initialState(sys, new Rng(1), 200);
  const y = new Float64Array(n), v = new Float64Array(n).fill(1 / Math.sqrt(n)), o = new Float64Array(n), gp = new Float64Array(sys.nParams);
  // x moves along the orbit so RK4's stage cache cannot skip work
  const runs: (() => void)[] = [
    () => { sys.map(x, y); x.set(y); },
    () => { sys.map(x, y); x.set(y); sys.tangent(x, v, 1, o); },
    () => { sys.map(x, y); x.set(y); sys.adjoint(x, v, 1, o); },
    () => { sys.map(x, y); x.set(y); sys.backward(x, v, o, gp); },
  ];
  const mapNs = [] as number[];
  return runs.map((run, i) => {
    const c0 = cpuSeconds();
    for (let k = 0; k < calls; k++) run();
    const ns = ((cpuSeconds() - c0) * 1e9) / calls;
    if (i === 0) mapNs.push(ns);
    return i === 0 ? ns : Math.max(0, ns - mapNs[0]); // derivative kernels net of the map that moves x
  });
}

function compare(label: string, hand: DynamicalSystem, model: DefinedModel, calls: number): BenchRow[] {
  const defined = buildSystem(model, hand.p, null);
  const pair = [hand, defined];
  for (const s of pair) timeKernels(s, Math.ceil(calls / 5)); // JIT warm-up
  const ns = pair.map(() => KERNELS.map(() => [] as number[]));
  const total = pair.map(() => [] as number[]);
  for (let r = 0; r < ROUNDS; r++) {
    pair.forEach((s, j) => {
      const t = timeKernels(s, calls);
      t.forEach((v, k) => ns[j][k].push(v));
      total[j].push(t.reduce((a, b) => a + b, 0));
    });
  }
  const rows: BenchRow[] = KERNELS.map((k, i) => {
    const h = median(ns[0][i]), d = median(ns[1][i]);
    return { name: `${label} ${k}`, value: d / h, unit: '× hand-written', note: `defined ${d.toFixed(0)} ns, hand ${h.toFixed(0)} ns` };
  });
  const h = median(total[0]), d = median(total[1]);
  rows.push({ name: `${label} map+tangent+adjoint+backward`, value: d / h, unit: '× hand-written', note: `defined ${d.toFixed(0)} ns, hand ${h.toFixed(0)} ns (CPU, median of ${ROUNDS})` });
  return rows;
}

export async function bench(): Promise<BenchRow[]> {
  const cases: [string, DynamicalSystem, DefinedModel, number][] = [
    ['lorenz63', createSystem('lorenz63'), definedLorenz63(), 200000],
    ['rnn n=64', createSystem('rnn', { dim: 64 }), definedRnn(64), 20000],
    ['rnn n=256', createSystem('rnn', { dim: 256 }), definedRnn(256), 1500],
  ];
  const rows: BenchRow[] = [];
  const only = process.argv.slice(2).filter((a) => !a.startsWith('-') && a !== 'define');
  for (const [label, hand, model, calls] of cases) {
    if (only.length > 0 && !only.some((o) => label.startsWith(o))) continue;
    if (hand.nParams !== defaultParams(model).length) throw new Error(`${label}: layouts differ`);
    rows.push(...compare(label, hand, model, calls));
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await bench()) process.stdout.write(`${r.name.padEnd(44)} ${r.value.toPrecision(4).padStart(10)} ${r.unit}${r.note ? `   (${r.note})` : ''}\n`);
}
