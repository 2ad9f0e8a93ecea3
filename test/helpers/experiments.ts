/** A run's data without its timings (the only part a seed does not fix). */
export function withoutTimes(d: unknown): unknown {
  return JSON.parse(JSON.stringify(d, (k, v) => (['seconds', 'gradientSeconds', 'cpuSeconds'].includes(k) ? undefined : v)));
}
