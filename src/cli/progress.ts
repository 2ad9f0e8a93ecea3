/**
 * The one progress display, on stderr (stdout stays clean for --json): shown on a terminal, or
 * when --progress is given. A line reads `phase [####....] 42% 0:13 elapsed, ETA 0:18`; on a
 * terminal it redraws in place (carriage return + clear to end of line, so no old text remains),
 * elsewhere it prints a line at most every few seconds. Throttled so that it costs nothing
 * measurable in hot loops. If the reader of stderr goes away (EPIPE), drawing stops and the
 * computation carries on: progress is a courtesy, never a reason to lose a run.
 */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
  on?(event: 'error', listener: (e: NodeJS.ErrnoException) => void): unknown;
}

const TTY_INTERVAL_MS = 200;
const LOG_INTERVAL_MS = 5000;
const CLEAR_LINE = '\r\x1b[K';

/** m:ss (or h:mm:ss) of a duration in seconds. */
export function clock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(r).padStart(2, '0')}`;
}

export class Progress {
  private last = 0;
  private shown = false;
  private broken = false;
  private phase = '';
  private phaseStart = 0;
  private readonly start: number;

  constructor(private readonly enabled: boolean, private readonly stream: ProgressStream = process.stderr, private readonly now: () => number = Date.now) {
    this.start = now();
    if (enabled) stream.on?.('error', (e) => this.onError(e));
  }

  static silent(): Progress {
    return new Progress(false);
  }

  private onError(e: NodeJS.ErrnoException): void {
    // a closed reader (EPIPE) or a vanished terminal: stop drawing, keep computing
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED' || e.code === 'EIO') this.broken = true;
    else throw e;
  }

  private write(text: string): void {
    if (this.broken) return;
    try {
      this.stream.write(text);
    } catch (e) {
      this.onError(e as NodeJS.ErrnoException);
    }
  }

  /** The line for `done` of `total` in phase `label` (exposed for tests). */
  line(label: string, done: number, total: number, detail = ''): string {
    const t = this.now();
    if (label !== this.phase) {
      this.phase = label;
      this.phaseStart = t;
    }
    const frac = total > 0 ? Math.min(1, Math.max(0, done / total)) : 1;
    const width = 20;
    const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
    const phaseSeconds = (t - this.phaseStart) / 1000;
    const elapsed = (t - this.start) / 1000;
    // the ETA extrapolates the current phase's rate; shown once there is something to extrapolate
    const eta = frac > 0 && frac < 1 && phaseSeconds >= 1 ? `, ETA ${clock((phaseSeconds * (1 - frac)) / frac)}` : '';
    return `${label} [${bar}] ${(100 * frac).toFixed(frac < 0.1 && frac > 0 ? 1 : 0)}% ${clock(elapsed)} elapsed${eta}${detail ? ` · ${detail}` : ''}`;
  }

  /** `detail` (e.g. the current loss) is shown after the times; a change of `label` starts a new phase. */
  update(label: string, done: number, total: number, detail = ''): void {
    if (!this.enabled || this.broken) return;
    const t = this.now();
    const tty = this.stream.isTTY === true;
    const changed = label !== this.phase;
    if (!changed && t - this.last < (tty ? TTY_INTERVAL_MS : LOG_INTERVAL_MS) && done < total) return;
    this.last = t;
    let text = this.line(label, done, total, detail);
    if (tty) {
      const cols = this.stream.columns ?? 0;
      if (cols > 10 && text.length >= cols) text = text.slice(0, cols - 2) + '…';
      this.write(`${CLEAR_LINE}${text}`);
    } else this.write(`${text}\n`);
    this.shown = true;
  }

  /** A one-off status line (e.g. 'resuming from checkpoint'). */
  note(message: string): void {
    if (!this.enabled) return;
    this.done();
    this.write(`${message}\n`);
  }

  /** Ends the progress line (a terminal line is cleared, so the next output starts clean). */
  done(): void {
    if (this.shown && this.stream.isTTY) this.write(CLEAR_LINE);
    this.shown = false;
  }
}
