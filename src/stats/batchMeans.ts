/**
 * Batch-means standard error of a time average. Successive samples of a chaotic orbit are
 * correlated, so the naive sd/√N underestimates the error; averaging over contiguous batches
 * much longer than the correlation time gives nearly independent batch means.
 */
export class BatchMeans {
  private readonly batchSums: Float64Array;
  private count = 0;
  /** batch of the next sample, min(batches − 1, ⌊count·batches/total⌋), kept incrementally (push is per step in hot loops) */
  private batch = 0;

  /** @param total number of samples that will be pushed; @param batches number of batches */
  constructor(readonly width: number, readonly total: number, readonly batches = 32) {
    this.batchSums = new Float64Array(batches * width);
  }

  /** Adds one sample (a vector of `width` values). */
  push(values: ArrayLike<number>): void {
    this.settle();
    const off = this.batch * this.width;
    for (let i = 0; i < this.width; i++) this.batchSums[off + i] += values[i];
    this.count++;
  }

  /** Moves `batch` to the batch of the next sample (the ⌊count·batches/total⌋ rule). */
  private settle(): void {
    // ⌊count·batches/total⌋ ≥ b + 1 exactly when count·batches ≥ (b + 1)·total (integers below 2⁵³)
    while (this.batch < this.batches - 1 && this.count * this.batches >= (this.batch + 1) * this.total) this.batch++;
  }

  /**
   * How many of the next samples go to the same batch as the next one (Infinity in the last batch):
   * a block of at most this many samples can be added at once by `pushSum`.
   */
  roomInBatch(): number {
    this.settle();
    if (this.batch === this.batches - 1) return Infinity;
    return this.start(this.batch + 1) - this.count;
  }

  /**
   * Adds the sum of `count` samples (a vector of `width` values) at once, as `count` pushes would
   * up to summation order. The block must not cross a batch boundary (count ≤ roomInBatch()):
   * the samples of one batch are summed in any grouping, those of two batches never mix.
   */
  pushSum(sum: ArrayLike<number>, count: number): void {
    if (count < 1 || count > this.roomInBatch()) throw new Error(`BatchMeans.pushSum: a block of ${count} samples does not fit in the current batch (room ${this.roomInBatch()})`);
    const off = this.batch * this.width;
    for (let i = 0; i < this.width; i++) this.batchSums[off + i] += sum[i];
    this.count += count;
  }

  get samples(): number {
    return this.count;
  }

  mean(): Float64Array {
    const m = new Float64Array(this.width);
    for (let b = 0; b < this.batches; b++) for (let i = 0; i < this.width; i++) m[i] += this.batchSums[b * this.width + i];
    for (let i = 0; i < this.width; i++) m[i] /= this.count;
    return m;
  }

  /** The mean of each non-empty batch: nearly independent samples, e.g. for the error of a combination. */
  batchRows(): Float64Array[] {
    const sizes = this.sizes();
    const rows: Float64Array[] = [];
    for (let b = 0; b < this.batches; b++) {
      if (sizes[b] === 0) continue;
      rows.push(this.batchSums.slice(b * this.width, (b + 1) * this.width).map((v) => v / sizes[b]));
    }
    return rows;
  }

  /**
   * Samples per batch: sample k went to batch min(batches − 1, ⌊k·batches/total⌋), so batch b starts
   * at the first k with k·batches ≥ b·total (counted from the boundaries, not sample by sample).
   */
  private sizes(): Float64Array {
    const B = this.batches, sizes = new Float64Array(B);
    const seen = (b: number): number => Math.min(this.start(b), this.count);
    for (let b = 0; b < B; b++) sizes[b] = (b === B - 1 ? this.count : seen(b + 1)) - seen(b);
    return sizes;
  }

  /** The first sample of batch b: the least k with k·batches ≥ b·total. */
  private start(b: number): number {
    const B = this.batches, T = this.total;
    let k = Math.ceil((b * T) / B);
    while (k > 0 && (k - 1) * B >= b * T) k--;
    while (k * B < b * T) k++;
    return k;
  }

  /** Standard error of the mean; NaN-free: 0 batches of data give Infinity. */
  stderr(): Float64Array {
    const se = new Float64Array(this.width);
    const used = Math.min(this.batches, this.count);
    if (used < 2) return se.fill(Infinity);
    const sizes = this.sizes();
    const mean = this.mean();
    let nb = 0;
    for (let b = 0; b < this.batches; b++) if (sizes[b] > 0) nb++;
    for (let i = 0; i < this.width; i++) {
      let ss = 0;
      for (let b = 0; b < this.batches; b++) {
        if (sizes[b] === 0) continue;
        const d = this.batchSums[b * this.width + i] / sizes[b] - mean[i];
        ss += d * d;
      }
      se[i] = Math.sqrt(ss / (nb - 1) / nb);
    }
    return se;
  }
}

/** Mean and standard error of independent samples (rows of equal width). */
export function meanAndStderr(samples: readonly ArrayLike<number>[]): { mean: Float64Array; stderr: Float64Array } {
  const n = samples.length;
  const w = n > 0 ? samples[0].length : 0;
  const mean = new Float64Array(w);
  const stderr = new Float64Array(w);
  for (const s of samples) for (let i = 0; i < w; i++) mean[i] += s[i] / n;
  if (n < 2) return { mean, stderr: stderr.fill(n === 1 ? Infinity : NaN) };
  for (const s of samples) for (let i = 0; i < w; i++) stderr[i] += (s[i] - mean[i]) ** 2;
  for (let i = 0; i < w; i++) stderr[i] = Math.sqrt(stderr[i] / (n - 1) / n);
  return { mean, stderr };
}
