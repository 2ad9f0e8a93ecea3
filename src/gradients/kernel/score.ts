import { UsageError, opt, usage } from '../../errors/index.js';
import { liftFromNoise, type DynamicalSystem, type NoiseModel } from '../../systems/index.js';

/**
 * The likelihood-ratio weight of one noisy transition x_{n+1} = f(x_n; p) + σBξ_n.
 *
 * Moving the transition's mean by δ (a vector in span B) changes its log-density by
 * δᵀB s(ξ_n)/σ to first order, with the kernel's score s = −(log p)′ applied to every component.
 * With δ = (∂f/∂p)(x_n)·dp, the weight of every parameter at once is the parameter adjoint of
 * the single covector w = B s(ξ_n)/σ: c_n = (∂f/∂p)(x_n)ᵀ w. One paramAdjoint call per step,
 * whatever the number of parameters.
 */
export class ScoreCovector {
  private readonly noise: NoiseModel;
  /** the r weighted score components scale·s(ξ_j)/σ */
  private readonly comp: Float64Array;
  /** out: the covector B·comp (length n) */
  readonly w: Float64Array;

  constructor(sys: DynamicalSystem) {
    this.noise = requireNoise(sys);
    this.comp = new Float64Array(this.noise.rank);
    this.w = new Float64Array(sys.dim);
  }

  /** w ← scale·B s(ξ)/σ for the r noise components ξ of one step (allocation-free). */
  set(xi: Float64Array, scale: number, xiOffset = 0): Float64Array {
    const { sigma, kernel, rank, directions } = this.noise;
    const f = scale / sigma;
    // isotropic: B = I, write straight into w (saves liftFromNoise's copy)
    const target = directions === null ? this.w : this.comp;
    for (let j = 0; j < rank; j++) target[j] = f * kernel.score(xi[xiOffset + j]);
    if (directions !== null) liftFromNoise(this.noise, this.comp, this.w);
    return this.w;
  }
}

/** The error for a kernel method on a deterministic system. */
export const needsNoise = (): UsageError => usage`kernel differentiation needs noise: give ${opt('noise')} σ > 0`;

/** The noise the estimate used, as every noise-based estimator reports it (σ is a modelling choice). */
export function noiseDiagnostics(noise: NoiseModel): { sigma: number; kernel: string; directions: string } {
  return { sigma: noise.sigma, kernel: noise.kernel.name, directions: noise.directionsLabel };
}

export function requireNoise(sys: DynamicalSystem): NoiseModel {
  if (sys.noise === null || !(sys.noise.sigma > 0)) throw needsNoise();
  return sys.noise;
}
