import { opt, usage } from '../errors/index.js';
import { checkOptionKeys, type DynamicalSystem } from '../systems/index.js';
import type { GradientEstimator, GradientRequest, Objective } from './types.js';

/**
 * The option names of an estimator, as a record that must list every key of its options type
 * (`satisfies Record<keyof O, true>`): a new option that is not listed here fails to compile
 * instead of being rejected at run time.
 */
export type OptionKeys<O> = Record<keyof O, true>;

/** Rejects unknown option keys (a typo such as `windw` must not be silently ignored). */
export function checkMethodOptions(estimator: Pick<GradientEstimator<unknown>, 'name' | 'optionKeys'>, options: unknown): void {
  if (options === undefined) return;
  checkOptionKeys(`${estimator.name} options`, options as object, estimator.optionKeys ?? []);
}

const REQUEST_KEYS = { system: true, objective: true, params: true, seed: true, onProgress: true } satisfies OptionKeys<GradientRequest>;

/**
 * The request of an estimate, checked at the public entry point: a wrong type must be a UsageError
 * naming the field, not a TypeError deep inside, and NaN parameters must not give NaN silently.
 */
export function checkRequest(req: GradientRequest): void {
  if (req === null || typeof req !== 'object') throw usage`a gradient request must be an object { system, objective, params, seed }`;
  checkOptionKeys('gradient request', req, Object.keys(REQUEST_KEYS));
  const s = req.system as Partial<DynamicalSystem> | null;
  if (s === null || typeof s !== 'object' || typeof s.map !== 'function' || !(s.p instanceof Float64Array)) {
    throw usage`${opt('system')} must be a DynamicalSystem (from createSystem, systemFromModel or loadSystem)`;
  }
  const bad = s.p.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw usage`the parameters of ${String(s.name)} must be finite numbers (entry ${bad} is ${s.p[bad]})`;
  if (!Array.isArray(req.params) || req.params.some((p) => typeof p !== 'string')) throw usage`${opt('params')} must be an array of parameter names, e.g. ['rho']`;
  if (!Number.isSafeInteger(req.seed) || req.seed < 0) throw usage`${opt('seed')} must be a non-negative integer, got ${String(req.seed)}`;
  const o = req.objective as Partial<Objective> | null;
  if (o === null || typeof o !== 'object' || (o.kind !== 'average' && o.kind !== 'horizon') || typeof o.observable !== 'string') {
    throw usage`${opt('objective')} must be { kind: 'average', observable, steps } or { kind: 'horizon', observable, horizon, samples }`;
  }
  if (req.onProgress !== undefined && typeof req.onProgress !== 'function') throw usage`${opt('onProgress')} must be a function (done, total) => void`;
}
