/**
 * Source emission for the program executors: element addressing, loops, and the bookkeeping that
 * lets the reverse sweep ASSIGN an adjoint on its first contribution and accumulate afterwards,
 * decided while generating (per element), so no adjoint buffer is cleared at run time unless a
 * part of it is never reached.
 */

/** Element k of a location is `arr[sym + off + k]`; sym is a run-time offset argument ('' if none). */
export interface Loc {
  readonly arr: string;
  readonly sym: string;
  readonly off: number;
}

export type Idx = number | string;

export function shifted(l: Loc, by: number): Loc {
  return { arr: l.arr, sym: l.sym, off: l.off + by };
}

export class Emitter {
  /**
   * @param lanes arrays holding B orbits lane-major (element k of lane `ln` at [k·B + ln]): the
   *   batched executor runs the same code once per lane with these addresses
   */
  constructor(private readonly lanes: ReadonlySet<string> = new Set()) {}

  private readonly lines: string[] = [];
  private counter = 0;
  /** written[arr][k]: adjoint element k of arr has received a value in the code emitted so far */
  private readonly written = new Map<string, Uint8Array>();

  emit(line: string): void {
    this.lines.push(line);
  }

  source(): string {
    return this.lines.join('\n');
  }

  fresh(prefix: string): string {
    return `${prefix}${this.counter++}`;
  }

  /** The source text of element i of l. */
  el(l: Loc, i: Idx): string {
    return this.lanes.has(l.arr) ? `${l.arr}[(${this.addr(l, i)}) * B + ln]` : `${l.arr}[${this.addr(l, i)}]`;
  }

  /** Emits l[0, size) ← 0. */
  clear(l: Loc, size: number): void {
    if (size === 1) this.emit(`${this.el(l, 0)} = 0;`);
    else if (this.lanes.has(l.arr)) this.loop(size, (i) => this.emit(`${this.el(l, i)} = 0;`));
    else this.emit(`${l.arr}.fill(0, ${this.addr(l, 0)}, ${this.addr(l, size)});`);
  }

  /** The index expression of element i of l. */
  addr(l: Loc, i: Idx): string {
    const parts: string[] = [];
    if (l.sym) parts.push(l.sym);
    if (typeof i === 'number') {
      if (l.off + i !== 0 || parts.length === 0) parts.push(String(l.off + i));
    } else {
      if (l.off !== 0) parts.push(String(l.off));
      parts.push(i);
    }
    return parts.join(' + ');
  }

  /** Element i, or element 0 of a size-1 operand (scalars broadcast). */
  bel(l: Loc, size: number, i: Idx): string {
    return size === 1 ? this.el(l, 0) : this.el(l, i);
  }

  /** Emits body for i in [0, n); straight-line for n = 1. */
  loop(n: number, body: (i: Idx) => void): void {
    if (n === 1) {
      body(0);
      return;
    }
    const i = this.fresh('i');
    this.emit(`for (let ${i} = 0; ${i} < ${n}; ${i}++) {`);
    body(i);
    this.emit('}');
  }

  /** Declares an adjoint target array of `size` elements for first-write tracking. */
  track(arr: string, size: number): void {
    this.written.set(arr, new Uint8Array(size));
  }

  /** Clears the never-written elements of [off, off+size) of an adjoint target and marks them. */
  zeroUnwritten(l: Loc, size: number): void {
    const w = this.flags(l.arr);
    let k = 0;
    while (k < size) {
      if (w[l.off + k]) { k++; continue; }
      let e = k;
      while (e < size && !w[l.off + e]) w[l.off + e++] = 1;
      this.clear(shifted(l, k), e - k);
      k = e;
    }
  }

  /**
   * The operator for a contribution to [off, off+size): '=' when nothing there is written yet,
   * '+=' otherwise (clearing first whatever part is still unwritten). Marks the range written.
   */
  accumulator(l: Loc, size: number): '=' | '+=' {
    const w = this.flags(l.arr);
    let set = 0;
    for (let k = 0; k < size; k++) set += w[l.off + k];
    if (set === 0) {
      w.fill(1, l.off, l.off + size);
      return '=';
    }
    this.zeroUnwritten(l, size);
    return '+=';
  }

  /** target[i] (op)= expr(i) over size elements. */
  accumulate(target: Loc, size: number, expr: (i: Idx) => string): void {
    const op = this.accumulator(target, size);
    this.loop(size, (i) => this.emit(`${this.el(target, i)} ${op} ${expr(i)};`));
  }

  /** target[0] (op)= Σᵢ expr(i) over n terms (a scalar receiving from a broadcast). */
  accumulateSum(target: Loc, n: number, expr: (i: Idx) => string): void {
    const s = this.sumInto(n, expr);
    const op = this.accumulator(target, 1);
    this.emit(`${this.el(target, 0)} ${op} ${s};`);
  }

  /** Emits a local holding Σᵢ expr(i), four partial sums for long vectors; returns its name. */
  sumInto(n: number, expr: (i: Idx) => string): string {
    const s = this.fresh('s');
    if (n < 8) {
      this.emit(`let ${s} = 0;`);
      this.loop(n, (i) => this.emit(`${s} += ${expr(i)};`));
      return s;
    }
    const j = this.fresh('j'), q = [0, 1, 2, 3].map(() => this.fresh('q'));
    this.emit(`let ${q.map((v) => `${v} = 0`).join(', ')}, ${j} = 0;`);
    this.emit(`for (; ${j} + 3 < ${n}; ${j} += 4) {`);
    q.forEach((v, u) => this.emit(`${v} += ${expr(u === 0 ? j : `${j} + ${u}`)};`));
    this.emit('}');
    this.emit(`for (; ${j} < ${n}; ${j}++) ${q[0]} += ${expr(j)};`);
    this.emit(`const ${s} = ${q[0]} + ${q[1]} + (${q[2]} + ${q[3]});`);
    return s;
  }

  private flags(arr: string): Uint8Array {
    const w = this.written.get(arr);
    if (!w) throw new Error(`internal: adjoint target ${arr} is not tracked`);
    return w;
  }
}
