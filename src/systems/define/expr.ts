import { UsageError } from '../../errors/index.js';
import { sizeOf, type BinaryOp, type OpCode, type Program, type ProgramNode, type ProgramParam, type Shape, type UnaryOp } from './program.js';

/** An operand: a traced expression or a plain number (a scalar constant). */
export type Operand = Expr | number;

const fmt = (s: Shape) => `[${s.join(', ')}]`;

/**
 * A value in a traced step rule. Expressions only record what is computed; nothing is evaluated
 * while tracing. Every method has a function form in `ops` (ops.tanh(e) = e.tanh()).
 */
export class Expr {
  constructor(readonly graph: Graph, readonly id: number) {}
  get shape(): Shape { return this.graph.nodes[this.id].shape; }
  get size(): number { return this.graph.nodes[this.id].size; }
  add(b: Operand): Expr { return this.graph.binary('add', this, b); }
  sub(b: Operand): Expr { return this.graph.binary('sub', this, b); }
  mul(b: Operand): Expr { return this.graph.binary('mul', this, b); }
  div(b: Operand): Expr { return this.graph.binary('div', this, b); }
  neg(): Expr { return this.graph.unary('neg', this); }
  tanh(): Expr { return this.graph.unary('tanh', this); }
  relu(): Expr { return this.graph.unary('relu', this); }
  sigmoid(): Expr { return this.graph.unary('sigmoid', this); }
  sin(): Expr { return this.graph.unary('sin', this); }
  cos(): Expr { return this.graph.unary('cos', this); }
  exp(): Expr { return this.graph.unary('exp', this); }
  log(): Expr { return this.graph.unary('log', this); }
  square(): Expr { return this.graph.unary('square', this); }
  sqrt(): Expr { return this.graph.unary('sqrt', this); }
  /** this matrix (rows×cols) times a vector of length cols */
  matvec(v: Expr): Expr { return this.graph.matvec(this, v); }
  /** out_i = this_{(i + k) mod n}: shift(1) reads the next neighbour, shift(−1) the previous */
  shift(k: number): Expr { return this.graph.shift(this, k); }
  slice(start: number, length: number): Expr { return this.graph.slice(this, start, length); }
  /** element i as a scalar */
  at(i: number): Expr { return this.graph.slice(this, i, 1, true); }
  sum(): Expr { return this.graph.reduce('sum', [this]); }
  dot(b: Expr): Expr { return this.graph.reduce('dot', [this, b]); }
}

/** The function forms handed to a step rule as its third argument. */
export interface Ops {
  add(a: Operand, b: Operand): Expr;
  sub(a: Operand, b: Operand): Expr;
  mul(a: Operand, b: Operand): Expr;
  div(a: Operand, b: Operand): Expr;
  neg(a: Expr): Expr;
  tanh(a: Expr): Expr;
  relu(a: Expr): Expr;
  sigmoid(a: Expr): Expr;
  sin(a: Expr): Expr;
  cos(a: Expr): Expr;
  exp(a: Expr): Expr;
  log(a: Expr): Expr;
  square(a: Expr): Expr;
  sqrt(a: Expr): Expr;
  matvec(m: Expr, v: Expr): Expr;
  shift(a: Expr, k: number): Expr;
  slice(a: Expr, start: number, length: number): Expr;
  at(a: Expr, i: number): Expr;
  concat(...parts: Expr[]): Expr;
  sum(a: Expr): Expr;
  dot(a: Expr, b: Expr): Expr;
  /** a constant: a number, a vector, or a matrix given as rows */
  constant(value: number | ArrayLike<number> | readonly (readonly number[])[]): Expr;
}

/** Records nodes while a step rule runs; `finish` prunes them into a Program. */
export class Graph {
  readonly nodes: ProgramNode[] = [];

  push(op: OpCode, args: number[], shape: Shape, attr = 0, data: Float64Array | null = null, name: string | null = null): Expr {
    this.nodes.push({ op, args, shape, size: sizeOf(shape), attr, data, name });
    return new Expr(this, this.nodes.length - 1);
  }

  lift(a: Operand, op: string): Expr {
    if (typeof a === 'number') {
      if (!Number.isFinite(a)) throw new UsageError(`${op}: constant ${a} is not finite`);
      return this.push('const', [], [], 0, Float64Array.of(a));
    }
    if (!(a instanceof Expr)) throw new UsageError(`${op}: operand must be an expression or a number, got ${typeof a}`);
    if (a.graph !== this) throw new UsageError(`${op}: an expression from another model's trace was used`);
    return a;
  }

  binary(op: BinaryOp, a0: Operand, b0: Operand): Expr {
    const a = this.lift(a0, op), b = this.lift(b0, op);
    let shape: Shape;
    // a size-1 operand broadcasts; between two, the vector [1] wins over the scalar []
    if (a.size === 1 && b.size === 1) shape = a.shape.length >= b.shape.length ? a.shape : b.shape;
    else if (a.size === 1) shape = b.shape;
    else if (b.size === 1 || fmt(a.shape) === fmt(b.shape)) shape = a.shape;
    else throw new UsageError(`${op}: shapes ${fmt(a.shape)} and ${fmt(b.shape)} do not match (one must be a scalar or both equal)`);
    return this.push(op, [a.id, b.id], shape);
  }

  unary(op: UnaryOp, a0: Expr): Expr {
    const a = this.lift(a0, op);
    return this.push(op, [a.id], a.shape);
  }

  matvec(m0: Expr, v0: Expr): Expr {
    const m = this.lift(m0, 'matvec'), v = this.lift(v0, 'matvec');
    if (m.shape.length !== 2) throw new UsageError(`matvec: first operand must be a matrix, got shape ${fmt(m.shape)}`);
    if (v.size !== m.shape[1] || v.shape.length > 1) throw new UsageError(`matvec: matrix ${fmt(m.shape)} needs a vector of length ${m.shape[1]}, got ${fmt(v.shape)}`);
    return this.push('matvec', [m.id, v.id], [m.shape[0]]);
  }

  private vector(a0: Expr, op: string): Expr {
    const a = this.lift(a0, op);
    if (a.shape.length !== 1) throw new UsageError(`${op}: operand must be a vector, got shape ${fmt(a.shape)}`);
    return a;
  }

  shift(a0: Expr, k: number): Expr {
    const a = this.vector(a0, 'shift');
    if (!Number.isInteger(k)) throw new UsageError(`shift: k must be an integer, got ${k}`);
    const n = a.size;
    const kk = ((k % n) + n) % n;
    return kk === 0 ? a : this.push('shift', [a.id], a.shape, kk);
  }

  slice(a0: Expr, start: number, length: number, scalar = false): Expr {
    const a = this.vector(a0, scalar ? 'at' : 'slice');
    if (!Number.isInteger(start) || !Number.isInteger(length) || start < 0 || length < 1 || start + length > a.size) {
      throw new UsageError(`${scalar ? `at(${start})` : `slice(${start}, ${length})`}: out of range for a vector of length ${a.size}`);
    }
    return this.push('slice', [a.id], scalar ? [] : [length], start);
  }

  concat(parts: Expr[]): Expr {
    if (parts.length === 0) throw new UsageError('concat: needs at least one part');
    const ids = parts.map((p) => {
      const e = this.lift(p, 'concat');
      if (e.shape.length > 1) throw new UsageError(`concat: parts must be scalars or vectors, got shape ${fmt(e.shape)}`);
      return e;
    });
    return this.push('concat', ids.map((e) => e.id), [ids.reduce((s, e) => s + e.size, 0)]);
  }

  reduce(op: 'sum' | 'dot', args: Expr[]): Expr {
    const es = args.map((a) => this.lift(a, op));
    if (op === 'dot' && es[0].size !== es[1].size) throw new UsageError(`dot: lengths ${es[0].size} and ${es[1].size} differ`);
    return this.push(op, es.map((e) => e.id), []);
  }

  constant(value: number | ArrayLike<number> | readonly (readonly number[])[]): Expr {
    if (typeof value === 'number') return this.lift(value, 'constant');
    const rows = Array.from(value as ArrayLike<number | readonly number[]>);
    const nested = rows.length > 0 && Array.isArray(rows[0]);
    const flat = Float64Array.from(nested ? (rows as number[][]).flat() : (rows as number[]));
    if (nested && (rows as number[][]).some((r) => r.length !== (rows[0] as number[]).length)) throw new UsageError('constant: matrix rows differ in length');
    if (!flat.every(Number.isFinite)) throw new UsageError('constant: values must be finite');
    const shape = nested ? [rows.length, (rows[0] as number[]).length] : [flat.length];
    return this.push('const', [], shape, 0, flat);
  }

  ops(): Ops {
    const u = (op: UnaryOp) => (a: Expr) => this.unary(op, a);
    return {
      add: (a, b) => this.binary('add', a, b),
      sub: (a, b) => this.binary('sub', a, b),
      mul: (a, b) => this.binary('mul', a, b),
      div: (a, b) => this.binary('div', a, b),
      neg: u('neg'), tanh: u('tanh'), relu: u('relu'), sigmoid: u('sigmoid'), sin: u('sin'), cos: u('cos'),
      exp: u('exp'), log: u('log'), square: u('square'), sqrt: u('sqrt'),
      matvec: (m, v) => this.matvec(m, v),
      shift: (a, k) => this.shift(a, k),
      slice: (a, s, l) => this.slice(a, s, l),
      at: (a, i) => this.slice(a, i, 1, true),
      concat: (...parts) => this.concat(parts),
      sum: (a) => this.reduce('sum', [a]),
      dot: (a, b) => this.reduce('dot', [a, b]),
      constant: (v) => this.constant(v),
    };
  }

  /**
   * Keeps only the nodes the output needs (in order) and makes the output a computed node of its
   * own (a copy when the rule returns the state, a parameter, a constant or a view), so kernels can
   * write it straight to the caller's array.
   */
  finish(out: Expr, dim: number, params: readonly ProgramParam[]): Program {
    const o = this.lift(out, 'step');
    if (o.shape.length !== 1 || o.size !== dim) throw new UsageError(`step must return a vector of length dim = ${dim}, got shape ${fmt(o.shape)}`);
    const own = ['input', 'param', 'const', 'slice'].includes(this.nodes[o.id].op) ? this.unary('copy', o) : o;
    const keep = new Uint8Array(this.nodes.length);
    keep[own.id] = 1;
    for (let i = own.id; i >= 0; i--) if (keep[i]) for (const a of this.nodes[i].args) keep[a] = 1;
    const index = new Int32Array(this.nodes.length).fill(-1);
    const nodes: ProgramNode[] = [];
    this.nodes.forEach((nd, i) => {
      if (!keep[i]) return;
      index[i] = nodes.length;
      nodes.push({ ...nd, args: nd.args.map((a) => index[a]) });
    });
    const nParams = params.reduce((s, q) => s + q.size, 0);
    return { dim, nParams, params, nodes, output: index[own.id] };
  }
}
