import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from './cli.js';

/**
 * A private redis-server for one test file: a free 127.0.0.1 port, a temporary directory, no
 * persistence; stopped by stop(). Never relies on a server already running. Fails loudly when
 * redis-server is missing (CI installs Debian's package in .ci/run).
 */
export interface TestRedis {
  port: number;
  pid: number;
  url: string;
  password: string | null;
  stop(): Promise<void>;
}

export function redisServerPath(): string {
  const r = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const path = r.stdout.trim();
  if (r.status !== 0 || path === '') throw new Error("redis-server not found: these tests need Debian's redis-server (apt-get install -y redis-server; .ci/run installs it)");
  return path;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startRedis(opts: { password?: string } = {}): Promise<TestRedis> {
  const bin = redisServerPath();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'chaosgrad-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'];
  if (opts.password) args.push('--requirepass', opts.password);
  const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`redis-server did not start on port ${port}: ${log}`)), 10_000);
    const check = () => {
      if (/Ready to accept connections/.test(log)) {
        clearTimeout(t);
        resolve();
      } else setTimeout(check, 20);
    };
    proc.on('exit', (code) => reject(new Error(`redis-server exited ${code}: ${log}`)));
    check();
  });
  let stopped = false;
  return {
    port,
    pid: proc.pid!,
    password: opts.password ?? null,
    url: `redis://${opts.password ? `default:${opts.password}@` : ''}127.0.0.1:${port}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A `chaosgrad worker` process with its log lines. */
export interface TestWorker {
  proc: ChildProcess;
  log(): string;
  /** resolves when a log line written after character `from` of the log matches */
  waitFor(pattern: RegExp, timeoutMs?: number, from?: number): Promise<string>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function startWorkerProcess(url: string, extra: string[] = []): TestWorker {
  const proc = spawn(process.execPath, [CLI, 'worker', '--redis', url, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  proc.stdout!.on('data', (d: Buffer) => (text += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return {
    proc,
    log: () => text,
    waitFor(pattern, timeoutMs = 20_000, from = 0) {
      return new Promise((resolve, reject) => {
        const t0 = Date.now();
        const check = () => {
          const m = text.slice(from).split('\n').find((l) => pattern.test(l));
          if (m) resolve(m);
          else if (Date.now() - t0 > timeoutMs) reject(new Error(`worker log never matched ${pattern}:\n${text}`));
          else if (proc.exitCode !== null) reject(new Error(`worker exited ${proc.exitCode}:\n${text}`));
          else setTimeout(check, 25);
        };
        check();
      });
    },
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      await exited;
    },
  };
}

/** Runs the CLI asynchronously (workers run meanwhile); resolves with exit code, output and seconds. */
export function runCliAsync(args: string[], env: NodeJS.ProcessEnv = {}): { proc: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; seconds: number }> } {
  const t0 = Date.now();
  const proc = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stdout = '', stderr = '';
  proc.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; seconds: number }>((resolve) =>
    proc.once('close', (code, signal) => setImmediate(() => resolve({ code, signal, stdout, stderr, seconds: (Date.now() - t0) / 1000 }))),
  );
  return { proc, done };
}
