import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { COMMAND_NAMES, loadCommand, loadCommands } from '../../src/cli/commands/index.js';
import { runCli } from '../helpers/cli.js';

test('the lazy command table loads every command file, each under its own name, and nothing else', async () => {
  const dir = fileURLToPath(new URL('../../src/cli/commands/', import.meta.url));
  const files = readdirSync(dir).filter((f) => f.endsWith('.js') && f !== 'index.js' && f !== 'all.js').map((f) => f.slice(0, -3));
  assert.deepEqual([...COMMAND_NAMES].sort(), files.sort());
  const loaded = await loadCommands();
  assert.deepEqual(loaded.map((c) => c.name), COMMAND_NAMES);
  for (const name of COMMAND_NAMES) assert.equal((await loadCommand(name))!.name, name);
  assert.equal(loadCommand('nope'), undefined);
  assert.equal(loadCommand('toString'), undefined); // an inherited property is not a command
});

test('top-level help lists every command with its summary (all loaded); an unknown command names them all', async () => {
  const r = runCli(['--help']);
  assert.equal(r.code, 0);
  for (const c of await loadCommands()) assert.ok(r.stdout.includes(`  ${c.name}`) && r.stdout.includes(c.summary), c.name);
  const u = runCli(['gradd']);
  assert.equal(u.code, 2);
  assert.match(u.stderr, new RegExp(`unknown command 'gradd' \\(valid: ${COMMAND_NAMES.join(', ')}\\)`));
});
