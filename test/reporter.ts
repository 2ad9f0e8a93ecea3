/**
 * The test reporter of `npm test`: one line per test file's top-level suite, the full story of
 * each failure (name path, location, message, first stack lines), then node's closing counts and
 * one summary line 'tests: N passed, N failed, N skipped'. Used as --test-reporter=./dist/test/reporter.js.
 */
interface TestEventData {
  name: string;
  nesting: number;
  file?: string;
  line?: number;
  column?: number;
  message?: string;
  details?: { duration_ms?: number; error?: Error & { cause?: unknown }; type?: string };
}

interface TestEvent {
  type: string;
  data: TestEventData;
}

function errorText(e: (Error & { cause?: unknown }) | undefined): string {
  if (!e) return '';
  const inner = e.cause instanceof Error ? e.cause : e;
  const stack = (inner.stack ?? '').split('\n').slice(1, 5).map((l) => `      ${l.trim()}`).join('\n');
  return `    ${String(inner.message).split('\n').join('\n    ')}${stack ? `\n${stack}` : ''}`;
}

export default async function* reporter(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  const counts: Record<string, number> = {};
  const path: string[] = [];
  const failures: string[] = [];
  for await (const event of source) {
    const d = event.data;
    if (event.type === 'test:start') {
      path.length = d.nesting;
      path[d.nesting] = d.name;
    } else if (event.type === 'test:pass' || event.type === 'test:fail') {
      path.length = d.nesting + 1;
      path[d.nesting] = d.name;
      const ms = d.details?.duration_ms ?? 0;
      const failed = event.type === 'test:fail';
      const leaf = d.details?.type !== 'suite';
      if (failed && leaf) {
        const where = d.file ? ` (${d.file}${d.line ? `:${d.line}` : ''})` : '';
        failures.push(`✖ ${path.join(' › ')}${where}\n${errorText(d.details?.error)}`);
      }
      if (d.nesting === 0) yield `${failed ? '✖' : '✔'} ${d.name} (${(ms / 1000).toFixed(1)} s)\n`;
    } else if (event.type === 'test:diagnostic' && d.nesting === 0 && d.message) {
      // node's closing lines: 'tests 410', 'pass 400', 'fail 9', 'duration_ms 300000', …
      const m = /^(\w+) ([\d.]+)$/.exec(d.message);
      if (m) counts[m[1]] = Number(m[2]);
      else yield `ℹ ${d.message}\n`;
    } else if (event.type === 'test:stderr' || event.type === 'test:stdout') {
      // output of a test file outside any test: shown, so that nothing is swallowed
      if (d.message && d.message.trim() !== '') yield d.message.endsWith('\n') ? d.message : `${d.message}\n`;
    }
  }
  if (failures.length > 0) yield `\nfailures:\n${failures.join('\n\n')}\n`;
  const n = (k: string) => counts[k] ?? 0;
  yield `\nℹ tests ${n('tests')}\nℹ suites ${n('suites')}\nℹ pass ${n('pass')}\nℹ fail ${n('fail')}\nℹ cancelled ${n('cancelled')}\nℹ skipped ${n('skipped')}\nℹ todo ${n('todo')}\nℹ duration_ms ${n('duration_ms')}\n`;
  yield `${n('tests')} tests in ${(n('duration_ms') / 1000).toFixed(1)} s (${n('cancelled')} cancelled, ${n('todo')} todo)\n`;
  // the last line in the plain form CI tools read ('N passed, N failed, N skipped'); a cancelled
  // test (a timeout, a file that crashed) counts as failed there
  yield `tests: ${n('pass')} passed, ${n('fail') + n('cancelled')} failed, ${n('skipped')} skipped\n`;
}
