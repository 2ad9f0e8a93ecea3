import { Rng } from '../random/index.js';
import { buildSystem, defaultParams, defineSystem, makeNoise, type DefinedModel, type DynamicalSystem } from '../systems/index.js';

/**
 * The network of experiment `slow-teacher`: n fast tanh units x and m slow leaky units s,
 *
 *   x ↦ tanh(g·W·x + b + U·s)
 *   s ↦ (1 − ε)·s + ε·tanh(V·x + c)
 *
 * The fast units are a chaotic rnn; the slow units integrate them over ≈ 1/ε steps and feed back
 * into them through U. A change of b or c moves s only by ε per step, so the statistics' response
 * to the weights builds up over the slow time scale 1/ε — far beyond a 10-step truncation window,
 * while the fast units' chaos makes an adjoint over that many steps grow like e^(λ₁/ε).
 */
export interface SlowNetShape {
  /** fast units */
  n: number;
  /** slow units */
  m: number;
  /** gain of the fast units */
  g: number;
  /** leak rate of the slow units (their time scale is 1/ε steps) */
  eps: number;
}

/** W ~ N(0, 1/n), U ~ N(0, 1), V ~ N(0, 1/n) from the network seed (b, c: 0). */
export function slowNetModel(shape: SlowNetShape, netSeed: number): DefinedModel {
  const { n, m, g, eps } = shape;
  const rng = new Rng(netSeed);
  const draw = (count: number, scale: number) => Array.from({ length: count }, () => scale * rng.normal());
  return defineSystem({
    name: 'slow-net',
    kind: 'map',
    dim: n + m,
    description: `${n} fast tanh units and ${m} leaky slow units (time scale 1/ε = ${Math.round(1 / eps)} steps)`,
    equations: 'x ↦ tanh(g·W·x + b + U·s), s ↦ (1 − ε)·s + ε·tanh(V·x + c)',
    params: {
      g,
      eps,
      W: { shape: [n, n], default: draw(n * n, 1 / Math.sqrt(n)), defaultLabel: 'N(0, 1/n) from the network seed' },
      b: { shape: n, default: 0 },
      U: { shape: [n, m], default: draw(n * m, 1), defaultLabel: 'N(0, 1) from the network seed' },
      V: { shape: [m, n], default: draw(m * n, 1 / Math.sqrt(n)), defaultLabel: 'N(0, 1/n) from the network seed' },
      c: { shape: m, default: 0 },
    },
    defaultTransient: Math.round(10 / eps),
    step: (z, p, op) => {
      const x = z.slice(0, n), s = z.slice(n, m);
      const fast = op.tanh(op.add(op.add(op.mul(p.g, op.matvec(p.W, x)), p.b), op.matvec(p.U, s)));
      const slow = op.add(op.mul(op.sub(1, p.eps), s), op.mul(p.eps, op.tanh(op.add(op.matvec(p.V, x), p.c))));
      return op.concat(fast, slow);
    },
  });
}

/** Offsets of the named parameter blocks in the flat vector (order of declaration). */
function offsetOf(model: DefinedModel, name: string): { off: number; size: number } {
  let off = 0;
  for (const d of model.params) {
    if (d.name === name) return { off, size: d.size };
    off += d.size;
  }
  throw new Error(`slow-net has no parameter ${name}`);
}

/** The flat values of parameter `name` at the model's defaults (W, U, V from its seed). */
export function slowNetDefault(model: DefinedModel, name: string): Float64Array {
  const { off, size } = offsetOf(model, name);
  return defaultParams(model).slice(off, off + size);
}

/**
 * The network with the given parameters set (the others at the model's defaults) and isotropic
 * Gaussian noise σ per step on every unit. `spec` is null: the system is a value, run in this thread.
 */
export function slowNetSystem(model: DefinedModel, values: Readonly<Record<string, ArrayLike<number>>>, noise: number): DynamicalSystem {
  const p = defaultParams(model);
  for (const [name, v] of Object.entries(values)) {
    const { off, size } = offsetOf(model, name);
    if (v.length !== size) throw new Error(`slow-net parameter ${name} has ${size} entries, got ${v.length}`);
    for (let i = 0; i < size; i++) p[off + i] = v[i];
  }
  return buildSystem(model, p, makeNoise(model.dim, { sigma: noise }));
}
