/**
 * The static program a defined model is traced into: a flat list of nodes in evaluation order,
 * each one op over f64 arrays with a fixed shape. It holds no buffers and no code, so several
 * executors can run the same list (the per-orbit code generator in `codegen.ts`; a batched,
 * lane-major one for B orbits at once) — "one op list, two executors".
 */
export type UnaryOp = 'neg' | 'tanh' | 'relu' | 'sigmoid' | 'sin' | 'cos' | 'exp' | 'log' | 'square' | 'sqrt' | 'copy';
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div';
export type OpCode =
  | 'input' // the state x (length dim)
  | 'param' // a declared parameter; attr = offset in the flat parameter vector
  | 'const' // constant data
  | UnaryOp
  | BinaryOp
  | 'matvec' // args [M (rows×cols), v (cols)]
  | 'shift' // out_i = a_{(i + attr) mod n}
  | 'slice' // out = a[attr, attr + size): a view, never copied
  | 'concat'
  | 'sum'
  | 'dot';

export const UNARY_OPS: readonly UnaryOp[] = ['neg', 'tanh', 'relu', 'sigmoid', 'sin', 'cos', 'exp', 'log', 'square', 'sqrt', 'copy'];
export const BINARY_OPS: readonly BinaryOp[] = ['add', 'sub', 'mul', 'div'];

/** [] scalar, [n] vector, [rows, cols] row-major matrix */
export type Shape = readonly number[];

export interface ProgramNode {
  readonly op: OpCode;
  /** indices of earlier nodes */
  readonly args: readonly number[];
  readonly shape: Shape;
  readonly size: number;
  /** shift amount, slice start or parameter offset; 0 otherwise */
  readonly attr: number;
  /** the values of a const node */
  readonly data: Float64Array | null;
  /** parameter name of a param node */
  readonly name: string | null;
}

export interface ProgramParam {
  readonly name: string;
  readonly shape: Shape;
  readonly size: number;
  readonly offset: number;
}

export interface Program {
  readonly dim: number;
  readonly nParams: number;
  readonly params: readonly ProgramParam[];
  /** topologically ordered; every node is needed by the output */
  readonly nodes: readonly ProgramNode[];
  /** index of the output node: a computed (non-view) vector of length dim */
  readonly output: number;
}

export function sizeOf(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function isUnary(op: OpCode): op is UnaryOp {
  return (UNARY_OPS as readonly string[]).includes(op);
}

export function isBinary(op: OpCode): op is BinaryOp {
  return (BINARY_OPS as readonly string[]).includes(op);
}

/** Nodes whose value lives outside the program's own buffers (inputs, parameters, views). */
export function isExternalOrView(op: OpCode): boolean {
  return op === 'input' || op === 'param' || op === 'slice';
}

/** active[i]: node i depends on a seed node (the state for 'x', any parameter for 'p'). */
export function activity(prog: Program, seed: 'x' | 'p'): Uint8Array {
  const act = new Uint8Array(prog.nodes.length);
  prog.nodes.forEach((nd, i) => {
    if (nd.op === (seed === 'x' ? 'input' : 'param')) act[i] = 1;
    else if (nd.args.some((a) => act[a] === 1)) act[i] = 1;
  });
  return act;
}
