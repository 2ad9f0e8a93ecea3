import type { Emitter, Idx, Loc } from './emitter.js';
import { shifted } from './emitter.js';
import { isBinary, isUnary, type BinaryOp, type OpCode, type ProgramNode, type UnaryOp } from './program.js';

/**
 * The value, tangent (forward-mode) and adjoint (reverse-mode) rule of every op, written as source
 * emitters. Locations come from the executor, so the same rules serve every executor.
 */
export interface RuleContext {
  readonly e: Emitter;
  readonly nodes: readonly ProgramNode[];
  /** where node id's value is */
  val(id: number): Loc;
  /** where its tangent is; null when it does not depend on the seed (tangent 0) */
  tan(id: number): Loc | null;
  /** where its adjoint is; null when it does not depend on the seed */
  adj(id: number): Loc | null;
  /** operand arg of op id already lives inside id's value/adjoint (a concat piece, an add's term): no copy, no accumulation */
  skips(arg: number, id: number): boolean;
}

let mutation: OpCode | null = null;

/**
 * Test hook: flips the sign of every derivative rule of one op in programs compiled afterwards
 * (null restores). The derivative tests must fail under it — proof that they can fail.
 */
export function mutateDerivativeRule(op: OpCode | null): void {
  mutation = op;
}

/** true while op's rule is mutated: executors then emit it in full instead of sharing buffers */
export function isMutated(op: OpCode): boolean {
  return mutation === op;
}

const sign = (op: OpCode, expr: string) => (mutation === op ? `(-(${expr}))` : expr);

const UNARY_VALUE: Record<UnaryOp, (a: string) => string> = {
  neg: (a) => `-${a}`,
  tanh: (a) => `Math.tanh(${a})`,
  relu: (a) => `(${a} > 0 ? ${a} : 0)`,
  sigmoid: (a) => `1 / (1 + Math.exp(-${a}))`,
  sin: (a) => `Math.sin(${a})`,
  cos: (a) => `Math.cos(${a})`,
  exp: (a) => `Math.exp(${a})`,
  log: (a) => `Math.log(${a})`,
  square: (a) => `${a} * ${a}`,
  sqrt: (a) => `Math.sqrt(${a})`,
  copy: (a) => a,
};

type Lazy = () => string;

/** f'(a) from the input a and the output o = f(a), each read only if used; null: the identity's 1 */
const UNARY_SLOPE: Record<UnaryOp, (a: Lazy, o: Lazy) => string | null> = {
  neg: () => '-1',
  tanh: (_a, o) => `(1 - ${o()} * ${o()})`,
  relu: (a) => `(${a()} > 0 ? 1 : 0)`,
  sigmoid: (_a, o) => `${o()} * (1 - ${o()})`,
  sin: (a) => `Math.cos(${a()})`,
  cos: (a) => `(-Math.sin(${a()}))`,
  exp: (_a, o) => o(),
  log: (a) => `(1 / ${a()})`,
  square: (a) => `2 * ${a()}`,
  sqrt: (_a, o) => `(0.5 / ${o()})`,
  copy: () => null,
};

/** Slope of unary node id at element i, reading its input and output values only when needed. */
function slope(c: RuleContext, op: UnaryOp, id: number, i: Idx): string | null {
  const a = c.nodes[id].args[0];
  return UNARY_SLOPE[op](() => c.e.el(c.val(a), i), () => c.e.el(c.val(id), i));
}

const BINARY_VALUE: Record<BinaryOp, string> = { add: '+', sub: '-', mul: '*', div: '/' };

function unaryScaled(op: UnaryOp, slope: string | null, t: string): string {
  return sign(op, slope === null ? t : slope === '-1' ? `-${t}` : `${slope} * ${t}`);
}

/** Pieces of a structural op: out[at, at+len) ← arg[from, from+len). */
function pieces(c: RuleContext, id: number): { at: number; arg: number; from: number; len: number }[] {
  const nd = c.nodes[id];
  if (nd.op === 'shift') {
    const n = nd.size, k = nd.attr;
    return [{ at: 0, arg: nd.args[0], from: k, len: n - k }, { at: n - k, arg: nd.args[0], from: 0, len: k }];
  }
  let at = 0;
  return nd.args.map((a) => {
    const p = { at, arg: a, from: 0, len: c.nodes[a].size };
    at += p.len;
    return p;
  });
}

// ---------------------------------------------------------------- values

export function emitValue(c: RuleContext, id: number): void {
  const { e } = c, nd = c.nodes[id], o = c.val(id);
  const [a, b] = nd.args;
  if (isUnary(nd.op)) {
    const f = UNARY_VALUE[nd.op], A = c.val(a);
    e.loop(nd.size, (i) => e.emit(`${e.el(o, i)} = ${f(e.el(A, i))};`));
  } else if (isBinary(nd.op)) {
    const A = c.val(a), B = c.val(b), sa = c.nodes[a].size, sb = c.nodes[b].size, sym = BINARY_VALUE[nd.op];
    e.loop(nd.size, (i) => e.emit(`${e.el(o, i)} = ${e.bel(A, sa, i)} ${sym} ${e.bel(B, sb, i)};`));
  } else if (nd.op === 'matvec') {
    const [rows, cols] = c.nodes[a].shape, M = c.val(a), V = c.val(b);
    e.loop(rows, (r) => {
      const s = e.sumInto(cols, (j) => `${e.el(M, `${r} * ${cols} + ${j}`)} * ${e.el(V, j)}`);
      e.emit(`${e.el(o, r)} = ${s};`);
    });
  } else if (nd.op === 'shift' || nd.op === 'concat') {
    for (const p of pieces(c, id)) {
      if (c.skips(p.arg, id)) continue; // computed in place
      const A = shifted(c.val(p.arg), p.from), O = shifted(o, p.at);
      e.loop(p.len, (i) => e.emit(`${e.el(O, i)} = ${e.el(A, i)};`));
    }
  } else if (nd.op === 'sum' || nd.op === 'dot') {
    const A = c.val(a), B = nd.op === 'dot' ? c.val(b) : null;
    const s = e.sumInto(c.nodes[a].size, (i) => (B ? `${e.el(A, i)} * ${e.el(B, i)}` : e.el(A, i)));
    e.emit(`${e.el(o, 0)} = ${s};`);
  } else {
    throw new Error(`internal: no value rule for ${nd.op}`);
  }
}

// ---------------------------------------------------------------- tangents

/** Σ of the tangent terms of a binary op at element i (inactive operands contribute nothing). */
function binaryTangent(c: RuleContext, nd: ProgramNode, id: number, i: Idx): string {
  const { e } = c, [a, b] = nd.args, sa = c.nodes[a].size, sb = c.nodes[b].size;
  const TA = c.tan(a), TB = c.tan(b);
  const A = () => e.bel(c.val(a), sa, i), B = () => e.bel(c.val(b), sb, i);
  const ta = TA && e.bel(TA, sa, i), tb = TB && e.bel(TB, sb, i);
  switch (nd.op as BinaryOp) {
    case 'add': return ta && tb ? `${ta} + ${tb}` : (ta ?? tb)!;
    case 'sub': return ta && tb ? `${ta} - ${tb}` : ta ?? `-${tb}`;
    case 'mul': return [ta && `${ta} * ${B()}`, tb && `${A()} * ${tb}`].filter(Boolean).join(' + ');
    case 'div': {
      const O = e.el(c.val(id), i);
      return ta && tb ? `(${ta} - ${O} * ${tb}) / ${B()}` : ta ? `${ta} / ${B()}` : `-${O} * ${tb} / ${B()}`;
    }
  }
}

export function emitTangent(c: RuleContext, id: number): void {
  const { e } = c, nd = c.nodes[id], T = c.tan(id)!;
  const [a, b] = nd.args;
  if (isUnary(nd.op)) {
    const op = nd.op, TA = c.tan(a)!;
    e.loop(nd.size, (i) => e.emit(`${e.el(T, i)} = ${unaryScaled(op, slope(c, op, id, i), e.el(TA, i))};`));
  } else if (isBinary(nd.op)) {
    const op = nd.op;
    e.loop(nd.size, (i) => e.emit(`${e.el(T, i)} = ${sign(op, binaryTangent(c, nd, id, i))};`));
  } else if (nd.op === 'matvec') {
    const [rows, cols] = c.nodes[a].shape, M = c.val(a), V = c.val(b), TM = c.tan(a), TV = c.tan(b);
    e.loop(rows, (r) => {
      const m = (j: Idx) => `${r} * ${cols} + ${j}`;
      const s = e.sumInto(cols, (j) => [TV && `${e.el(M, m(j))} * ${e.el(TV, j)}`, TM && `${e.el(TM, m(j))} * ${e.el(V, j)}`].filter(Boolean).join(' + '));
      e.emit(`${e.el(T, r)} = ${sign('matvec', s)};`);
    });
  } else if (nd.op === 'shift' || nd.op === 'concat') {
    for (const p of pieces(c, id)) {
      const TA = c.tan(p.arg), O = shifted(T, p.at);
      if (TA !== null && c.skips(p.arg, id)) continue;
      if (TA === null) e.loop(p.len, (i) => e.emit(`${e.el(O, i)} = 0;`));
      else e.loop(p.len, (i) => e.emit(`${e.el(O, i)} = ${sign(nd.op, e.el(shifted(TA, p.from), i))};`));
    }
  } else if (nd.op === 'sum' || nd.op === 'dot') {
    const A = c.val(a), TA = c.tan(a), B = b === undefined ? null : c.val(b), TB = b === undefined ? null : c.tan(b);
    const s = e.sumInto(c.nodes[a].size, (i) =>
      B === null ? e.el(TA!, i) : [TA && `${e.el(TA, i)} * ${e.el(B, i)}`, TB && `${e.el(A, i)} * ${e.el(TB, i)}`].filter(Boolean).join(' + '));
    e.emit(`${e.el(T, 0)} = ${sign(nd.op, s)};`);
  } else {
    throw new Error(`internal: no tangent rule for ${nd.op}`);
  }
}

// ---------------------------------------------------------------- adjoints

/** Adds expr(i) (over the op's n elements) into an operand's adjoint, summing when it broadcast. */
function pushBack(c: RuleContext, target: Loc, targetSize: number, n: number, expr: (i: Idx) => string): void {
  if (targetSize === n) c.e.accumulate(target, n, expr);
  else c.e.accumulateSum(target, n, expr);
}

function binaryReverse(c: RuleContext, id: number): void {
  const { e } = c, nd = c.nodes[id], op = nd.op as BinaryOp, G = c.adj(id)!, n = nd.size;
  const [a, b] = nd.args, sa = c.nodes[a].size, sb = c.nodes[b].size;
  const A = (i: Idx) => e.bel(c.val(a), sa, i), B = (i: Idx) => e.bel(c.val(b), sb, i), O = (i: Idx) => e.el(c.val(id), i);
  const g = (i: Idx) => e.el(G, i);
  const rules: Record<BinaryOp, [(i: Idx) => string, (i: Idx) => string]> = {
    add: [g, g],
    sub: [g, (i) => `-${g(i)}`],
    mul: [(i) => `${g(i)} * ${B(i)}`, (i) => `${g(i)} * ${A(i)}`],
    div: [(i) => `${g(i)} / ${B(i)}`, (i) => `-${g(i)} * ${O(i)} / ${B(i)}`],
  };
  const [ra, rb] = rules[op];
  const AA = c.skips(a, id) ? null : c.adj(a), AB = c.skips(b, id) ? null : c.adj(b);
  if (AA) pushBack(c, AA, sa, n, (i) => sign(op, ra(i)));
  if (AB) pushBack(c, AB, sb, n, (i) => sign(op, rb(i)));
}

/** v̄ += Mᵀ·ḡ four rows at a time (one pass over v̄ per four rows of M), M̄ += ḡ ⊗ v. */
function matvecReverse(c: RuleContext, id: number): void {
  const { e } = c, nd = c.nodes[id], [a, b] = nd.args, [rows, cols] = c.nodes[a].shape;
  const G = c.adj(id)!, M = c.val(a), V = c.val(b), AM = c.adj(a), AV = c.adj(b);
  const s = (t: string) => sign('matvec', t);
  if (AM) {
    const op = e.accumulator(AM, rows * cols);
    e.loop(rows, (r) => {
      const g = e.fresh('g');
      e.emit(`const ${g} = ${e.el(G, r)};`);
      e.loop(cols, (j) => e.emit(`${e.el(AM, `${r} * ${cols} + ${j}`)} ${op} ${s(`${g} * ${e.el(V, j)}`)};`));
    });
  }
  if (AV) {
    e.zeroUnwritten(AV, cols);
    const r = e.fresh('r'), g = [0, 1, 2, 3].map(() => e.fresh('g'));
    const mEl = (row: string, j: Idx) => e.el(M, `${row} * ${cols} + ${j}`);
    e.emit(`let ${r} = 0;`);
    e.emit(`for (; ${r} + 3 < ${rows}; ${r} += 4) {`);
    g.forEach((v, u) => e.emit(`const ${v} = ${e.el(G, u === 0 ? r : `${r} + ${u}`)};`));
    e.loop(cols, (j) => e.emit(`${e.el(AV, j)} += ${s(g.map((v, u) => `${v} * ${mEl(u === 0 ? r : `(${r} + ${u})`, j)}`).join(' + '))};`));
    e.emit('}');
    e.emit(`for (; ${r} < ${rows}; ${r}++) {`);
    e.emit(`const ${g[0]} = ${e.el(G, r)};`);
    e.loop(cols, (j) => e.emit(`${e.el(AV, j)} += ${s(`${g[0]} * ${mEl(r, j)}`)};`));
    e.emit('}');
  }
}

export function emitReverse(c: RuleContext, id: number): void {
  const { e } = c, nd = c.nodes[id], G = c.adj(id)!;
  const [a, b] = nd.args;
  if (isUnary(nd.op)) {
    const op = nd.op, AA = c.skips(a, id) ? null : c.adj(a);
    if (AA) e.accumulate(AA, nd.size, (i) => unaryScaled(op, slope(c, op, id, i), e.el(G, i)));
  } else if (isBinary(nd.op)) {
    binaryReverse(c, id);
  } else if (nd.op === 'matvec') {
    matvecReverse(c, id);
  } else if (nd.op === 'shift' || nd.op === 'concat') {
    for (const p of pieces(c, id)) {
      const AA = c.skips(p.arg, id) ? null : c.adj(p.arg);
      if (AA) e.accumulate(shifted(AA, p.from), p.len, (i) => sign(nd.op, e.el(shifted(G, p.at), i)));
    }
  } else if (nd.op === 'sum' || nd.op === 'dot') {
    const g = e.fresh('g');
    e.emit(`const ${g} = ${e.el(G, 0)};`);
    const AA = c.adj(a), AB = b === undefined ? null : c.adj(b), size = c.nodes[a].size;
    if (nd.op === 'sum') {
      if (AA) e.accumulate(AA, size, () => sign('sum', g));
    } else {
      if (AA) e.accumulate(AA, size, (i) => sign('dot', `${g} * ${e.el(c.val(b), i)}`));
      if (AB) e.accumulate(AB, size, (i) => sign('dot', `${g} * ${e.el(c.val(a), i)}`));
    }
  } else {
    throw new Error(`internal: no adjoint rule for ${nd.op}`);
  }
}
