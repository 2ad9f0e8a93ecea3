/**
 * What a windowed score estimator needs per step, after the step x_k → x_{k+1} with noise ξ_k (at
 * xi[xiOff …]): the P score weights of ξ_k (they multiply the window sums ψ_k) into w[off …] and,
 * for an estimator with a pathwise part, its P pathwise terms into p[off …]. Without StepWeights the
 * ergodic scan uses the kernel's u_k = (∂f/∂p)(x_k)ᵀBs(ξ_k)/σ; the forward path-kernel hybrid passes
 * its absorbed shifts (hybrid/forward.ts).
 */
export interface StepWeights {
  weigh(x: Float64Array, y: Float64Array, xi: Float64Array, xiOff: number, w: Float64Array, p: Float64Array, off: number): void;
  readonly pathwise: boolean;
  readonly tangentsPerStep: number;
  readonly adjointsPerStep: number;
}
