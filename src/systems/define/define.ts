import { UsageError, requireFinite, requirePositiveInteger } from '../../errors/index.js';
import type { Rng } from '../../random/index.js';
import type { ParamDef, StepKernels, SystemModel } from '../model.js';
import type { Observable, SystemKind } from '../types.js';
import { compile, compileBatched, type Compiled, type CompiledBatched, type Layout } from './codegen.js';
import type { BatchedStepKernels } from '../batched.js';
import { Graph, type Expr, type Ops } from './expr.js';
import { sizeOf, type Program, type ProgramParam, type Shape } from './program.js';

/** A parameter: a number (a scalar with that default), or its shape with a default and description. */
export type ParamDeclaration =
  | number
  | {
      /** omitted or []: scalar; n or [n]: vector; [rows, cols]: matrix (row-major) */
      readonly shape?: number | readonly number[];
      /** a number fills every entry; an array (flat or rows) gives them all; default 0 */
      readonly default?: number | ArrayLike<number> | readonly (readonly number[])[];
      readonly description?: string;
      /** how an array default is made, for the catalogue (e.g. 'N(0, 1/n) from the network seed') */
      readonly defaultLabel?: string;
    };

export interface SystemDefinition {
  readonly name: string;
  readonly kind: SystemKind;
  readonly dim: number;
  /** in order: the flat parameter vector lists them one after another */
  readonly params?: Readonly<Record<string, ParamDeclaration>>;
  /** the map x ↦ f(x; p) (kind 'map') or the vector field F(x; p) (kind 'flow'), traced once */
  readonly step: (x: Expr, p: Readonly<Record<string, Expr>>, ops: Ops) => Expr;
  /** RK4 step of a flow (required for flows) */
  readonly dt?: number;
  readonly description?: string;
  readonly equations?: string;
  /** x₀ from this (default: standard normal coordinates) */
  readonly sampleInitial?: (rng: Rng, out: Float64Array) => void;
  /** default: 1000 steps for maps, 20 time units for flows */
  readonly defaultTransient?: number;
  readonly naturalHorizon?: number | null;
  readonly observables?: readonly Observable[];
}

/** A model built by defineSystem: a SystemModel that also carries its traced program. */
export interface DefinedModel extends SystemModel {
  readonly program: Program;
  /** the generated source of each kernel, for inspection */
  readonly sources: Readonly<Record<string, string>>;
}

function shapeOf(name: string, s: number | readonly number[] | undefined): Shape {
  const shape = s === undefined ? [] : typeof s === 'number' ? [s] : [...s];
  if (shape.length > 2 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new UsageError(`parameter ${name}: shape must be [], [n] or [rows, cols] with positive integers, got [${shape.join(', ')}]`);
  }
  return shape;
}

function paramDefault(name: string, size: number, d: number | ArrayLike<number> | readonly (readonly number[])[] | undefined): number | Float64Array {
  if (d === undefined || typeof d === 'number') {
    const v = requireFinite(`default of parameter ${name}`, d ?? 0);
    return size === 1 ? v : new Float64Array(size).fill(v);
  }
  const arr = Array.from(d as ArrayLike<number | readonly number[]>);
  const flat = Float64Array.from(arr.length > 0 && Array.isArray(arr[0]) ? (arr as number[][]).flat() : (arr as number[]));
  if (flat.length !== size) throw new UsageError(`parameter ${name}: default has ${flat.length} entries, its shape needs ${size}`);
  if (!flat.every(Number.isFinite)) throw new UsageError(`parameter ${name}: default values must be finite`);
  return size === 1 ? flat[0] : flat;
}

function declare(params: Readonly<Record<string, ParamDeclaration>>): { defs: ParamDef[]; specs: ProgramParam[] } {
  const defs: ParamDef[] = [], specs: ProgramParam[] = [];
  let offset = 0;
  for (const [name, decl] of Object.entries(params)) {
    const o = typeof decl === 'number' ? { default: decl } : decl;
    const shape = shapeOf(name, o.shape);
    const size = sizeOf(shape);
    const label = typeof decl === 'number' ? undefined : decl.defaultLabel;
    defs.push({ name, size, shape, default: paramDefault(name, size, o.default), ...(label ? { defaultLabel: label } : {}), description: o.description ?? (shape.length ? `${shape.join('×')} array` : name) });
    specs.push({ name, shape, size, offset });
    offset += size;
  }
  return { defs, specs };
}

/** Traces the step rule once into a Program. */
export function trace(def: Pick<SystemDefinition, 'dim' | 'step'>, specs: readonly ProgramParam[]): Program {
  const g = new Graph();
  const x = g.push('input', [], [def.dim]);
  const p: Record<string, Expr> = {};
  for (const s of specs) p[s.name] = g.push('param', [], s.shape, s.offset, null, s.name);
  const out = def.step(x, Object.freeze(p), g.ops());
  return g.finish(out, def.dim, specs);
}

/** Kernels of a compiled program bound to p: one arena per binding, nothing allocated per call. */
function bindKernels(fns: Compiled, lay: Layout, prog: Program, p: Float64Array): StepKernels {
  const a = new Float64Array(lay.size);
  prog.nodes.forEach((nd, i) => {
    if (nd.op === 'const') a.set(nd.data!, lay.val[i]);
  });
  const n = prog.dim;
  const { eval: ev, tanX, tanP, revX, revP, revXP, tanXValues, tanPValues, revXValues, revPValues, revXPValues } = fns;
  // each derivative kernel first recomputes the values its rules read (only those)
  return {
    eval: (x, out) => ev(x, p, a, out),
    jvp(x, v, out) { tanXValues(x, p, a); tanX(x, p, a, v, 0, out, 0); },
    vjp(x, w, out) { revXValues(x, p, a); revX(x, p, a, w, 0, out, 0); },
    pjvp(x, dp, out) { tanPValues(x, p, a); tanP(x, p, a, dp, out); },
    pvjp(x, w, out) { revPValues(x, p, a); revP(x, p, a, w, out); },
    jvpBlock(x, v, k, out) {
      tanXValues(x, p, a);
      for (let q = 0; q < k; q++) tanX(x, p, a, v, q * n, out, q * n);
    },
    vjpBlock(x, w, k, out) {
      revXValues(x, p, a);
      for (let q = 0; q < k; q++) revX(x, p, a, w, q * n, out, q * n);
    },
    backward(x, w, outX, outP) { revXPValues(x, p, a); revXP(x, p, a, w, outX, outP); },
  };
}

/** Batched kernels (maps): the batched executor of the same program, one arena shared by the lanes. */
function bindBatched(fb: CompiledBatched, lay: Layout, prog: Program, p: Float64Array): BatchedStepKernels {
  const a = new Float64Array(lay.size), gp = new Float64Array(prog.nParams);
  prog.nodes.forEach((nd, i) => {
    if (nd.op === 'const') a.set(nd.data!, lay.val[i]);
  });
  return {
    map: (X, B, out) => fb.map(X, p, a, out, B),
    jvp: (X, V, B, out) => fb.jvp(X, p, a, V, out, B),
    vjp: (X, W, B, out) => fb.vjp(X, p, a, W, out, B),
    paramAdjointLanes: (X, W, B, out) => fb.paramAdjointLanes(X, p, a, W, out, B),
    paramAdjointSum: (X, W, B, out) => fb.paramAdjointSum(X, p, a, W, gp, out, B),
    backward: (X, W, B, outX, outP) => fb.backward(X, p, a, W, outX, gp, outP, B),
  };
}

function standardNormal(rng: Rng, out: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = rng.normal();
}

/**
 * Defines a system from its step rule alone: the rule is traced once into a static program, and
 * every kernel a SystemModel needs (eval, jvp, vjp, pjvp, pvjp, block forms, fused backward) is
 * derived from it and compiled. Flows become maps through buildSystem's RK4 step with its exact
 * discrete adjoint. Pass the result to buildSystem (or the library's system constructors).
 */
export function defineSystem(def: SystemDefinition): DefinedModel {
  if (typeof def.name !== 'string' || def.name === '') throw new UsageError('name must be a non-empty string');
  if (def.kind !== 'map' && def.kind !== 'flow') throw new UsageError(`kind must be 'map' or 'flow', got ${String(def.kind)}`);
  requirePositiveInteger('dim', def.dim);
  if (typeof def.step !== 'function') throw new UsageError('step must be a function (x, p, ops) => expression');
  if (def.kind === 'flow') requireFinite('dt', def.dt ?? NaN, { positive: true });
  else if (def.dt !== undefined) throw new UsageError(`dt applies to flows only; ${def.name} is a map`);
  const { defs, specs } = declare(def.params ?? {});
  const program = trace(def, specs);
  const { fns, layout: lay, sources } = compile(program, def.name);
  // the batched form applies to maps (a flow's RK4 step is single-orbit)
  const batched = def.kind === 'map' ? compileBatched(program, def.name) : null;
  return {
    name: def.name,
    kind: def.kind,
    dim: def.dim,
    dt: def.dt,
    params: defs,
    description: def.description ?? `user-defined ${def.kind}`,
    equations: def.equations ?? '(defined by a step rule)',
    defaultTransient: def.defaultTransient ?? (def.kind === 'flow' ? Math.round(20 / def.dt!) : 1000),
    naturalHorizon: def.naturalHorizon ?? null,
    extraObservables: def.observables,
    sampleInitial: def.sampleInitial ?? standardNormal,
    bind: (p) => bindKernels(fns, lay, program, p),
    ...(batched ? { bindBatched: (p: Float64Array) => bindBatched(batched, lay, program, p) } : {}),
    program,
    sources,
  };
}
