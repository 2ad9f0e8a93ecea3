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

/** Pushes `values` in blocks of at most `maxBlock` samples, never across a batch boundary, by pushSum. */
function pushInBlocks(bm: BatchMeans, values: number[][], maxBlock: number): number[] {
  const blocks: number[] = [];
  let k = 0;
  while (k < values.length) {
    const len = Math.min(maxBlock, bm.roomInBatch(), values.length - k);
    const sum = new Array(bm.width).fill(0);
    for (let j = k; j < k + len; j++) for (let i = 0; i < bm.width; i++) sum[i] += values[j][i];
    bm.pushSum(sum, len);
    blocks.push(len);
    k += len;
  }
  return blocks;
}

test('BatchMeans.pushSum: blocks within batches give the per-sample pushes\' batches (bitwise on integers, 1e-14 on reals)', () => {
  for (const [total, batches, pushed, maxBlock] of [[1000, 32, 1000, 64], [997, 32, 997, 5], [10, 32, 10, 3], [7, 3, 7, 100], [100, 7, 60, 8], [50, 4, 80, 16], [1, 1, 1, 4], [33, 32, 33, 2], [4000, 32, 4000, 32]]) {
    for (const integer of [true, false]) {
      const values = Array.from({ length: pushed }, (_, k) => (integer ? [k % 17 - 8, (k * 7) % 5] : [Math.sin(k * 1.3) + k * 1e-3, Math.cos(k)]));
      const one = new BatchMeans(2, total, batches), blk = new BatchMeans(2, total, batches);
      for (const v of values) one.push(v);
      const blocks = pushInBlocks(blk, values, maxBlock);
      assert.ok(blocks.every((b) => b >= 1 && b <= maxBlock));
      assert.equal(blk.samples, pushed);
      const r1 = one.batchRows(), r2 = blk.batchRows();
      assert.equal(r2.length, r1.length, `total ${total}, batches ${batches}: same non-empty batches`);
      const close = (a: number, b: number): boolean => a === b || (!integer && Math.abs(a - b) <= 1e-14 * Math.max(1, Math.abs(a)));
      r1.forEach((row, b) => row.forEach((v, i) => assert.ok(close(r2[b][i], v), `batch ${b}[${i}]: ${r2[b][i]} vs ${v}`)));
      one.stderr().forEach((v, i) => assert.ok(close(blk.stderr()[i], v) || Math.abs(blk.stderr()[i] - v) <= 1e-12 * v, `stderr[${i}]: ${blk.stderr()[i]} vs ${v} (integer ${integer})`));
      one.mean().forEach((v, i) => assert.ok(close(blk.mean()[i], v)));
    }
  }
});

test('BatchMeans.pushSum: a block crossing a batch boundary is refused', () => {
  const bm = new BatchMeans(1, 100, 10);
  assert.equal(bm.roomInBatch(), 10);
  bm.pushSum([3], 4);
  assert.equal(bm.roomInBatch(), 6);
  assert.throws(() => bm.pushSum([1], 7), /does not fit/);
  assert.throws(() => bm.pushSum([1], 0), /does not fit/);
  bm.pushSum([1], 6);
  assert.equal(bm.roomInBatch(), 10);
  for (let k = 0; k < 80; k++) bm.push([0]);
  assert.equal(bm.roomInBatch(), Infinity); // the last batch takes every further sample
});
