/**
 * Progress on stderr (stdout stays clean for --json): shown on a terminal, or when --progress is
 * given; throttled so that it costs nothing measurable in hot loops.
 */
export class Progress {
  private last = 0;
  private shown = false;

  constructor(private readonly enabled: boolean, private readonly stream: NodeJS.WriteStream = process.stderr) {}

  static silent(): Progress {
    return new Progress(false);
  }

  update(label: string, done: number, total: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 200 && done < total) return;
    this.last = now;
    const frac = total > 0 ? Math.min(1, done / total) : 1;
    const width = 24;
    const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
    const line = `${label} [${bar}] ${(100 * frac).toFixed(0)}%`;
    if (this.stream.isTTY) this.stream.write(`\r${line}`);
    else this.stream.write(`${line}\n`);
    this.shown = true;
  }

  /** A one-off status line (e.g. 'resuming from checkpoint'). */
  note(message: string): void {
    if (!this.enabled) return;
    this.done();
    this.stream.write(`${message}\n`);
  }

  done(): void {
    if (this.shown && this.stream.isTTY) this.stream.write('\n');
    this.shown = false;
  }
}
