import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import reporter from './reporter.js';

async function* events(list: { type: string; data: Record<string, unknown> }[]) {
  for (const e of list) yield e as never;
}

describe('test reporter', () => {
  it('lists failures with their path and ends with node\'s counts and one summary line', async () => {
    const out: string[] = [];
    const err = Object.assign(new Error('test failed'), { cause: new Error('expected 1, got 2') });
    for await (const s of reporter(events([
      { type: 'test:start', data: { name: 'suite A', nesting: 0 } },
      { type: 'test:start', data: { name: 'case 1', nesting: 1 } },
      { type: 'test:fail', data: { name: 'case 1', nesting: 1, file: 'a.test.js', line: 3, details: { duration_ms: 5, error: err } } },
      { type: 'test:fail', data: { name: 'suite A', nesting: 0, details: { duration_ms: 6, type: 'suite', error: new Error('1 subtest failed') } } },
      ...['tests 3', 'suites 1', 'pass 2', 'fail 1', 'cancelled 0', 'skipped 0', 'todo 0', 'duration_ms 1500'].map((message) => ({ type: 'test:diagnostic', data: { name: '', nesting: 0, message } })),
    ]))) out.push(s);
    const text = out.join('');
    assert.match(text, /^✖ suite A \(0\.0 s\)$/m);
    assert.match(text, /✖ suite A › case 1 \(a\.test\.js:3\)\n {4}expected 1, got 2/);
    assert.match(text, /ℹ pass 2\nℹ fail 1\n/);
    const lines = text.trimEnd().split('\n');
    assert.equal(lines.at(-2), '3 tests in 1.5 s (0 cancelled, 0 todo)');
    assert.equal(lines.at(-1), 'tests: 2 passed, 1 failed, 0 skipped');
  });

  it('counts cancelled tests as failed in the summary line', async () => {
    const out: string[] = [];
    const closing = ['tests 2', 'pass 1', 'fail 0', 'cancelled 1', 'skipped 0'];
    for await (const s of reporter(events(closing.map((message) => ({ type: 'test:diagnostic', data: { name: '', nesting: 0, message } }))))) out.push(s);
    assert.equal(out.join('').trimEnd().split('\n').at(-1), 'tests: 1 passed, 1 failed, 0 skipped');
  });
});
