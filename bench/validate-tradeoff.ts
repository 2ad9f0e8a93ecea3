/**
 * `npm run validate -- tradeoff`: where each training method's gradient sends the tradeoff task
 * (experiment 6) near its optimum. The reference optimum θ* of the noisy Lorenz 63 trade-off comes
 * from the finite-difference Gauss–Newton run the experiment uses (2·10⁶ steps per point, 5
 * iterations); there the true gradient is 0. Each method's gradient at θ*, at its CPU budget, over 5
 * seeds, measures its bias directly: a nonzero mean is a push away from θ*. To first order a method
 * whose bias b is constant near θ* stops where ∇L + b = 0, i.e. at δθ = −H⁻¹b with H = 2JᵀWJ the
 * Gauss–Newton Hessian, which costs ΔL = ½δθᵀHδθ — the loss its end point is predicted to lose.
 */
import { interval95, referenceOptimum, TRADEOFF_TERMS, tradeoffMethods, trainingSeeds } from '../src/experiments/index.js';
import { getEstimator } from '../src/gradients/index.js';
import { lossObjective, squaredErrorLoss } from '../src/optim/index.js';
import { Rng } from '../src/random/index.js';
import { createSystem } from '../src/systems/index.js';

const fmt = (v: number, d = 3) => (Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(d) : v.toExponential(1));

export async function validate(): Promise<string> {
  const system = createSystem('lorenz63', { noise: 0.2 });
  const transient = 4000;
  const ref = referenceOptimum(system, ['rho', 'beta'], TRADEOFF_TERMS, { steps: 2_000_000, transient, iterations: 5, h: [0.5, 0.1], seed: new Rng(0).split(1).seed });
  const at = Float64Array.from(system.p);
  const idx = [system.params.findIndex((p) => p.name === 'rho'), system.params.findIndex((p) => p.name === 'beta')];
  at[idx[0]] = ref.theta[0];
  at[idx[1]] = ref.theta[1];
  const sys = system.withParams(at);
  const w = TRADEOFF_TERMS.map((t) => t.weight ?? 1);
  // H = 2JᵀWJ at θ* (the last Gauss–Newton Jacobian)
  const J = ref.jacobian;
  const H = [0, 1].map((i) => [0, 1].map((j) => 2 * J.reduce((a, row, k) => a + w[k] * row[i] * row[j], 0)));
  const det = H[0][0] * H[1][1] - H[0][1] * H[1][0];
  const Hinv = [[H[1][1] / det, -H[0][1] / det], [-H[1][0] / det, H[0][0] / det]];
  const loss = squaredErrorLoss(TRADEOFF_TERMS);
  const lines = [
    `Reference optimum ρ* = ${fmt(ref.theta[0])} ± ${fmt(ref.thetaStderr[0])}, β* = ${fmt(ref.theta[1])} ± ${fmt(ref.thetaStderr[1])}, L* = ${fmt(ref.loss)} ± ${fmt(ref.lossStderr)} (${ref.cpuSeconds.toFixed(0)} CPU s).`,
    '',
    '| method (at 0.4 CPU s per gradient) | ∂L/∂ρ at θ* (mean [95% CI], 5 seeds) | ∂L/∂β at θ* | predicted end point δρ, δβ | predicted ΔL = ½δθᵀHδθ |',
    '|---|---|---|---|---|',
  ];
  for (const m of tradeoffMethods(0.4)) {
    const g: number[][] = [];
    for (const seed of trainingSeeds(0, 5)) {
      const objective = lossObjective(loss, ref.statistics, { kind: 'average', steps: m.steps, transient });
      const r = await getEstimator(m.method).estimate({ system: sys, objective, params: ['rho', 'beta'], seed: new Rng(seed).split(11).seed }, m.options);
      g.push(Array.from(r.gradient));
    }
    const mean = [0, 1].map((i) => interval95(g.map((x) => x[i])));
    const b = mean.map((x) => x.mean);
    const d = [0, 1].map((i) => -(Hinv[i][0] * b[0] + Hinv[i][1] * b[1]));
    const dL = 0.5 * (d[0] * (H[0][0] * d[0] + H[0][1] * d[1]) + d[1] * (H[1][0] * d[0] + H[1][1] * d[1]));
    const ci = (x: (typeof mean)[number]) => `${fmt(x.mean)} [${fmt(x.lo)}, ${fmt(x.hi)}]`;
    lines.push(`| ${m.label} | ${ci(mean[0])} | ${ci(mean[1])} | ${fmt(d[0])}, ${fmt(d[1])} | ${fmt(dL)} |`);
  }
  return lines.join('\n');
}
