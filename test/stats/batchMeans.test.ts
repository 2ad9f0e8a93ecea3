import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchMeans } from '../../src/stats/index.js';

/** The batch means as first written: batch ⌊k·batches/total⌋ (capped) computed per sample by division. */
function reference(values: number[], total: number, batches: number): { sums: number[]; sizes: number[] } {
  const sums = new Array(batches).fill(0), sizes = new Array(batches).fill(0);
  values.forEach((v, k) => {
    const b = Math.min(batches - 1, Math.floor((k * batches) / total));
    sums[b] += v;
    sizes[b]++;
  });
  return { sums, sizes };
}

test('BatchMeans: incremental batch index and boundary-counted sizes give the per-sample division\'s batches, bit for bit', () => {
  // totals that divide and do not divide by the batches, fewer and more samples than declared
  for (const [total, batches, pushed] of [[1000, 32, 1000], [997, 32, 997], [10, 32, 10], [7, 3, 7], [100, 7, 60], [50, 4, 80], [1, 1, 1], [33, 32, 33]]) {
    const values = Array.from({ length: pushed }, (_, k) => Math.sin(k * 1.3) + k * 1e-3);
    const bm = new BatchMeans(1, total, batches);
    for (const v of values) bm.push([v]);
    const ref = reference(values, total, batches);
    const rows = bm.batchRows();
    const expected = ref.sums.map((s, b) => (ref.sizes[b] > 0 ? s / ref.sizes[b] : null)).filter((v): v is number => v !== null);
    assert.deepEqual(rows.map((r) => r[0]), expected, `total ${total}, batches ${batches}, pushed ${pushed}`);
    const mean = ref.sums.reduce((a, b) => a + b, 0) / pushed;
    assert.equal(bm.mean()[0], mean);
    // the stderr from the same batches
    const nb = expected.length;
    const m = bm.mean()[0];
    let ss = 0;
    for (const e of expected) ss += (e - m) * (e - m);
    assert.equal(bm.stderr()[0], nb < 2 ? Infinity : Math.sqrt(ss / (nb - 1) / nb));
  }
});
