import { kernels } from '../linalg/index.js';
import type { ParamDef, SystemModel, StepKernels } from './model.js';
import { rk4Kernels } from './rk4.js';
import { standardObservables } from './observables.js';
import type { DynamicalSystem, NoiseModel, Observable, ParamSpec, SystemSpec } from './types.js';

/** A copy of v in kernel memory (linalg/kernels: WebAssembly memory unless CHAOSGRAD_KERNELS=js). */
function kernelCopy(v: Float64Array): Float64Array {
  const p = kernels().f64(v.length);
  p.set(v);
  return p;
}

/** Flat default parameter vector of a model. */
export function defaultParams(model: SystemModel): Float64Array {
  const size = model.params.reduce((s, d) => s + d.size, 0);
  const p = new Float64Array(size);
  let off = 0;
  for (const d of model.params) {
    if (typeof d.default === 'number') p[off] = d.default;
    else p.set(d.default, off);
    off += d.size;
  }
  return p;
}

/** A parameter's shape: declared, else [] for a scalar and [size] for an array. */
export function paramShape(d: ParamDef): readonly number[] {
  return d.shape ?? (d.size === 1 ? [] : [d.size]);
}

function paramSpecs(model: SystemModel): ParamSpec[] {
  let offset = 0;
  return model.params.map((d) => {
    const s = { name: d.name, size: d.size, offset, shape: paramShape(d), description: d.description };
    offset += d.size;
    return s;
  });
}

/**
 * Assembles a DynamicalSystem from a model, a parameter vector (copied) and a noise model.
 * A flow's kernels are wrapped by the RK4 step; block operations fall back to one vector at a time.
 */
export function buildSystem(model: SystemModel, params: Float64Array, noise: NoiseModel | null, spec: SystemSpec | null = null): DynamicalSystem {
  const p = model.kernelParams ? kernelCopy(params) : Float64Array.from(params);
  const n = model.dim;
  const specs = paramSpecs(model);
  const nParams = p.length;
  const raw = model.bind(p);
  const dt = model.kind === 'flow' ? (model.dt ?? NaN) : null;
  const k: StepKernels = model.kind === 'flow' ? rk4Kernels(raw, n, p, dt as number) : raw;
  const obsByName = new Map<string, Observable>();
  for (const o of [...standardObservables(n), ...(model.extraObservables ?? [])]) obsByName.set(o.name, o);
  const observables = [...obsByName.values()];
  const vecIn = new Float64Array(n), vecOut = new Float64Array(n);

  function blockApply(single: (x: Float64Array, v: Float64Array, out: Float64Array) => void, x: Float64Array, v: Float64Array, kk: number, out: Float64Array): void {
    for (let j = 0; j < kk; j++) {
      // copy through scratch vectors: subarray would allocate a view per vector per step
      for (let i = 0; i < n; i++) vecIn[i] = v[j * n + i];
      single(x, vecIn, vecOut);
      for (let i = 0; i < n; i++) out[j * n + i] = vecOut[i];
    }
  }

  const sys: DynamicalSystem = {
    name: model.name,
    kind: model.kind,
    dim: n,
    params: specs,
    nParams,
    p,
    noise,
    observables,
    dt,
    defaultTransient: model.defaultTransient,
    naturalHorizon: model.naturalHorizon,
    map: (x, out) => k.eval(x, out),
    tangent: k.jvpBlock ? (x, v, kk, out) => k.jvpBlock!(x, v, kk, out) : (x, v, kk, out) => blockApply(k.jvp, x, v, kk, out),
    adjoint: k.vjpBlock ? (x, w, kk, out) => k.vjpBlock!(x, w, kk, out) : (x, w, kk, out) => blockApply(k.vjp, x, w, kk, out),
    paramTangent: (x, dp, out) => k.pjvp(x, dp, out),
    paramAdjoint: (x, w, out) => k.pvjp(x, w, out),
    backward: k.backward
      ? (x, w, outX, outP) => k.backward!(x, w, outX, outP)
      : (x, w, outX, outP) => {
          k.vjp(x, w, outX);
          k.pvjp(x, w, outP);
        },
    wrap: model.wrap ? (x) => model.wrap!(x) : () => {},
    sampleInitial: (rng, out) => model.sampleInitial(rng, out),
    spec,
    withParams: (q) => {
      if (q.length !== nParams) throw new Error(`${model.name}: expected ${nParams} parameters, got ${q.length}`);
      return buildSystem(model, q, noise, spec && { ...spec, options: { ...spec.options, set: {}, params: Array.from(q) } });
    },
    withNoise: (nz) => buildSystem(model, p, nz, spec && { ...spec, options: { ...spec.options, ...noiseOptions(nz) } }),
  };
  if (model.kind === 'flow') sys.vectorField = (x, out) => raw.eval(x, out);
  else if (model.bindBatched) sys.bindBatched = (kern) => model.bindBatched!(p, kern);
  if (model.bindScalar && model.kind === 'map' && n === 1) return { ...sys, scalar: model.bindScalar(p) };
  return sys;
}

/** Serialisable noise options that recreate a noise model. */
function noiseOptions(nz: NoiseModel | null): { noise: number; kernel?: string; noiseDirections?: 'ones' | number[][] } {
  if (nz === null) return { noise: 0, kernel: undefined, noiseDirections: undefined };
  const b = nz.directions;
  const dirs = nz.directionsLabel === 'ones' ? ('ones' as const) : b === null ? undefined : Array.from({ length: b.rows }, (_, i) => Array.from(b.data.subarray(i * b.cols, (i + 1) * b.cols)));
  return { noise: nz.sigma, kernel: nz.kernel.name, noiseDirections: dirs };
}
