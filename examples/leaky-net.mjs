// A model of your own: an 8-unit leaky tanh network x ↦ (1 − a)·x + a·tanh(g·W·x + b).
// Only the step rule is written; chaosgrad derives every derivative from it.
import { defineSystem } from 'chaosgrad';

const n = 8;
// starting couplings W_ij ~ N(0, 1/n) from a seeded generator (training moves them)
let s = 7;
const uniform = () => ((s = (s * 16807) % 2147483647) / 2147483647);
const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
const W = Array.from({ length: n }, () => Array.from({ length: n }, () => normal() / Math.sqrt(n)));

export default defineSystem({
  name: 'leaky-net',
  kind: 'map',
  dim: n,
  params: { g: 3, a: 0.8, W: { shape: [n, n], default: W }, b: { shape: n, default: 0 } },
  step: (x, p, op) => op.add(op.mul(op.sub(1, p.a), x), op.mul(p.a, op.tanh(op.add(op.mul(p.g, op.matvec(p.W, x)), p.b)))),
});
