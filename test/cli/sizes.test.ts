import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkSizes, systemSize } from '../../src/cli/sizes.js';
import { UsageError } from '../../src/errors/index.js';
import { expectUsage } from '../helpers/cli.js';

const GiB = 2 ** 30;

describe('sizes checked against memory and a day of work before a run starts', () => {
  it('system size at --dim from the counts at small dims (rnn: W is n×n)', () => {
    assert.deepEqual(systemSize('rnn', 1000), { n: 1000, P: 1 + 1000 * 1000 + 1000 });
    assert.deepEqual(systemSize('henon', undefined), { n: 2, P: 2 });
    assert.equal(systemSize('lorenz96', 100000).n, 100000);
  });

  it('huge --dim, --samples, --repeats, --batches are refused naming the option and the memory', () => {
    // each of these ended as 'Invalid typed array length' or a V8 out-of-memory abort
    expectUsage(['simulate', 'rnn', '--dim', '1000000'], /^chaosgrad: error: --dim 1000000 would need about [\d.]+ (GiB|TiB) of memory, more than the [\d.]+ GiB available$/);
    expectUsage(['grad', 'henon', '--method', 'bptt', '--repeats', '10000000000'], /--repeats 10000000000 would need about [\d.]+ (GiB|TiB) of memory/);
    expectUsage(['simulate', 'henon', '--batches', '100000000000'], /--batches 100000000000 would need about/);
    expectUsage(['grad', 'henon', '--method', 'kernel', '--noise', '0.1', '--horizon', '5', '--samples', '100000000000'], /--samples 100000000000 would need about/);
  });

  it('a run that cannot end in a day is refused naming --steps', () => {
    expectUsage(['simulate', 'henon', '--steps', '1e300'], /--steps 1e\+300 means about 4\.0e\+300 multiply-adds: more than a day/);
    expectUsage(['grad', 'rnn', '--dim', '1000', '--method', 'bptt', '--steps', '1000000000'], /--steps 1000000000 means about .* more than a day/);
  });

  it('ordinary sizes pass, with the memory this machine has or a small limit', () => {
    checkSizes({ dim: '256', steps: '1000000', repeats: '8' }, 'rnn');
    checkSizes({ samples: '100000', horizon: '50' }, 'henon', 1 * GiB);
    assert.throws(() => checkSizes({ samples: '100000000' }, 'henon', 1 * GiB), (e: Error) => e instanceof UsageError && /--samples 100000000 would need about [\d.]+ GiB of memory, more than the 1\.00 GiB available/.test(e.message));
  });
});
