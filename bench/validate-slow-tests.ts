import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** Every `*.slow.test.js` under dist/test: end-to-end cases too long for `npm test` (minutes). */
function slowTests(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...slowTests(path));
    else if (name.endsWith('.slow.test.js')) out.push(path);
  }
  return out.sort();
}

/** Runs the slow tests with the summary reporter; a failure fails the validation. */
export async function validate(): Promise<string> {
  const root = fileURLToPath(new URL('../test', import.meta.url));
  const files = slowTests(root);
  const reporter = fileURLToPath(new URL('../test/reporter.js', import.meta.url));
  const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', `--test-reporter=${reporter}`, ...files], { encoding: 'utf8' });
  const summary = r.stdout.trim().split('\n').at(-1) ?? '';
  if (r.status !== 0) throw new Error(`slow tests failed:\n${r.stdout}\n${r.stderr}`);
  return [`Slow end-to-end tests (${files.length} files, moved out of \`npm test\` to keep it short):`, '', ...files.map((f) => `- ${f.slice(root.length + 1)}`), '', `Result: ${summary}`].join('\n');
}
