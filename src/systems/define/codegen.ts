import { Emitter, shifted, type Loc } from './emitter.js';
import { activity, type Program } from './program.js';
import { emitReverse, emitTangent, emitValue, isMutated, type RuleContext } from './rules.js';

/**
 * The per-orbit executor: compiles a Program, once, into straight-line JavaScript functions over
 * one preallocated arena (values, tangents and adjoints of every computed node, and constants).
 * Inputs, parameters, seeds and outputs are read and written in place in the caller's arrays;
 * slices are views (an offset), never copies; a node used only by a concat is written straight
 * into its place in the concat; a node used only by an add/sub/copy shares that op's adjoint (and
 * an add/sub/copy with one varying operand shares its operand's tangent). Each derivative kernel
 * recomputes only the values its rules read. Generated source contains only numbers and fixed
 * identifiers — nothing a user wrote — so compiling it with `new Function` is safe.
 */

export type Mode = 'eval' | 'tanX' | 'tanP' | 'revX' | 'revP' | 'revXP';
const DERIVATIVE_MODES: readonly Exclude<Mode, 'eval'>[] = ['tanX', 'tanP', 'revX', 'revP', 'revXP'];

/** Arguments of each generated function (a = arena); v/vo, out/oo, w/wo, gx/xo: block offsets. */
const SIGNATURES: Record<Mode, string[]> = {
  eval: ['x', 'p', 'a', 'out'],
  tanX: ['x', 'p', 'a', 'v', 'vo', 'out', 'oo'],
  tanP: ['x', 'p', 'a', 'dp', 'out'],
  revX: ['x', 'p', 'a', 'w', 'wo', 'gx', 'xo'],
  revP: ['x', 'p', 'a', 'w', 'gp'],
  revXP: ['x', 'p', 'a', 'w', 'gx', 'gp'],
};

export interface Layout {
  readonly size: number;
  readonly val: Int32Array;
  readonly tan: Int32Array;
  readonly adj: Int32Array;
}

const computed = (op: string) => op !== 'input' && op !== 'param' && op !== 'slice' && op !== 'const';

/** Arena offsets: a value slot for every computed or constant node, tangent and adjoint slots for computed ones. */
export function layout(prog: Program): Layout {
  const m = prog.nodes.length;
  const val = new Int32Array(m).fill(-1), tan = new Int32Array(m).fill(-1), adj = new Int32Array(m).fill(-1);
  let off = 0;
  prog.nodes.forEach((nd, i) => {
    if (nd.op === 'input' || nd.op === 'param' || nd.op === 'slice') return;
    val[i] = off;
    off += nd.size;
    if (nd.op === 'const') return;
    tan[i] = off;
    off += nd.size;
    adj[i] = off;
    off += nd.size;
  });
  return { size: off, val, tan, adj };
}

/** The single consumer of each node used exactly once (−1 otherwise), and where in it a concat piece goes. */
function singleUse(prog: Program): { user: Int32Array; at: Int32Array } {
  const m = prog.nodes.length;
  const uses = new Int32Array(m), user = new Int32Array(m).fill(-1), at = new Int32Array(m);
  prog.nodes.forEach((nd, c) => {
    let pos = 0;
    for (const a of nd.args) {
      uses[a]++;
      user[a] = c;
      at[a] = pos;
      pos += prog.nodes[a].size;
    }
  });
  for (let i = 0; i < m; i++) if (uses[i] !== 1 || !computed(prog.nodes[i].op) || i === prog.output) user[i] = -1;
  return { user, at };
}

interface Locator extends RuleContext {
  readonly act: Uint8Array;
  /** node i's adjoint is (part of) its consumer's: nothing to accumulate, nothing to clear */
  readonly sharesAdjoint: (i: number) => boolean;
  /** node i's tangent is its operand's: no code */
  readonly sharesTangent: (i: number) => boolean;
}

/** Where values, tangents and adjoints live in one mode of the per-orbit executor. */
function locator(prog: Program, lay: Layout, mode: Mode, e: Emitter): Locator {
  const nodes = prog.nodes, out = prog.output;
  const ax = activity(prog, 'x'), ap = activity(prog, 'p');
  const act = mode === 'tanX' || mode === 'revX' ? ax : mode === 'tanP' || mode === 'revP' ? ap : mode === 'eval' ? ax : ax.map((v, i) => v | ap[i]);
  const { user, at } = singleUse(prog);
  // sharing implements an op's identity rule; a mutated rule is emitted in full so the mutation shows
  const placed = (i: number) => user[i] >= 0 && nodes[user[i]].op === 'concat' && !isMutated('concat');
  const passes = (i: number) => {
    const c = user[i];
    if (c < 0 || nodes[c].size !== nodes[i].size || isMutated(nodes[c].op)) return false;
    const op = nodes[c].op;
    return op === 'add' || op === 'copy' || (op === 'sub' && nodes[c].args[0] === i);
  };
  /** the one operand whose tangent an add/sub/copy passes on unchanged, or −1 */
  const tangentSource = (i: number): number => {
    const nd = nodes[i];
    if (i === out || placed(i) || !(nd.op === 'add' || nd.op === 'copy' || nd.op === 'sub') || isMutated(nd.op)) return -1;
    const live = nd.args.filter((a) => act[a]);
    if (live.length !== 1 || nodes[live[0]].size !== nd.size || (nd.op === 'sub' && live[0] !== nd.args[0]) || (nd.args[0] === nd.args[1])) return -1;
    return live[0];
  };
  const inArena = (k: Int32Array, i: number): Loc => ({ arr: 'a', sym: '', off: k[i] });
  function val(i: number): Loc {
    const nd = nodes[i];
    if (nd.op === 'input') return { arr: 'x', sym: '', off: 0 };
    if (nd.op === 'param') return { arr: 'p', sym: '', off: nd.attr };
    if (nd.op === 'slice') return shifted(val(nd.args[0]), nd.attr);
    if (placed(i)) return shifted(val(user[i]), at[i]);
    if (mode === 'eval' && i === out) return { arr: 'out', sym: '', off: 0 };
    return inArena(lay.val, i);
  }
  function tan(i: number): Loc | null {
    const nd = nodes[i];
    if (!act[i]) return null;
    if (nd.op === 'input') return { arr: 'v', sym: 'vo', off: 0 };
    if (nd.op === 'param') return { arr: 'dp', sym: '', off: nd.attr };
    if (nd.op === 'slice') return shifted(tan(nd.args[0])!, nd.attr);
    if (placed(i)) return shifted(tan(user[i])!, at[i]);
    const src = tangentSource(i);
    if (src >= 0) return tan(src);
    if (i === out) return { arr: 'out', sym: mode === 'tanX' ? 'oo' : '', off: 0 };
    return inArena(lay.tan, i);
  }
  function adj(i: number): Loc | null {
    const nd = nodes[i];
    if (!act[i]) return null;
    if (nd.op === 'input') return { arr: 'gx', sym: mode === 'revX' ? 'xo' : '', off: 0 };
    if (nd.op === 'param') return { arr: 'gp', sym: '', off: nd.attr };
    if (nd.op === 'slice') return shifted(adj(nd.args[0])!, nd.attr);
    if (placed(i)) return shifted(adj(user[i])!, at[i]);
    if (passes(i)) return adj(user[i]);
    if (i === out) return { arr: 'w', sym: mode === 'revX' ? 'wo' : '', off: 0 };
    return inArena(lay.adj, i);
  }
  return {
    e, nodes, val, tan, adj, act,
    sharesAdjoint: (i) => placed(i) || passes(i),
    sharesTangent: (i) => !placed(i) && tangentSource(i) >= 0,
    skips: (arg, id) => user[arg] === id && (placed(arg) || passes(arg)),
  };
}

/** Values computed by the emitted derivative code: the nodes its rules read, and what those need. */
function neededValues(prog: Program, read: Set<number>): Uint8Array {
  const need = new Uint8Array(prog.nodes.length);
  for (let i = prog.nodes.length - 1; i >= 0; i--) {
    if (read.has(i)) need[i] = 1;
    if (need[i]) for (const a of prog.nodes[i].args) need[a] = 1;
  }
  return need;
}

/** Emits the derivative pass of a mode; returns the nodes whose values it reads. */
function emitDerivative(prog: Program, lay: Layout, mode: Exclude<Mode, 'eval'>, e: Emitter): Set<number> {
  const c = locator(prog, lay, mode, e);
  const read = new Set<number>();
  const tracked: Locator = { ...c, val: (i) => (read.add(i), c.val(i)) };
  const { nodes, act } = c;
  if (mode === 'tanX' || mode === 'tanP') {
    nodes.forEach((nd, i) => computed(nd.op) && act[i] && !c.sharesTangent(i) && emitTangent(tracked, i));
    if (!act[prog.output]) e.clear({ arr: 'out', sym: mode === 'tanX' ? 'oo' : '', off: 0 }, prog.dim);
    return read;
  }
  const hasX = mode !== 'revP', hasP = mode !== 'revX';
  e.track('a', lay.size);
  if (hasX) e.track('gx', prog.dim);
  if (hasP) e.track('gp', prog.nParams);
  for (let i = nodes.length - 1; i >= 0; i--) {
    const nd = nodes[i];
    if (!computed(nd.op) || !act[i] || !nd.args.some((a) => act[a])) continue;
    if (i !== prog.output && !c.sharesAdjoint(i)) e.zeroUnwritten(c.adj(i)!, nd.size); // parts no consumer reached
    emitReverse(tracked, i);
  }
  if (hasX) e.zeroUnwritten({ arr: 'gx', sym: mode === 'revX' ? 'xo' : '', off: 0 }, prog.dim);
  if (hasP) e.zeroUnwritten({ arr: 'gp', sym: '', off: 0 }, prog.nParams);
  return read;
}

/** Source of the value pass: every node (eval), or only the needed ones (before a derivative pass). */
function emitValues(prog: Program, lay: Layout, mode: Mode, need: Uint8Array | null, e = new Emitter()): string {
  const c = locator(prog, lay, mode, e);
  prog.nodes.forEach((nd, i) => computed(nd.op) && (need === null || need[i]) && emitValue(c, i));
  return e.source();
}

/** Sources of one mode: the needed values, then the derivative pass (e decides the addressing). */
function modeSources(prog: Program, lay: Layout, mode: Exclude<Mode, 'eval'>, lanes: ReadonlySet<string>): { values: string; derivative: string } {
  const e = new Emitter(lanes);
  const read = emitDerivative(prog, lay, mode, e);
  return { values: emitValues(prog, lay, mode, neededValues(prog, read), new Emitter(lanes)), derivative: e.source() };
}

export type Compiled = Record<Mode, (...args: unknown[]) => void> & Record<`${Exclude<Mode, 'eval'>}Values`, (x: Float64Array, p: Float64Array, a: Float64Array) => void>;

/** Compiles every mode of a program (once per model; binding to parameters compiles nothing). */
export function compile(prog: Program, name: string): { fns: Compiled; layout: Layout; sources: Record<string, string> } {
  const lay = layout(prog);
  const safe = name.replace(/[^A-Za-z0-9_]/g, '_');
  const sources: Record<string, string> = { eval: emitValues(prog, lay, 'eval', null) };
  for (const mode of DERIVATIVE_MODES) {
    const { values, derivative } = modeSources(prog, lay, mode, new Set());
    sources[mode] = derivative;
    sources[`${mode}Values`] = values;
  }
  const fns = {} as Record<string, unknown>;
  for (const [key, body] of Object.entries(sources)) {
    fns[key] = makeFunction(`${safe}_${key}`, key.endsWith('Values') ? ['x', 'p', 'a'] : SIGNATURES[key as Mode], body);
  }
  return { fns: fns as Compiled, layout: lay, sources };
}

function makeFunction(name: string, args: readonly string[], body: string): (...args: never[]) => void {
  // a named function per kernel shows up readably in profiles
  return new Function(`return function ${name}(${args.join(', ')}) {\n'use strict';\n${body}\n};`)() as (...args: never[]) => void;
}

/** Functions of the batched executor: B orbits, lane-major (see BatchedStepKernels). */
export interface CompiledBatched {
  map(x: Float64Array, p: Float64Array, a: Float64Array, out: Float64Array, B: number): void;
  jvp(x: Float64Array, p: Float64Array, a: Float64Array, v: Float64Array, out: Float64Array, B: number): void;
  vjp(x: Float64Array, p: Float64Array, a: Float64Array, w: Float64Array, gx: Float64Array, B: number): void;
  paramAdjointLanes(x: Float64Array, p: Float64Array, a: Float64Array, w: Float64Array, gp: Float64Array, B: number): void;
  paramAdjointSum(x: Float64Array, p: Float64Array, a: Float64Array, w: Float64Array, gp: Float64Array, outP: Float64Array, B: number): void;
  backward(x: Float64Array, p: Float64Array, a: Float64Array, w: Float64Array, gx: Float64Array, gp: Float64Array, outP: Float64Array, B: number): void;
}

/**
 * The batched executor: the SAME program and rules with lane-major addresses, the per-orbit code
 * run once per lane over a shared arena, so lane b computes exactly (bit for bit) what the
 * per-orbit kernels compute on orbit b alone, whatever B. Summed parameter adjoints go through a
 * per-lane scratch `gp` added into `outP` in lane order.
 */
export function compileBatched(prog: Program, name: string): CompiledBatched {
  const lay = layout(prog);
  const safe = name.replace(/[^A-Za-z0-9_]/g, '_');
  const P = prog.nParams;
  const lanes = (...arrs: string[]) => new Set(arrs);
  const perLane = (body: string, after = '') => `for (let ln = 0; ln < B; ln++) {\n${body}\n${after}}`;
  const src = (mode: Exclude<Mode, 'eval'>, arrs: Set<string>) => {
    const s = modeSources(prog, lay, mode, arrs);
    return `{\n${s.values}\n}\n{\n${s.derivative}\n}`; // two emitters: separate scopes for their locals
  };
  const sum = `for (let q = 0; q < ${P}; q++) outP[q] += gp[q];`;
  return {
    map: makeFunction(`${safe}_map_batched`, ['x', 'p', 'a', 'out', 'B'], perLane(emitValues(prog, lay, 'eval', null, new Emitter(lanes('x', 'out'))))),
    jvp: makeFunction(`${safe}_jvp_batched`, ['x', 'p', 'a', 'v', 'out', 'B'], `const vo = 0, oo = 0;\n${perLane(src('tanX', lanes('x', 'v', 'out')))}`),
    vjp: makeFunction(`${safe}_vjp_batched`, ['x', 'p', 'a', 'w', 'gx', 'B'], `const wo = 0, xo = 0;\n${perLane(src('revX', lanes('x', 'w', 'gx')))}`),
    paramAdjointLanes: makeFunction(`${safe}_pvjp_lanes`, ['x', 'p', 'a', 'w', 'gp', 'B'], perLane(src('revP', lanes('x', 'w', 'gp')))),
    paramAdjointSum: makeFunction(`${safe}_pvjp_sum`, ['x', 'p', 'a', 'w', 'gp', 'outP', 'B'], `outP.fill(0, 0, ${P});\n${perLane(src('revP', lanes('x', 'w')), sum)}`),
    backward: makeFunction(`${safe}_backward_batched`, ['x', 'p', 'a', 'w', 'gx', 'gp', 'outP', 'B'], `outP.fill(0, 0, ${P});\n${perLane(src('revXP', lanes('x', 'w', 'gx')), sum)}`),
  } as CompiledBatched;
}
