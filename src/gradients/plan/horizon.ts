/**
 * Where backpropagation stops being informative: its adjoint grows like e^{λ₁t}, and once the growth
 * over the orbit passes ADJOINT_GROWTH_LIMIT the estimate is dominated by a few exploding
 * trajectories (the variance of the finite-T derivative grows like e^{2λ₁T}). From the growth rate
 * BPTT measured along its own sweeps, the horizon where it crosses the limit is ln(limit)/rate.
 */
export const ADJOINT_GROWTH_LIMIT = 1e8;

/**
 * A warning when the measured adjoint growth over the horizon passes the limit. `rate` per step
 * (maps) or per unit time (flows, `dt` given); `steps` the horizon the adjoint ran over.
 */
export function bpttHorizonWarning(rate: number | null, steps: number, dt: number | null): string | null {
  if (rate === null || !(rate > 0)) return null;
  const span = steps * (dt ?? 1);
  const growth = rate * span;
  if (growth <= Math.log(ADJOINT_GROWTH_LIMIT)) return null;
  const limitSpan = Math.log(ADJOINT_GROWTH_LIMIT) / rate;
  const limitSteps = Math.max(1, Math.floor(limitSpan / (dt ?? 1)));
  const unit = dt !== null ? ` (${+limitSpan.toPrecision(3)} time units)` : '';
  return `the BPTT adjoint grows like e^(${+rate.toPrecision(3)}·t): over ${steps} steps by about e^${growth.toFixed(0)}, past ${ADJOINT_GROWTH_LIMIT.toExponential(0)} from ` +
    `${limitSteps} steps${unit} on, so the estimate is dominated by exploding trajectories; use a horizon below that, truncation, or the kernel/hybrid methods`;
}
