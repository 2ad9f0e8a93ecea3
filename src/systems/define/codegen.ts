import { Emitter, shifted, type Loc } from './emitter.js';
import { activity, type Program } from './program.js';
import { emitReverse, emitTangent, emitValue, type RuleContext } from './rules.js';

/**
 * The per-orbit executor: compiles a Program, once, into straight-line JavaScript functions over
 * one preallocated arena (values, tangents and adjoints of every computed node, and constants).
 * Inputs, parameters, seeds and outputs are read and written in place in the caller's arrays;
 * slices are views (an offset), never copies. Generated source contains only numbers and fixed
 * identifiers — nothing a user wrote — so compiling it with `new Function` is safe.
 */

export type Mode = 'eval' | 'primal' | 'tanX' | 'tanP' | 'revX' | 'revP' | 'revXP';

/** Arguments of each generated function (a = arena); v/vo, out/oo, w/wo, gx/xo: block offsets. */
const SIGNATURES: Record<Mode, string[]> = {
  eval: ['x', 'p', 'a', 'out'],
  primal: ['x', 'p', 'a'],
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

/** Where values, tangents and adjoints live in one mode of the per-orbit executor. */
function locator(prog: Program, lay: Layout, mode: Mode): RuleContext & { act: Uint8Array } {
  const nodes = prog.nodes, out = prog.output;
  const ax = activity(prog, 'x'), ap = activity(prog, 'p');
  const act = mode === 'tanX' || mode === 'revX' ? ax : mode === 'tanP' || mode === 'revP' ? ap : ax.map((v, i) => v | ap[i]);
  const e = new Emitter();
  const inArena = (k: Int32Array, i: number): Loc => ({ arr: 'a', sym: '', off: k[i] });
  function val(i: number): Loc {
    const nd = nodes[i];
    if (nd.op === 'input') return { arr: 'x', sym: '', off: 0 };
    if (nd.op === 'param') return { arr: 'p', sym: '', off: nd.attr };
    if (nd.op === 'slice') return shifted(val(nd.args[0]), nd.attr);
    if (mode === 'eval' && i === out) return { arr: 'out', sym: '', off: 0 };
    return inArena(lay.val, i);
  }
  function tan(i: number): Loc | null {
    const nd = nodes[i];
    if (!act[i]) return null;
    if (nd.op === 'input') return { arr: 'v', sym: 'vo', off: 0 };
    if (nd.op === 'param') return { arr: 'dp', sym: '', off: nd.attr };
    if (nd.op === 'slice') return shifted(tan(nd.args[0])!, nd.attr);
    if (i === out) return { arr: 'out', sym: mode === 'tanX' ? 'oo' : '', off: 0 };
    return inArena(lay.tan, i);
  }
  function adj(i: number): Loc | null {
    const nd = nodes[i];
    if (!act[i]) return null;
    if (nd.op === 'input') return { arr: 'gx', sym: mode === 'revX' ? 'xo' : '', off: 0 };
    if (nd.op === 'param') return { arr: 'gp', sym: '', off: nd.attr };
    if (nd.op === 'slice') return shifted(adj(nd.args[0])!, nd.attr);
    if (i === out) return { arr: 'w', sym: mode === 'revX' ? 'wo' : '', off: 0 };
    return inArena(lay.adj, i);
  }
  return { e, nodes, val, tan, adj, act };
}

const computed = (op: string) => op !== 'input' && op !== 'param' && op !== 'slice' && op !== 'const';

/** Source of the body of one mode's function. */
export function emitMode(prog: Program, lay: Layout, mode: Mode): string {
  const c = locator(prog, lay, mode);
  const { e, nodes, act } = c;
  if (mode === 'eval' || mode === 'primal') {
    nodes.forEach((nd, i) => computed(nd.op) && emitValue(c, i));
  } else if (mode === 'tanX' || mode === 'tanP') {
    nodes.forEach((nd, i) => computed(nd.op) && act[i] && emitTangent(c, i));
    if (!act[prog.output]) e.emit(`out.fill(0, ${mode === 'tanX' ? 'oo' : '0'}, ${mode === 'tanX' ? 'oo + ' : ''}${prog.dim});`);
  } else {
    const hasX = mode !== 'revP', hasP = mode !== 'revX';
    e.track('a', lay.size);
    if (hasX) e.track('gx', prog.dim);
    if (hasP) e.track('gp', prog.nParams);
    for (let i = nodes.length - 1; i >= 0; i--) {
      const nd = nodes[i];
      if (!computed(nd.op) || !act[i] || !nd.args.some((a) => act[a])) continue;
      if (i !== prog.output) e.zeroUnwritten(c.adj(i)!, nd.size); // parts no consumer reached
      emitReverse(c, i);
    }
    if (hasX) e.zeroUnwritten({ arr: 'gx', sym: mode === 'revX' ? 'xo' : '', off: 0 }, prog.dim);
    if (hasP) e.zeroUnwritten({ arr: 'gp', sym: '', off: 0 }, prog.nParams);
  }
  return e.source();
}

export type Compiled = Record<Mode, (...args: unknown[]) => void>;

/** Compiles every mode of a program (once per model; binding to parameters compiles nothing). */
export function compile(prog: Program, name: string): { fns: Compiled; layout: Layout; sources: Record<Mode, string> } {
  const lay = layout(prog);
  const fns = {} as Compiled, sources = {} as Record<Mode, string>;
  const safe = name.replace(/[^A-Za-z0-9_]/g, '_');
  for (const mode of Object.keys(SIGNATURES) as Mode[]) {
    const body = emitMode(prog, lay, mode);
    sources[mode] = body;
    // a named function per mode shows up readably in profiles
    fns[mode] = new Function(`return function ${safe}_${mode}(${SIGNATURES[mode].join(', ')}) {\n'use strict';\n${body}\n};`)() as (...args: unknown[]) => void;
  }
  return { fns, layout: lay, sources };
}
