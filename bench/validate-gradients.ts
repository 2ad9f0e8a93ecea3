/**
 * Long accuracy studies of the gradient framework (BPTT, its baselines, the FD reference, the
 * explosion diagnostic). `validate()` returns a Markdown report; the numbers in docs/gradients.md
 * come from it. Standalone: `node dist/bench/validate-gradients.js [study …]`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { explodeFigure } from '../src/cli/commands/explode.js';
import { bpttEstimator, fdEstimator, type BpttOptions, type GradientResult, type Objective } from '../src/gradients/index.js';
import { explodeStudy, type ExplodeResult } from '../src/gradients/explode.js';
import { createSystem, type SystemOptions } from '../src/systems/index.js';

const fmt = (v: number, d = 4) => (Number.isFinite(v) ? (Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(d - 1) : v.toPrecision(d)) : String(v));
const pm = (r: GradientResult, i = 0) => `${fmt(r.gradient[i])} ± ${r.stderr ? fmt(r.stderr[i], 2) : '–'}`;
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;

function table(header: string[], rows: (string | number)[][]): string {
  return [row(header), row(header.map(() => '---')), ...rows.map(row)].join('\n');
}

// ---------------------------------------------------------------------------------------------
/** linear with noise: both estimators against the exact stationary derivatives, long orbits. */
async function linearStudy(): Promise<string> {
  const a = 0.5, c = 1, sigma = 0.5, T = 1_000_000;
  const system = createSystem('linear', { noise: sigma });
  const exactC = 1 / (1 - a);
  const exactA = (2 * a * sigma ** 2) / (1 - a * a) ** 2 + (2 * c * c) / (1 - a) ** 3;
  const obj = (observable: string): Objective => ({ kind: 'average', observable, steps: T, transient: 100 });
  const rows: (string | number)[][] = [];
  for (const [what, observable, param, exact] of [['d⟨x⟩/dc', 'x0', 'c', exactC], ['d⟨x²⟩/da', 'meansq', 'a', exactA]] as const) {
    // different seeds: the two estimates come from independent orbits
    const b = await bpttEstimator.estimate({ system, objective: obj(observable), params: [param], seed: 1 }, { repeats: 16 });
    const f = await fdEstimator.estimate({ system, objective: obj(observable), params: [param], seed: 2 }, { batches: 16, richardson: true });
    for (const [name, r] of [['bptt (16 orbits)', b], ['fd, Richardson (16 batches)', f]] as const) {
      const se = r.stderr![0];
      const z = se > 1e-9 ? fmt((r.gradient[0] - exact) / se, 2) : `deterministic (noise cancels); estimate − exact = ${fmt(r.gradient[0] - exact, 3)}, the finite-T term −a(1−aᵀ)/((1−a)²T) = ${fmt(-(a * (1 - a ** T)) / ((1 - a) ** 2 * T), 3)}`;
      rows.push([what, name, fmt(exact, 7), `${fmt(r.gradient[0], 7)} ± ${fmt(se, 2)}`, z]);
    }
  }
  return `AR(1) x ↦ ax + c + σξ with a = ${a}, c = ${c}, σ = ${sigma}; T = ${T} steps per orbit/batch.\n\n` +
    table(['derivative', 'method', 'exact', 'estimate ± stderr', '(estimate − exact)/stderr'], rows);
}

// ---------------------------------------------------------------------------------------------
/** FD on lorenz63 d⟨z⟩/dρ at ρ = 28: several step sizes, the recipe, its interval. */
async function fdLorenzStudy(): Promise<{ md: string; reference: GradientResult }> {
  const system = createSystem('lorenz63');
  const configs: { label: string; steps: number; batches: number; o: { h?: number; richardson?: boolean } }[] = [
    { label: 'default h = 0.01·ρ = 0.28', steps: 100_000, batches: 20, o: {} },
    { label: 'default h, 4× longer', steps: 400_000, batches: 20, o: {} },
    { label: 'h = 0.5', steps: 100_000, batches: 20, o: { h: 0.5 } },
    { label: 'h = 1 (recipe)', steps: 100_000, batches: 20, o: { h: 1 } },
    { label: 'h = 2', steps: 100_000, batches: 20, o: { h: 2 } },
    { label: 'h = 2, Richardson (2 and 1)', steps: 100_000, batches: 20, o: { h: 2, richardson: true } },
  ];
  const rows: (string | number)[][] = [];
  let reference: GradientResult | null = null;
  for (const c of configs) {
    const r = await fdEstimator.estimate({ system, objective: { kind: 'average', observable: 'z', steps: c.steps, transient: 4000 }, params: ['rho'], seed: 11 }, { batches: c.batches, ...c.o });
    const [lo, hi] = (r.diagnostics.ci95 as number[][])[0];
    rows.push([c.label, c.steps, c.batches, pm(r), `[${fmt(lo)}, ${fmt(hi)}]`, `±${fmt((hi - lo) / 2, 2)}`, lo <= 1 && 1 <= hi ? 'yes' : 'no', r.cost.steps.toExponential(2), r.cost.seconds.toFixed(1)]);
    if (c.label.includes('recipe')) reference = r;
  }
  const md = 'Central differences of ⟨z⟩ in ρ at ρ = 28 (dt = 0.005, transient 4000 steps, seed 11), each batch an independent orbit; ' +
    '95% interval = mean ± t₁₉·stderr.\n\n' +
    table(['step', 'steps/batch', 'batches', 'estimate ± stderr', '95% interval', 'half-width', 'contains 1.00', 'primal steps', 'seconds'], rows);
  return { md, reference: reference! };
}

// ---------------------------------------------------------------------------------------------
async function explodeOne(name: string, options: SystemOptions, observable: string, params: string[], seeds: number[], figure: string): Promise<{ rows: (string | number)[][]; first: ExplodeResult }> {
  const rows: (string | number)[][] = [];
  let first: ExplodeResult | null = null;
  for (const seed of seeds) {
    const t0 = Date.now();
    const r = await explodeStudy(createSystem(name, options), { observable, params, seed });
    if (first === null) {
      first = r;
      const dir = new URL('../../docs/figures/', import.meta.url);
      mkdirSync(dir, { recursive: true });
      writeFileSync(new URL(figure, dir), explodeFigure(r));
    }
    rows.push([name, seed, `${fmt(r.fitRange[0])}–${fmt(r.fitRange[1])} (${r.fitPoints} pts)`, fmt(r.growthRate), `${fmt(r.lambda1)} ± ${fmt(r.lambda1Stderr, 2)}`, fmt(r.ratio, 3), r.unit, ((Date.now() - t0) / 1000).toFixed(1)]);
  }
  return { rows, first: first! };
}

async function explodeStudies(): Promise<string> {
  const l = await explodeOne('lorenz63', {}, 'z', ['rho'], [0, 1, 2], 'explode-lorenz63.svg');
  const r = await explodeOne('rnn', {}, 'mean', ['g'], [0, 1, 2], 'explode-rnn.svg');
  const norms = (e: ExplodeResult) => e.horizons.map((h, i) => `${fmt(e.times[i], 3)}: ${e.gradientNorms[i] === null ? 'overflow' : fmt(e.gradientNorms[i]!, 3)}`).join(', ');
  return 'Median over 16 orbits of ‖∇ Σ_{n≤T} Φ(xₙ)‖ at 12 log-spaced horizons (defaults of `chaosgrad explode`), fit over the upper half; ' +
    'λ₁ from `lyapunovSpectrum(sys, { k: 1 })` over 500 time units (flows) or 50 000 steps (maps).\n\n' +
    table(['system', 'seed', 'fit range', 'growth rate', 'λ₁ ± stderr', 'rate/λ₁', 'unit', 'seconds'], [...l.rows, ...r.rows]) +
    `\n\nlorenz63 (seed 0), time: median norm — ${norms(l.first)}\n\nrnn (seed 0), steps: median norm — ${norms(r.first)}\n\n` +
    'Figures: docs/figures/explode-lorenz63.svg, docs/figures/explode-rnn.svg.';
}

// ---------------------------------------------------------------------------------------------
/** How far the practitioners' fixes are from the FD reference on lorenz63 d⟨z⟩/dρ. */
async function baselineStudy(reference: GradientResult): Promise<string> {
  const system = createSystem('lorenz63');
  const ref = reference.gradient[0];
  const refSe = reference.stderr![0];
  const rows: (string | number)[][] = [];
  const run = async (label: string, steps: number, o: BpttOptions, transient = 4000) => {
    let cells: (string | number)[];
    try {
      const r = await bpttEstimator.estimate({ system, objective: { kind: 'average', observable: 'z', steps, transient }, params: ['rho'], seed: 21 }, { repeats: 16, ...o });
      const g = r.gradient[0], se = r.stderr![0];
      const bias = g - ref;
      cells = [label, steps, pm(r), fmt(bias, 3), `${fmt((100 * bias) / ref, 3)}%`, fmt(Math.abs(bias) / Math.hypot(se, refSe), 3)];
    } catch (e) {
      cells = [label, steps, (e as Error).message.split(':')[0], '–', '–', '–'];
    }
    rows.push(cells);
  };
  await run('BPTT, T = 1 time unit', 200, {});
  await run('BPTT, T = 5', 1000, {});
  await run('BPTT, T = 20', 4000, {});
  await run('BPTT, T = 200', 40000, {});
  for (const C of [0.1, 1, 10]) await run(`clip C = ${C}, T = 5`, 1000, { clip: C });
  for (const C of [0.1, 1, 10]) await run(`clip C = ${C}, T = 20`, 4000, { clip: C });
  for (const c of [1, 10, 100, 1000]) await run(`clip-step c = ${c}, T = 100`, 20000, { clipStep: c });
  for (const K of [10, 20, 50, 100, 150, 200, 400]) await run(`truncate K = ${K} (${K * 0.005} time units), T = 100`, 20000, { truncate: K });
  for (const len of [100, 200, 400]) await run(`ensemble of ${20000 / len} × ${len} steps`, 20000, { ensemble: 20000 / len });
  for (const W of [1e-3, 1e-2]) await run(`l2 W = ${W} on truncate K = 100`, 20000, { truncate: 100, l2: W });
  return `Reference: FD (h = 1, 20 batches × 10⁵ steps) d⟨z⟩/dρ = ${fmt(ref)} ± ${fmt(refSe, 2)}. Each baseline: 16 independent orbits after a 4000-step transient (seed 21); ` +
    'Ensemble members each get their own 4000-step transient. "bias" = estimate − reference, "|bias|/σ" = |bias| / √(se² + se_ref²) (above ~3: a real bias, not noise). T in time units (dt = 0.005).\n\n' +
    table(['baseline', 'steps/orbit', 'estimate ± stderr', 'bias', 'bias / reference', '|bias|/σ'], rows);
}

// ---------------------------------------------------------------------------------------------
/** Peak RSS of a fresh process running BPTT over T steps of lorenz63 (and the forward pass alone). */
function childRun(code: string): Record<string, number> {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', env: { ...process.env, CHAOSGRAD_WORKERS: '1' } });
  if (r.status !== 0) throw new Error(`memory child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

function memoryStudy(): string {
  const gradients = pathToFileURL(fileURLToPath(new URL('../src/gradients/index.js', import.meta.url))).href;
  const systems = pathToFileURL(fileURLToPath(new URL('../src/systems/index.js', import.meta.url))).href;
  const rows: (string | number)[][] = [];
  for (const T of [10_000, 100_000, 1_000_000]) {
    for (const [label, opts] of [['clip-step 1', '{ repeats: 1, clipStep: 1 }'], ['truncate 200', '{ repeats: 1, truncate: 200 }']] as const) {
      const bptt = childRun(`
        import { bpttEstimator } from '${gradients}';
        import { createSystem } from '${systems}';
        const system = createSystem('lorenz63');
        const r = await bpttEstimator.estimate({ system, objective: { kind: 'average', observable: 'z', steps: ${T} }, params: ['rho', 'sigma', 'beta'], seed: 0 }, ${opts});
        console.log(JSON.stringify({ rssKB: process.resourceUsage().maxRSS, bytes: r.diagnostics.peakMemoryBytes, seconds: r.cost.seconds, segments: r.diagnostics.segments }));`);
      rows.push([T, label, (bptt.rssKB / 1024).toFixed(1), (bptt.bytes / 1024).toFixed(1), bptt.segments, (((T + 1) * 3 * 8) / 1024 / 1024).toFixed(2), bptt.seconds.toFixed(2)]);
    }
  }
  const fwd = childRun(`
    import { createSystem, simulate } from '${systems}';
    const system = createSystem('lorenz63');
    simulate(system, { steps: 1000000, observables: ['z'] });
    console.log(JSON.stringify({ rssKB: process.resourceUsage().maxRSS }));`);
  return 'Fresh Node process per row (`process.resourceUsage().maxRSS`), lorenz63, all three parameters. Plain BPTT overflows ' +
    'long before 10⁶ steps (‖ν‖ ~ e^{0.9·t} passes 10³⁰⁸ after ~780 time units), so the long runs use per-step clipping or ' +
    'truncation: the same checkpointed forward pass, recomputation and backward sweep.\n\n' +
    table(['T (steps)', 'variant', 'peak RSS (MB)', 'checkpoints + segment (KB)', 'segments', 'all states would be (MB)', 'seconds'], rows) +
    `\n\nBaseline: the forward simulation alone (10⁶ steps, \`simulate\`) peaks at ${(fwd.rssKB / 1024).toFixed(1)} MB.`;
}

// ---------------------------------------------------------------------------------------------
/** BPTT against FD of the same finite-T statistic (common random numbers), every parameter. */
async function crossCheck(): Promise<string> {
  const cases: [string, SystemOptions, number, number, string, number][] = [
    ['lorenz63', {}, 100, 400, 'z', 1e-4],
    ['henon', {}, 20, 200, 'x0', 1e-6],
    ['rnn', { dim: 7 }, 20, 100, 'meansq', 1e-4],
    ['ni9', { noise: 0.5 }, 20, 50, 'mean', 1e-4],
    ['solenoid', { dim: 5 }, 8, 50, 'phi', 1e-4],
    ['linear', { noise: 0.5 }, 50, 20, 'meansq', 1e-4],
  ];
  const rows: (string | number)[][] = [];
  for (const [name, options, steps, transient, observable, relativeH] of cases) {
    const system = createSystem(name, options);
    const req = { system, objective: { kind: 'average', observable, steps, transient } as Objective, params: system.params.map((p) => p.name), seed: 5 };
    const b = await bpttEstimator.estimate(req, { repeats: 1 });
    const f = await fdEstimator.estimate(req, { batches: 1, relativeH, richardson: true });
    let d = 0, m = 0;
    for (let i = 0; i < b.gradient.length; i++) {
      d = Math.max(d, Math.abs(b.gradient[i] - f.gradient[i]));
      m = Math.max(m, Math.abs(f.gradient[i]));
    }
    rows.push([name + (system.noise ? ` (noise ${system.noise.sigma})` : ''), system.nParams, steps, observable, (d / m).toExponential(1)]);
  }
  return 'Same x₀, same noise, all parameter entries; FD with Richardson extrapolation.\n\n' + table(['system', 'entries', 'T', 'Φ', 'max |bptt − fd| / max |fd|'], rows);
}

/** @param only sub-studies to run (all when empty); `npm run validate -- gradients` calls it with none */
export async function validate(only: string[] = []): Promise<string> {
  const want = (s: string) => only.length === 0 || only.includes(s);
  const parts: string[] = [];
  if (want('crosscheck')) parts.push('### BPTT = FD of the same finite-T statistic\n\n' + (await crossCheck()));
  if (want('linear')) parts.push('### linear with noise: exact derivatives\n\n' + (await linearStudy()));
  let reference: GradientResult | null = null;
  if (want('fd') || want('baselines')) {
    const fd = await fdLorenzStudy();
    reference = fd.reference;
    parts.push('### FD reference on lorenz63: d⟨z⟩/dρ\n\n' + fd.md);
  }
  if (want('explode')) parts.push('### Explosion: growth rate of the BPTT gradient against λ₁\n\n' + (await explodeStudies()));
  if (want('baselines')) parts.push('### Clipping, truncation, ensembles against the FD reference (lorenz63 d⟨z⟩/dρ)\n\n' + (await baselineStudy(reference!)));
  if (want('memory')) parts.push('### BPTT memory over 10⁶ steps of lorenz63\n\n' + memoryStudy());
  return parts.join('\n\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write((await validate(process.argv.slice(2))) + '\n');
}
