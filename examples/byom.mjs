// Bring your own model: check it, get its Lyapunov spectrum, a gradient, and train it.
// Run from the repository: node examples/byom.mjs
import { checkDerivatives, estimate, hybrid, lyapunovSpectrum, parseTrainConfig, systemFromModel, train } from 'chaosgrad';
import net from './leaky-net.mjs';

const sys = systemFromModel(net, { noise: 0.05 });
console.log(`derivatives: ${checkDerivatives(sys, { seed: 1 }).passed ? 'all checks passed' : 'FAILED'}`);
const { exponents, stderr } = lyapunovSpectrum(sys, { k: 2, steps: 20000, seed: 1 });
console.log(`lambda1 = ${exponents[0].toFixed(4)} ± ${stderr[0].toFixed(4)} per step`);
const request = { system: sys, objective: { kind: 'average', observable: 'meansq', steps: 4000 }, params: ['g'], seed: 1 };
const g = await estimate(request, hybrid({ split: 'pathkernel', alpha: 0.5, repeats: 4 }));
console.log(`d<meansq>/dg = ${g.gradient[0].toFixed(4)} ± ${g.stderr[0].toFixed(4)}`);
const config = parseTrainConfig({ params: ['W', 'b'], loss: [{ observable: 'meansq', target: 0.3 }], iterations: 12, seed: 1,
  estimator: { method: 'hybrid', steps: 3000, options: { window: 5, repeats: 2 } }, optimizer: { name: 'adam', lr: 0.02 } }, { system: sys });
const run = await train(config, { system: sys });
console.log(`loss ${run.records[0].loss.toFixed(5)} -> ${run.final.loss.toFixed(5)} ± ${run.final.lossStderr.toFixed(5)} after ${run.iterations} iterations`);
