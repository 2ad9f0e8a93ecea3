import { UsageError, unknownName, usage, opt } from '../errors/index.js';
import type { DynamicalSystem } from '../systems/index.js';

/** Which entries of the flat parameter vector are differentiated, with readable labels. */
export interface ParamSelection {
  readonly names: readonly string[];
  /** flat indices into sys.p, in gradient order */
  readonly indices: Int32Array;
  readonly labels: readonly string[];
}

export function selectParams(sys: DynamicalSystem, names: readonly string[]): ParamSelection {
  if (names.length === 0) throw new UsageError(`no parameter given (valid: ${sys.params.map((s) => s.name).join(', ')})`);
  const seen = new Set<string>();
  const indices: number[] = [];
  const labels: string[] = [];
  for (const name of names) {
    if (seen.has(name)) throw new UsageError(`parameter '${name}' is listed twice`);
    seen.add(name);
    const spec = sys.params.find((s) => s.name === name);
    if (!spec) unknownName(`parameter of ${sys.name}`, name, sys.params.map((s) => s.name));
    for (let i = 0; i < spec.size; i++) {
      indices.push(spec.offset + i);
      if (spec.size === 1) labels.push(name);
      else if (spec.shape.length === 2) labels.push(`${name}[${Math.floor(i / spec.shape[1])},${i % spec.shape[1]}]`);
      else labels.push(`${name}[${i}]`);
    }
  }
  return { names: [...names], indices: Int32Array.from(indices), labels };
}

/** Picks the selected entries out of a full-length parameter-space vector. */
export function gather(full: Float64Array, sel: ParamSelection): Float64Array {
  const out = new Float64Array(sel.indices.length);
  for (let i = 0; i < out.length; i++) out[i] = full[sel.indices[i]];
  return out;
}

/** A full-length parameter vector that is `v` on the selected entries and 0 elsewhere. */
export function scatter(v: Float64Array, sel: ParamSelection, nParams: number): Float64Array {
  const out = new Float64Array(nParams);
  for (let i = 0; i < v.length; i++) out[sel.indices[i]] = v[i];
  return out;
}

export function assertUsableParams(sys: DynamicalSystem, names: readonly string[]): void {
  if (names.some((n) => n.trim() === '')) throw usage`empty parameter name in ${opt('params')}`;
}
