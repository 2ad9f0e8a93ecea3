/** One benchmark figure; ratios against an in-process baseline are preferred to raw times. */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  note?: string;
}
