import assert from 'node:assert/strict';
import { parseArgs } from 'node:util';
import { describe, it } from 'node:test';
import { COMMANDS } from '../../src/cli/commands/all.js';
import { commandHelp, commandOptions } from '../../src/cli/help.js';
import { optionsInHelp, parserOptions } from '../../src/cli/options.js';
import { expectUsage, runCli } from '../helpers/cli.js';

/** Every option name the parser accepts for a command: each one is fed to parseArgs and must parse. */
function parserAccepts(name: string): string[] {
  const c = COMMANDS.find((k) => k.name === name)!;
  const options = parserOptions(commandOptions(c));
  return Object.keys(options).filter((o) => {
    const args = options[o].type === 'string' ? [`--${o}`, '1'] : [`--${o}`];
    try {
      parseArgs({ args, options, strict: true, allowPositionals: true });
      return true;
    } catch {
      return false;
    }
  });
}

describe('help is generated from the declarations the parser uses', () => {
  it('the CLI prints exactly the generated help (checked on two commands; the rest in process)', () => {
    for (const name of ['grad', 'train']) {
      const r = runCli([name, '--help']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trimEnd(), commandHelp(COMMANDS.find((c) => c.name === name)!));
    }
  });

  for (const c of COMMANDS) {
    it(`${c.name} --help lists exactly the options the parser accepts, each with a description`, () => {
      const help = commandHelp(c);
      const listed = optionsInHelp(help).sort();
      assert.deepEqual(listed, parserAccepts(c.name).sort());
      for (const [name, d] of Object.entries(commandOptions(c))) {
        assert.ok(d.description && d.description.length > 5, `--${name} of ${c.name} has no description`);
      }
      assert.doesNotMatch(help, /undocumented/);
    });
  }

  it('help shows defaults, units, ranges and valid values next to the description', () => {
    const help = runCli(['grad', '--help']).stdout;
    assert.match(help, /--samples N\s+samples of the finite-horizon expectation.*default 1000/);
    assert.match(help, /--split pathkernel\|shadowing .*one of pathkernel, shadowing; default pathkernel/);
    assert.match(help, /^method options \(--method nilsas\):$/m);
    assert.match(help, /^system options:$/m);
    assert.match(help, /^output options:$/m);
  });

  it('systems <name> lists the parameters with defaults and the observables', () => {
    const r = runCli(['systems', 'lorenz63']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^rho\s+1\s+28\s+Rayleigh number/m);
    assert.match(r.stdout, /observables .*: mean, meansq, .*z/);
    expectUsage(['systems', 'lorenz64'], /unknown system 'lorenz64' \(valid: /);
  });

  it('--version prints the package version; no arguments prints usage on stderr with exit 2', () => {
    const v = runCli(['--version']);
    assert.equal(v.code, 0);
    assert.match(v.stdout, /^chaosgrad \d+\.\d+\.\d+\n$/);
    const none = runCli([]);
    assert.equal(none.code, 2);
    assert.equal(none.stdout, '');
    assert.match(none.stderr, /usage: chaosgrad <command>/);
  });

  it('an unknown option is answered with the nearest valid one', () => {
    expectUsage(['simulate', 'henon', '--stpes', '3'], /Unknown option '--stpes' \(did you mean '--steps'\?\)/);
    expectUsage(['train', '--config', 'x.json', '--overwrit'], /did you mean '--overwrite'\?/);
    expectUsage(['grad', 'henon', '--method', 'fd', '--batchs', '3'], /did you mean '--batches'\?/);
  });

  it('declared kinds and choices are checked before a command runs', () => {
    expectUsage(['grad', 'henon', '--method', 'kernel', '--noise', '0.1', '--window', '2.5'], /--window must be an integer/);
    expectUsage(['ftle', 'ni9', '--method', 'svd'], /unknown --method 'svd' \(valid: full, power\)/);
  });
});
