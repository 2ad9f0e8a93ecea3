import { requirePositiveInteger } from '../../errors/index.js';
import { defineSystem, type DefinedModel } from '../define/index.js';
import { WeightDraw } from './weights.js';

export interface GruOptions {
  /** hidden units n (default 16) */
  dim?: number;
  netSeed?: number;
}

/**
 * An autonomous gated recurrent unit (Cho et al. 2014) whose output h is fed back as its input
 * x_t = h_{t−1}: z = σ(W_z h + U_z h + b_z), r = σ(W_r h + U_r h + b_r),
 * h̃ = tanh(W h + U(r⊙h) + b_h), h ↦ (1 − z)⊙h + z⊙h̃. Default weights (from netSeed): the input
 * and recurrent matrices N(0, g²/n) with g = 4.5 for the candidate, 1 for the gates; biases 0;
 * the default net seed 5 gives a chaotic network (see docs/models.md).
 */
export function gru(o: GruOptions = {}): DefinedModel {
  const n = requirePositiveInteger('dim', o.dim ?? 16);
  const draw = new WeightDraw(o.netSeed ?? 5);
  const mat = (gain: number) => ({ shape: [n, n], default: draw.gaussian(n, n, gain) });
  return defineSystem({
    name: 'gru',
    kind: 'map',
    dim: n,
    description: `autonomous GRU with ${n} units, output fed back as input; weights from the network seed (netSeed)`,
    equations: 'z = σ(Wz·h + Uz·h + bz), r = σ(Wr·h + Ur·h + br), h̃ = tanh(W·h + U·(r⊙h) + bh), h ↦ (1 − z)⊙h + z⊙h̃',
    params: {
      Wz: { ...mat(1), description: `update-gate input weights, ${n}×${n}` },
      Uz: { ...mat(1), description: `update-gate recurrent weights, ${n}×${n}` },
      bz: { shape: [n], default: 0, description: `update-gate bias, ${n} entries` },
      Wr: { ...mat(1), description: `reset-gate input weights, ${n}×${n}` },
      Ur: { ...mat(1), description: `reset-gate recurrent weights, ${n}×${n}` },
      br: { shape: [n], default: 0, description: `reset-gate bias, ${n} entries` },
      W: { ...mat(4.5), description: `candidate input weights, ${n}×${n}` },
      U: { ...mat(4.5), description: `candidate recurrent weights, ${n}×${n}` },
      bh: { shape: [n], default: 0, description: `candidate bias, ${n} entries` },
    },
    step: (h, p) => {
      const z = p.Wz.matvec(h).add(p.Uz.matvec(h)).add(p.bz).sigmoid();
      const r = p.Wr.matvec(h).add(p.Ur.matvec(h)).add(p.br).sigmoid();
      const cand = p.W.matvec(h).add(p.U.matvec(r.mul(h))).add(p.bh).tanh();
      return h.add(z.mul(cand.sub(h)));
    },
    defaultTransient: 500,
    naturalHorizon: 50,
  });
}
