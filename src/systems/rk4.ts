import type { StepKernels } from './model.js';

/**
 * Turns a vector field into the map of one classical RK4 step of size h, with the EXACT tangent
 * and adjoint of that discrete step (not of the ODE): estimators differentiate the map they
 * simulate, so adjoint identities hold to rounding. Stage states are recomputed per call
 * (4 field evaluations), which is cheap next to the Jacobian products they feed.
 */
const WEIGHTS = [1, 2, 2, 1];

export function rk4Kernels(field: StepKernels, dim: number, p: Float64Array, h: number): StepKernels {
  const nParams = p.length;
  const paramCopy = new Float64Array(nParams);
  const n = dim;
  const k1 = new Float64Array(n), k2 = new Float64Array(n), k3 = new Float64Array(n), k4 = new Float64Array(n);
  const x2 = new Float64Array(n), x3 = new Float64Array(n), x4 = new Float64Array(n);
  const d = new Float64Array(n), t = new Float64Array(n), acc = new Float64Array(n);
  const kb = new Float64Array(n), xb = new Float64Array(n), pb = new Float64Array(nParams);
  // preallocated so the per-step sweeps allocate nothing; slot for x is filled per call
  const fwdStates: Float64Array[] = [x2, x2, x3, x4];
  const revStates: Float64Array[] = [x4, x3, x2, x2];
  const fwdShift = [0, 0.5 * h, 0.5 * h, h];
  const revShift = [h, 0.5 * h, 0.5 * h, 0];
  let stagesFor: Float64Array | null = null;
  const stageCopy = new Float64Array(n);

  function stages(x: Float64Array): void {
    // cache the stages of the last x: tangent+adjoint+param calls at one state share them
    if (stagesFor !== null) {
      let same = true;
      for (let i = 0; i < n; i++) if (stageCopy[i] !== x[i]) { same = false; break; }
      // parameters may be updated in place (training), so they are part of the cache key
      for (let j = 0; same && j < nParams; j++) if (paramCopy[j] !== p[j]) same = false;
      if (same) return;
    }
    field.eval(x, k1);
    for (let i = 0; i < n; i++) x2[i] = x[i] + 0.5 * h * k1[i];
    field.eval(x2, k2);
    for (let i = 0; i < n; i++) x3[i] = x[i] + 0.5 * h * k2[i];
    field.eval(x3, k3);
    for (let i = 0; i < n; i++) x4[i] = x[i] + h * k3[i];
    field.eval(x4, k4);
    for (let i = 0; i < n; i++) stageCopy[i] = x[i]; // a subarray view would allocate once per step
    paramCopy.set(p);
    stagesFor = stageCopy;
  }

  /** acc ← Σ cᵢ dkᵢ with dkᵢ = J(xᵢ)(v + aᵢ dk_{i−1}) (+ P(xᵢ)dp when dp is given). */
  function forward(x: Float64Array, v: Float64Array | null, dp: Float64Array | null, out: Float64Array): void {
    stages(x);
    const xs = fwdStates;
    xs[0] = x;
    const a = fwdShift;
    const c = WEIGHTS;
    acc.fill(0);
    d.fill(0);
    for (let s = 0; s < 4; s++) {
      // t ← v + a_s·dk_{s−1}
      for (let i = 0; i < n; i++) t[i] = (v ? v[i] : 0) + a[s] * d[i];
      if (v || s > 0) field.jvp(xs[s], t, d); else d.fill(0);
      if (dp) {
        field.pjvp(xs[s], dp, kb);
        for (let i = 0; i < n; i++) d[i] += kb[i];
      }
      for (let i = 0; i < n; i++) acc[i] += c[s] * d[i];
    }
    for (let i = 0; i < n; i++) out[i] = (v ? v[i] : 0) + (h / 6) * acc[i];
  }

  /** Reverse sweep; outX ← ∂(step)ᵀw, and outP ← (∂step/∂p)ᵀw when requested. */
  function reverse(x: Float64Array, w: Float64Array, outX: Float64Array | null, outP: Float64Array | null): void {
    stages(x);
    const xs = revStates;
    xs[3] = x;
    const c = WEIGHTS;
    const a = revShift; // coefficient linking stage s's input to the next-earlier k
    if (outX) for (let i = 0; i < n; i++) outX[i] = w[i];
    if (outP) outP.fill(0);
    xb.fill(0);
    for (let s = 0; s < 4; s++) {
      // k̄ = (h/6)c·w + a_{s−1}·x̄ (x̄ of the later stage)
      const link = s === 0 ? 0 : a[s - 1];
      for (let i = 0; i < n; i++) kb[i] = (h / 6) * c[s] * w[i] + link * xb[i];
      if (outP) {
        field.pvjp(xs[s], kb, pb);
        for (let j = 0; j < nParams; j++) outP[j] += pb[j];
      }
      if (outX || s < 3) {
        field.vjp(xs[s], kb, xb);
        if (outX) for (let i = 0; i < n; i++) outX[i] += xb[i];
      }
    }
  }

  return {
    eval(x, out) {
      stages(x);
      for (let i = 0; i < n; i++) out[i] = x[i] + (h / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
    },
    jvp: (x, v, out) => forward(x, v, null, out),
    vjp: (x, w, out) => reverse(x, w, out, null),
    pjvp: (x, dp, out) => forward(x, null, dp, out),
    pvjp: (x, w, out) => reverse(x, w, null, out),
    backward: (x, w, outX, outP) => reverse(x, w, outX, outP),
  };
}
