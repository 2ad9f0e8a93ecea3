/**
 * Lyapunov spectrum cost: full spectrum of lorenz96 (n = 40, k = 40) and of rnn n = 256 (k = 32),
 * seconds per 10⁴ steps (measured over `STEPS` steps after the transients, scaled linearly), ns per
 * tangent-vector-step, and two in-process ratios: against QR every 10 steps (the share of the QR)
 * and against the orbit alone (the price of carrying k tangent vectors). Best of 2 after a warm-up,
 * in CPU seconds of this process (wall time would count the other jobs of a shared machine).
 * Standalone: `node dist/bench/lyapunov.js`.
 */
import { pathToFileURL } from 'node:url';
import { lyapunovSpectrum } from '../src/lyapunov/index.js';
import { Rng } from '../src/random/index.js';
import { createSystem, initialState, step, type DynamicalSystem } from '../src/systems/index.js';
import type { BenchRow } from './types.js';

/** Best CPU time (user + system of this process) of n runs: robust on a machine shared with other jobs. */
function bestOf(n: number, f: () => void): number {
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    const t0 = process.cpuUsage();
    f();
    const d = process.cpuUsage(t0);
    best = Math.min(best, (d.user + d.system) / 1e6);
  }
  return best;
}

function orbitSeconds(sys: DynamicalSystem, x0: Float64Array, steps: number): number {
  return bestOf(2, () => {
    let x = Float64Array.from(x0), y = new Float64Array(sys.dim);
    for (let t = 0; t < steps; t++) {
      step(sys, x, y, null);
      const tmp = x;
      x = y;
      y = tmp;
    }
  });
}

function spectrumRows(label: string, sys: DynamicalSystem, k: number, steps: number): BenchRow[] {
  const x0 = initialState(sys, new Rng(0));
  const run = (qrEvery: number) => lyapunovSpectrum(sys, { k, steps, qrEvery, x0, transient: 0, basisTransient: 0 });
  run(1); // warm-up (JIT)
  const every1 = bestOf(2, () => run(1));
  const every10 = bestOf(2, () => run(10));
  const orbit = orbitSeconds(sys, x0, steps);
  const note = `n = ${sys.dim}, k = ${k}, measured over ${steps} steps`;
  return [
    { name: `lyapunov.${label}.secondsPer1e4Steps`, value: (every1 * 1e4) / steps, unit: 's', note },
    { name: `lyapunov.${label}.nsPerTangentVectorStep`, value: (every1 * 1e9) / (steps * k), unit: 'ns', note: 'tangent product + QR share, per vector per step' },
    { name: `lyapunov.${label}.qrEvery1VsEvery10`, value: every1 / every10, unit: '×', note: 'same steps; the excess over 1 is the cost of QR every step' },
    { name: `lyapunov.${label}.vsOrbitAlone`, value: every1 / orbit, unit: '×', note: 'spectrum time / plain simulation of the same steps' },
  ];
}

export async function bench(): Promise<BenchRow[]> {
  return [
    ...spectrumRows('lorenz96', createSystem('lorenz96', { dim: 40 }), 40, 4000),
    ...spectrumRows('rnn256k32', createSystem('rnn', { dim: 256 }), 32, 1000),
  ];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const r of await bench()) process.stdout.write(`${r.name.padEnd(44)} ${r.value.toPrecision(4).padStart(10)} ${r.unit}${r.note ? `   (${r.note})` : ''}\n`);
}
