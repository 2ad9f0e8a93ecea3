import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { Progress, clock, type ProgressStream } from '../../src/cli/progress.js';
import { parseTrainConfig, train } from '../../src/optim/index.js';
import { CLI } from '../helpers/cli.js';

function fakeStream(tty: boolean): ProgressStream & { out: string[]; listeners: ((e: NodeJS.ErrnoException) => void)[] } {
  const s = {
    isTTY: tty,
    columns: 200,
    out: [] as string[],
    listeners: [] as ((e: NodeJS.ErrnoException) => void)[],
    write(t: string) {
      s.out.push(t);
      return true;
    },
    on(_e: 'error', l: (e: NodeJS.ErrnoException) => void) {
      s.listeners.push(l);
    },
  };
  return s;
}

describe('progress display', () => {
  it('on a terminal each redraw clears the line and shows phase, fraction, elapsed and ETA', () => {
    let now = 0;
    const s = fakeStream(true);
    const p = new Progress(true, s, () => now);
    p.update('spectrum', 0, 100);
    now = 10_000;
    p.update('spectrum', 50, 100);
    assert.ok(s.out.every((t) => t.startsWith('\r\x1b[K')), JSON.stringify(s.out));
    assert.equal(s.out[1], '\r\x1b[Kspectrum [##########..........] 50% 0:10 elapsed, ETA 0:10');
    // a new phase restarts the ETA's clock but not the elapsed time
    now = 12_000;
    p.update('adjoint', 1, 4, 'loss 0.5');
    assert.equal(s.out[2], '\r\x1b[Kadjoint [#####...............] 25% 0:12 elapsed · loss 0.5');
    p.done();
    assert.equal(s.out.at(-1), '\r\x1b[K');
    assert.equal(clock(3725), '1:02:05');
  });

  it('off a terminal it prints whole lines, throttled', () => {
    let now = 0;
    const s = fakeStream(false);
    const p = new Progress(true, s, () => now);
    for (let i = 0; i < 100; i++) {
      now += 100;
      p.update('simulate', i, 100);
    }
    p.update('simulate', 100, 100);
    assert.ok(s.out.length >= 2 && s.out.length <= 5, `${s.out.length} lines`);
    assert.ok(s.out.every((t) => t.endsWith('\n') && !t.includes('\r')));
  });

  it('EPIPE on the stream stops the drawing without an exception', () => {
    const s = fakeStream(true);
    let calls = 0;
    s.write = () => {
      calls++;
      const e = new Error('write EPIPE') as NodeJS.ErrnoException;
      e.code = 'EPIPE';
      throw e;
    };
    const p = new Progress(true, s, () => calls * 1000);
    p.update('train', 1, 10);
    p.update('train', 2, 10);
    p.done();
    assert.equal(calls, 1);
    // an asynchronous 'error' event is absorbed the same way
    const s2 = fakeStream(true);
    const p2 = new Progress(true, s2);
    const e = new Error('write EPIPE') as NodeJS.ErrnoException;
    e.code = 'EPIPE';
    s2.listeners[0](e);
    p2.update('x', 1, 2);
    assert.equal(s2.out.length, 0);
  });

  it('training reports fractions inside an iteration (the gradient moves the bar)', async () => {
    const seen: number[] = [];
    const config = parseTrainConfig({
      system: { name: 'linear', noise: 0.5 }, params: ['a'], loss: [{ observable: 'x0', target: 1 }],
      estimator: { method: 'kernel', steps: 20000 }, optimizer: { name: 'sgd', lr: 0.01 }, iterations: 2, seed: 1, evaluation: { steps: 1000 },
    });
    await train(config, { onProgress: (d) => seen.push(d) });
    assert.ok(seen.some((d) => d > 0.2 && d < 0.8), `fractions ${seen.slice(0, 20).join(', ')}`);
    assert.ok(seen.some((d) => d > 1.2 && d < 1.8));
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i] >= seen[i - 1]);
  });

  it('closing the reader of --progress does not end the run', async () => {
    const child = spawn(process.execPath, [CLI, 'simulate', 'henon', '--steps', '3000000', '--progress', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr.destroy();
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((res) => child.on('close', res));
    assert.equal(code, 0);
    assert.equal(JSON.parse(out).steps, 3000000);
  });
});
