/**
 * `npm run bench -- anchors`: chaosgrad against the vectorised numpy anchors of /work/shared
 * (../shared/anchors relative to the repository), interleaved in one command so that both see
 * the same machine load. Prints CPU seconds and ratios; skips the numpy side (saying so) when
 * python3 with numpy or the anchors are missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { jsKernels, kernels, qrBlock, QRWorkspace, type Kernels } from '../src/linalg/index.js';
import { Rng } from '../src/random/index.js';
import { batchedKernels, createSystem } from '../src/systems/index.js';
import { median } from '../src/stats/index.js';
import { hybridErgodicRun } from '../src/gradients/hybrid/ergodic.js';
import type { HybridRunOptions } from '../src/gradients/hybrid/options.js';
import type { BenchRow } from './types.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The anchors: $CHAOSGRAD_ANCHORS, else ../shared/anchors beside the repository (or beside its worktree folder). */
const ANCHORS = withSlash(process.env.CHAOSGRAD_ANCHORS) ?? [`${ROOT}../shared/anchors/`, `${ROOT}../../shared/anchors/`].find((d) => existsSync(d)) ?? `${ROOT}../shared/anchors/`;

/** A folder given without its trailing slash still names the folder. */
function withSlash(dir: string | undefined): string | undefined {
  return dir === undefined || dir.endsWith('/') ? dir : `${dir}/`;
}

const CLI = `${ROOT}dist/src/cli/main.js`;
const CPU_EXIT = `${ROOT}dist/bench/cpuExit.js`;
const REPS = Number(process.env.CHAOSGRAD_BENCH_REPS ?? 3);

/** numpy's environment: one OpenBLAS thread, and the core-type override unset for this command only (see env README). */
function pythonEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: '1' };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

function numpyAvailable(): string | null {
  if (!existsSync(`${ANCHORS}ni9_kernel_numpy.py`)) return `anchors not found in ${ANCHORS} (set CHAOSGRAD_ANCHORS)`;
  const r = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return 'python3 with numpy not available';
  return null;
}

function lastJson(text: string): Record<string, number> {
  const lines = text.trim().split('\n').filter((l) => l.startsWith('{'));
  return JSON.parse(lines[lines.length - 1]) as Record<string, number>;
}

/** Runs a python anchor; returns its own JSON line plus the whole process's CPU seconds. */
function runAnchor(script: string, args: string[]): Record<string, number> {
  const wrapper = 'import resource, runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name="__main__"); ' + 'u = resource.getrusage(resource.RUSAGE_SELF); print(\'{"processCpuSeconds": %r}\' % (u.ru_utime + u.ru_stime))';
  const r = spawnSync('python3', ['-c', wrapper, `${ANCHORS}${script}`, ...args], { encoding: 'utf8', env: pythonEnv() });
  if (r.status !== 0) throw new Error(`${script} failed: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  return { ...lastJson(lines.slice(0, -1).join('\n')), ...lastJson(lines[lines.length - 1]) };
}

/** Runs the chaosgrad CLI; returns its --json result's cost and the whole process's CPU seconds. */
function runCli(args: string[], env: NodeJS.ProcessEnv = process.env): { processCpuSeconds: number; json: Record<string, unknown> } {
  const r = spawnSync(process.execPath, ['--import', CPU_EXIT, CLI, ...args, '--json'], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`chaosgrad ${args.join(' ')} failed: ${r.stderr}`);
  return { processCpuSeconds: lastJson(r.stderr).processCpuSeconds, json: JSON.parse(r.stdout) as Record<string, unknown> };
}

function cpuSeconds(f: () => void): number {
  const t0 = process.cpuUsage();
  f();
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / 1e6;
}

/** GF/s of C ← A·B (n×n) on one core. */
function gemmRate(k: Kernels, n: number): number {
  const a = k.f64(n * n), b = k.f64(n * n), c = k.f64(n * n);
  const rng = new Rng(1);
  for (let i = 0; i < n * n; i++) {
    a[i] = rng.normal();
    b[i] = rng.normal();
  }
  k.gemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n); // warm-up (tier-up)
  const reps = Math.max(2, Math.round((k.name === 'wasm' ? 1.5e9 : 1e8) / (2 * n * n * n)));
  const s = cpuSeconds(() => {
    for (let r = 0; r < reps; r++) k.gemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n);
  });
  return (2 * n * n * n * reps) / s / 1e9;
}

function numpyGemmRate(n: number): number {
  const code = `import numpy as np, time\nn=${n}\na=np.random.default_rng(1).standard_normal((n,n)); b=a.copy(); a@b\nreps=max(2, round(3e9/(2*n**3)))\nt=time.process_time()\nfor _ in range(reps): a@b\nprint(2*n**3*reps/(time.process_time()-t)/1e9)`;
  const r = spawnSync('python3', ['-c', code], { encoding: 'utf8', env: pythonEnv() });
  return Number(r.stdout.trim());
}

/**
 * The rnn anchor's work per step with B orbits in lockstep: the map, the state adjoint and the
 * parameter adjoint summed over orbits (the batched kernels of rnn); µs per orbit-step.
 */
function rnnStep(n: number, B: number, steps: number, k: Kernels): number {
  const sys = createSystem('rnn', { dim: n });
  const bk = batchedKernels(sys, k);
  const rng = new Rng(0);
  let X = k.f64(n * B), Xn = k.f64(n * B), w = k.f64(n * B), w2 = k.f64(n * B);
  const G = k.f64(sys.nParams), gp = k.f64(sys.nParams);
  for (let i = 0; i < n * B; i++) {
    X[i] = rng.normal();
    w[i] = rng.normal();
  }
  const one = (): void => {
    bk.backward(X, w, B, w2, gp, Xn); // the map comes with the backward pass
    k.axpy(1, gp, G, G.length); // G += gp
    [X, Xn] = [Xn, X];
    [w, w2] = [w2, w];
    let s = 0;
    for (let i = 0; i < n * B; i++) s += w[i] * w[i];
    const f = 1 / (Math.sqrt(s) + 1e-300);
    for (let i = 0; i < n * B; i++) w[i] *= f;
  };
  for (let i = 0; i < 3; i++) one();
  return (1e6 * cpuSeconds(() => { for (let i = 0; i < steps; i++) one(); })) / steps / B;
}

/**
 * One orbit of the actual ergodic hybrid estimator on rnn (all W and b, σ = 0.1, path-kernel split,
 * α = 0.6, W = 10, no pilots, no predictor, no transient): forward orbit, then the backward sweep
 * with the state adjoint per step and the parameter adjoints per block of steps (GEMMs). µs per
 * orbit-step as (CPU of 2T steps − CPU of T steps)/T, which drops the per-run O(32·P) batch-means
 * work; T = 2048 gives full blocks (a block never crosses one of the 32 batches). More work than the
 * anchor's step: W·x is recomputed in the backward sweep (tanh′) and in the block's GEMM.
 */
function hybridStep(n: number): number {
  // The per-step cost is a difference of two runs, so each run must be long beside its fixed cost:
  // the batch means hold 32 rows of n² + n + 1 entries (268 MB at n = 1024, ≈ 1.8 s to allocate
  // and reduce), and start-up and the collector add noise. T = 2048 at n = 64, and 512 at n = 1024,
  // each once read a negative cost; at least 2048 steps and ≈ 2²⁸ multiply-adds per run.
  const T = Math.max(2048, Math.round(2 ** 28 / (n * n)));
  const system = createSystem('rnn', { dim: n, noise: 0.1 });
  const run = (steps: number): number => {
    const options: HybridRunOptions = { split: 'pathkernel', alpha: 0.6, u: 0, window: 10, segmentSteps: Math.ceil(Math.sqrt(steps)), basisTransient: 0, keepBytes: 2 ** 28 };
    return cpuSeconds(() => {
      hybridErgodicRun({ spec: null, system, objective: { kind: 'average', observable: 'mean', steps, transient: 0 }, params: ['W', 'b'], seed: 1, stream: 0, options });
    });
  };
  run(Math.ceil(T / 4)); // warm-up: the wasm and JS tiers settle
  const once = run(T);
  const perStep = (1e6 * (run(2 * T) - once)) / T;
  if (!(perStep > 0)) throw new Error(`rnn n=${n} hybrid: the cost per step did not resolve (${perStep} µs from ${T} and ${2 * T} steps); rerun on a quieter machine`);
  return perStep;
}

/** One Lyapunov step of rnn n = 256 with k = 32 vectors: tangent block and Householder QR (ms). */
function lyapunovStep(n: number, kv: number, steps: number): number {
  const sys = createSystem('rnn', { dim: n });
  const rng = new Rng(2);
  const x = new Float64Array(n), y = new Float64Array(n), v = new Float64Array(n * kv), out = new Float64Array(n * kv), r = new Float64Array(kv * kv);
  for (let i = 0; i < n; i++) x[i] = rng.normal();
  for (let i = 0; i < n * kv; i++) v[i] = rng.normal();
  const ws = new QRWorkspace(n, kv);
  const one = (): void => {
    sys.map(x, y);
    sys.tangent(x, v, kv, out);
    qrBlock(out, n, kv, r, ws);
    v.set(out);
    x.set(y);
  };
  for (let i = 0; i < 20; i++) one(); // warm-up: the wasm and JS tiers settle
  return (1e3 * cpuSeconds(() => { for (let i = 0; i < steps; i++) one(); })) / steps;
}

export async function bench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const k = kernels();
  const skip = numpyAvailable();
  if (skip !== null) process.stdout.write(`numpy anchors skipped: ${skip}\n`);
  const ni9Args = ['grad', 'ni9', '--method', 'kernel', '--horizon', '50', '--samples', '100000', '--noise', '0.5'];
  const ours: number[] = [], ours1: number[] = [], startup: number[] = [], theirsWork: number[] = [], theirsProc: number[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    ours.push(runCli(ni9Args).processCpuSeconds);
    ours1.push(runCli(ni9Args, { ...process.env, CHAOSGRAD_WORKERS: '1' }).processCpuSeconds);
    startup.push(runCli(['systems']).processCpuSeconds);
    if (skip === null) {
      const a = runAnchor('ni9_kernel_numpy.py', ['100000', '50', '0.5']);
      theirsWork.push(a.cpuSeconds);
      theirsProc.push(a.processCpuSeconds);
    }
  }
  rows.push({ name: 'ni9 kernel L=50 N=1e5: chaosgrad process CPU', value: median(ours), unit: 's', note: `median of ${REPS}, ${k.name} kernels, default workers` });
  rows.push({ name: 'ni9 kernel: chaosgrad process CPU, one worker', value: median(ours1), unit: 's', note: 'CHAOSGRAD_WORKERS=1' });
  rows.push({ name: 'ni9 kernel: chaosgrad one worker minus CLI start-up', value: median(ours1) - median(startup), unit: 's', note: `start-up (systems) ${median(startup).toFixed(3)} s` });
  if (skip === null) {
    rows.push({ name: 'ni9 kernel: numpy anchor CPU (timed loop)', value: median(theirsWork), unit: 's' });
    rows.push({ name: 'ni9 kernel: numpy anchor process CPU', value: median(theirsProc), unit: 's' });
    rows.push({ name: 'ni9 kernel: ratio chaosgrad / anchor loop', value: median(ours) / median(theirsWork), unit: '×', note: 'target ≤ 0.5' });
    rows.push({ name: 'ni9 kernel: ratio chaosgrad / anchor process', value: median(ours) / median(theirsProc), unit: '×' });
    rows.push({ name: 'ni9 kernel: ratio one worker / anchor process', value: median(ours1) / median(theirsProc), unit: '×' });
    rows.push({ name: 'ni9 kernel: ratio (one worker − start-up) / anchor loop', value: (median(ours1) - median(startup)) / median(theirsWork), unit: '×' });
  }
  for (const [n, steps] of [[64, 2000], [256, 300], [1024, 30]]) {
    const ourUs: number[] = [], theirUs: number[] = [], hybridUs: number[] = [];
    for (let rep = 0; rep < REPS; rep++) {
      ourUs.push(rnnStep(n, 32, steps, k));
      hybridUs.push(hybridStep(n));
      if (skip === null) theirUs.push(runAnchor('rnn_step_numpy.py', [String(n), String(steps), '32']).cpuMicrosecondsPerOrbitStep);
    }
    rows.push({ name: `rnn n=${n} B=32 map+adjoint+param: chaosgrad`, value: median(ourUs), unit: 'µs/orbit-step' });
    if (skip === null) {
      rows.push({ name: `rnn n=${n} B=32: numpy anchor`, value: median(theirUs), unit: 'µs/orbit-step' });
      rows.push({ name: `rnn n=${n} B=32: ratio chaosgrad / anchor`, value: median(ourUs) / median(theirUs), unit: '×', note: n === 1024 ? 'target ≤ 1.5' : 'target ≤ 1.0' });
    }
    rows.push({ name: `rnn n=${n} hybrid estimator (W, b), one orbit: chaosgrad`, value: median(hybridUs), unit: 'µs/orbit-step', note: 'forward + backward sweep, parameter adjoints in blocks' });
    if (skip === null) rows.push({ name: `rnn n=${n} hybrid one orbit / batched anchor`, value: median(hybridUs) / median(theirUs), unit: '×', note: n === 1024 ? 'target ≤ 1.5' : 'target ≤ 1.0' });
  }
  for (const n of [64, 256, 1024]) {
    rows.push({ name: `GEMM n=${n}, ${k.name}`, value: gemmRate(k, n), unit: 'GF/s', note: n === 256 ? 'target ≥ 15' : undefined });
    if (n <= 256) rows.push({ name: `GEMM n=${n}, pure TS`, value: gemmRate(jsKernels, n), unit: 'GF/s' });
    if (skip === null) rows.push({ name: `GEMM n=${n}, numpy/OpenBLAS 1 thread`, value: numpyGemmRate(n), unit: 'GF/s' });
  }
  rows.push({ name: 'Lyapunov step rnn n=256 k=32 (tangent + QR)', value: lyapunovStep(256, 32, 200), unit: 'ms' });
  const nilsas = ['grad', 'lorenz63', '--method', 'nilsas', '--param', 'rho,sigma', '--objective', 'z', '--M', '2', '--segments', '100', '--segment-steps', '200', '--repeats', '1'];
  const tent = ['grad', 'tent', '--method', 'kernel', '--param', 'gamma', '--objective', 'x', '--steps', '10000000', '--window', '7'];
  const bare: number[] = [], nil: number[] = [], te: number[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    bare.push(runCli(['systems']).processCpuSeconds);
    nil.push(runCli(nilsas).processCpuSeconds);
    te.push(runCli(tent).processCpuSeconds);
  }
  rows.push({ name: 'CLI start-up (systems command) process CPU', value: median(bare), unit: 's' });
  rows.push({ name: 'NILSAS lorenz63 T=100 process CPU', value: median(nil), unit: 's', note: 'target ≤ 0.64/3 = 0.21' });
  rows.push({ name: 'tent ergodic kernel 1e7 steps process CPU', value: median(te), unit: 's', note: 'target ≤ 1.2/3 = 0.40' });
  return rows;
}
