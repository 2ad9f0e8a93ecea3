/**
 * The model zoo (plrnn, plrnn-clipped, gru, mlp-ode) through the CLI as a user runs it: for each,
 * `chaosgrad lyapunov` (λ₁ ± stderr of the chaotic default) and `chaosgrad grad --method
 * kernel|hybrid|fd` on the same noisy objective; the table reports the largest pairwise gap per
 * component in combined standard errors, |gᵢ − gⱼ| / √(sᵢ² + sⱼ²), which must stay below 3.
 * Standalone: `node dist/bench/validate-zoo.js`; in the report: `npm run validate -- zoo`.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pathToFileURL } from 'node:url';

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

interface ZooCase {
  readonly system: string;
  readonly param: string;
  readonly noise: number;
  readonly steps: number;
  readonly lyapunovSteps: number;
}

/** Noise small enough to keep each default on its attractor (plrnn's tent lattice escapes below −1/0.8). */
export const ZOO_CASES: readonly ZooCase[] = [
  { system: 'plrnn', param: 'h1', noise: 0.01, steps: 200000, lyapunovSteps: 100000 },
  { system: 'plrnn-clipped', param: 'h1', noise: 0.1, steps: 200000, lyapunovSteps: 100000 },
  { system: 'gru', param: 'bz', noise: 0.05, steps: 100000, lyapunovSteps: 50000 },
  { system: 'mlp-ode', param: 'leak', noise: 0.05, steps: 100000, lyapunovSteps: 100000 },
];

function cli(args: string[]): Record<string, any> {
  const r = spawnSync(process.execPath, [CLI, ...args, '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`chaosgrad ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, any>;
}

/** Largest |gᵢ − gⱼ| / √(sᵢ² + sⱼ²) over components and method pairs. */
export function worstGap(results: { gradient: number[]; stderr: number[] }[]): number {
  let worst = 0;
  for (let a = 0; a < results.length; a++) {
    for (let b = a + 1; b < results.length; b++) {
      results[a].gradient.forEach((g, i) => {
        const s = Math.hypot(results[a].stderr[i], results[b].stderr[i]);
        worst = Math.max(worst, Math.abs(g - results[b].gradient[i]) / s);
      });
    }
  }
  return worst;
}

const fmt = (v: number, s: number) => `${v.toPrecision(4)} ± ${s.toPrecision(2)}`;

export async function validate(): Promise<string> {
  const rows: string[] = [
    '| system | λ₁ ± stderr (noise-free default) | objective, param | kernel | hybrid | fd | worst gap (combined stderr) |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const c of ZOO_CASES) {
    const ly = cli(['lyapunov', c.system, '--k', '2', '--steps', String(c.lyapunovSteps)]);
    const base = ['grad', c.system, '--param', c.param, '--objective', 'meansq', '--noise', String(c.noise), '--steps', String(c.steps), '--seed', '1'];
    const res = ['kernel', 'hybrid', 'fd'].map((m) => cli([...base, '--method', m]));
    const gap = worstGap(res as { gradient: number[]; stderr: number[] }[]);
    const first = (r: Record<string, any>) => `${fmt(r.gradient[0], r.stderr[0])}${r.gradient.length > 1 ? ` (+${r.gradient.length - 1})` : ''}`;
    rows.push(`| \`${c.system}\` | ${fmt(ly.exponents[0], ly.stderr[0])} | meansq, ${c.param} (σ = ${c.noise}, T = ${c.steps}) | ${res.map(first).join(' | ')} | ${gap.toFixed(2)} ${gap < 3 ? '✓' : '✗'} |`);
  }
  return rows.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.stdout.write((await validate()) + '\n');
