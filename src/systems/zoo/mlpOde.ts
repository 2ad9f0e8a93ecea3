import { requirePositiveInteger, requireFinite } from '../../errors/index.js';
import { defineSystem, type DefinedModel } from '../define/index.js';
import type { Expr } from '../define/index.js';
import { WeightDraw, identity } from './weights.js';

export interface MlpOdeOptions {
  /** state dimension n (default 8) */
  dim?: number;
  /** width of each hidden layer (default n) */
  hidden?: number;
  /** number of tanh hidden layers (default 1) */
  layers?: number;
  dt?: number;
  netSeed?: number;
}

/**
 * A neural ODE ẋ = MLP(x) − λx integrated by RK4: tanh hidden layers h_{k} = tanh(W_k h_{k−1} + b_k),
 * h_0 = x, linear read-out W_out h_K + b_out, and a leak λ (λ = 0: the bare MLP field; λ > 0 keeps
 * orbits bounded, as the read-out of a tanh layer is bounded). Default weights (from netSeed):
 * hidden layers of width n start at the identity (otherwise N(0, 1/fan-in)), read-out
 * W_out ~ N(0, 9/H), biases 0, λ = 1: with one layer this is the random network
 * ẋ = −x + J·tanh(x) of Sompolinsky, Crisanti & Sommers (1988), chaotic at gain 3 (docs/models.md).
 */
export function mlpOde(o: MlpOdeOptions = {}): DefinedModel {
  const n = requirePositiveInteger('dim', o.dim ?? 24);
  const H = requirePositiveInteger('hidden', o.hidden ?? n);
  const K = requirePositiveInteger('layers', o.layers ?? 1);
  const dt = requireFinite('dt', o.dt ?? 0.05, { positive: true });
  const draw = new WeightDraw(o.netSeed ?? 1);
  const params: Record<string, { shape: number[]; default: Float64Array | number; description: string } | number> = {};
  for (let k = 1; k <= K; k++) {
    const fanIn = k === 1 ? n : H;
    params[`W${k}`] = { shape: [H, fanIn], default: H === fanIn ? identity(H) : draw.gaussian(H, fanIn, 1), description: `hidden layer ${k} weights, ${H}×${fanIn}` };
    params[`b${k}`] = { shape: [H], default: 0, description: `hidden layer ${k} bias, ${H} entries` };
  }
  params.Wout = { shape: [n, H], default: draw.gaussian(n, H, 3), description: `read-out weights, ${n}×${H}` };
  params.bout = { shape: [n], default: 0, description: `read-out bias, ${n} entries` };
  params.leak = { shape: [], default: 1, description: 'leak λ of the −λx term' };
  return defineSystem({
    name: 'mlp-ode',
    kind: 'flow',
    dim: n,
    dt,
    description: `neural ODE, ${K} tanh hidden layer${K > 1 ? 's' : ''} of ${H} units, RK4; weights from the network seed (netSeed)`,
    equations: 'ẋ = Wout·tanh(W1·x + b1) + bout − λ·x (more layers: tanh(Wk·h + bk) nested)',
    params,
    step: (x, p) => {
      let h: Expr = x;
      for (let k = 1; k <= K; k++) h = p[`W${k}`].matvec(h).add(p[`b${k}`]).tanh();
      return p.Wout.matvec(h).add(p.bout).sub(p.leak.mul(x));
    },
    defaultTransient: Math.round(50 / dt),
    naturalHorizon: null,
  });
}
