import assert from "node:assert/strict";
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Path of the built CLI (tests run from dist/test/…). */
export const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { timeout?: number; cwd?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: opts.timeout ?? 120000, cwd: opts.cwd });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs with --json and parses the one JSON object on stdout. */
export function runJson(args: string[]): Record<string, any> {
  const r = runCli([...args, '--json']);
  if (r.code !== 0) throw new Error(`chaosgrad ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  if (lines.length !== 1) throw new Error(`expected exactly one JSON line, got ${lines.length}`);
  return JSON.parse(lines[0]);
}

/** Asserts the usage-error contract: exit 2, nothing on stdout, one line `chaosgrad: error: …` matching `pattern`. */
export function expectUsage(args: string[], pattern: RegExp): void {
  const r = runCli(args);
  assert.equal(r.code, 2, `exit code for ${args.join(' ')}: ${r.code} (${r.stderr})`);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line expected: ${r.stderr}`);
  assert.match(lines[0], /^chaosgrad: error: /);
  assert.match(lines[0], pattern);
}
