// ns per draw of our Rng against pure-rand's xoroshiro128+ (its recommended generator, driven through
// the in-place `next()` and `uniformFloat64`, the fastest documented path in pure-rand 8).
import { pathToFileURL } from 'node:url';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { Rng } from '../src/random/index.js';

type PureRng = ReturnType<typeof xoroshiro128plus>;

const DRAWS = 10_000_000;
const WARMUP = 1_000_000;
const REPEATS = 5;

// Every loop gets its own function so each call site stays monomorphic for the JIT.
const loops = {
  oursUint32(r: Rng, n: number): number {
    let s = 0;
    for (let i = 0; i < n; i++) s += r.nextUint32();
    return s;
  },
  oursUniform(r: Rng, n: number): number {
    let s = 0;
    for (let i = 0; i < n; i++) s += r.uniform();
    return s;
  },
  oursNormal(r: Rng, n: number): number {
    let s = 0;
    for (let i = 0; i < n; i++) s += r.normal();
    return s;
  },
  oursNormalPolar(r: Rng, n: number): number {
    let s = 0;
    for (let i = 0; i < n; i++) s += r.normalPolar();
    return s;
  },
  pureInt32(g: PureRng, n: number): number {
    let s = 0;
    for (let i = 0; i < n; i++) s += g.next();
    return s;
  },
  pureUniform(g: PureRng, n: number): number {
    let s = 0;
    for (let i = 0; i < n; i++) s += uniformFloat64(g);
    return s;
  },
  pureNormal(g: PureRng, n: number): number {
    // pure-rand has no normal sampler: polar Box–Muller on its uniforms, as a user would write it.
    let s = 0;
    let spare = 0;
    let hasSpare = false;
    for (let i = 0; i < n; i++) {
      if (hasSpare) {
        hasSpare = false;
        s += spare;
        continue;
      }
      let u: number;
      let v: number;
      let q: number;
      do {
        u = 2 * uniformFloat64(g) - 1;
        v = 2 * uniformFloat64(g) - 1;
        q = u * u + v * v;
      } while (q >= 1 || q === 0);
      const f = Math.sqrt((-2 * Math.log(q)) / q);
      spare = v * f;
      hasSpare = true;
      s += u * f;
    }
    return s;
  },
};

/** Keeps the sums observable so the loops cannot be optimised away. */
export let benchSink = 0;

function nsPerDraw<G>(loop: (g: G, n: number) => number, make: () => G): number {
  const g = make();
  benchSink += loop(g, WARMUP);
  let best = Infinity;
  for (let rep = 0; rep < REPEATS; rep++) {
    const t0 = process.hrtime.bigint();
    benchSink += loop(g, DRAWS);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / DRAWS);
  }
  return best;
}

/** Best-of-5 ns per draw over 1e7 draws after a 1e6-draw warm-up; ratios are pure-rand / ours. */
export async function benchRandom(): Promise<Record<string, number>> {
  const ours = () => new Rng(20240601);
  const pure = () => xoroshiro128plus(20240601);
  const r: Record<string, number> = {
    'ours.uint32': nsPerDraw(loops.oursUint32, ours),
    'ours.uniform': nsPerDraw(loops.oursUniform, ours),
    'ours.normal': nsPerDraw(loops.oursNormal, ours),
    'ours.normalPolar': nsPerDraw(loops.oursNormalPolar, ours),
    'pureRand.int32': nsPerDraw(loops.pureInt32, pure),
    'pureRand.uniform': nsPerDraw(loops.pureUniform, pure),
    'pureRand.normalPolar': nsPerDraw(loops.pureNormal, pure),
  };
  r['ratio.uniform'] = r['pureRand.uniform'] / r['ours.uniform'];
  r['ratio.normal'] = r['pureRand.normalPolar'] / r['ours.normal'];
  printTable(r);
  return r;
}

function printTable(r: Record<string, number>): void {
  const row = (name: string, oursKey: string, pureKey: string) => {
    const a = r[oursKey];
    const b = r[pureKey];
    return `${name.padEnd(26)}${a.toFixed(2).padStart(10)}${b.toFixed(2).padStart(12)}${(b / a).toFixed(2).padStart(9)}`;
  };
  console.log(`${'ns per draw'.padEnd(26)}${'chaosgrad'.padStart(10)}${'pure-rand'.padStart(12)}${'ratio'.padStart(9)}`);
  console.log(row('raw 32-bit output', 'ours.uint32', 'pureRand.int32'));
  console.log(row('uniform [0,1), 53 bits', 'ours.uniform', 'pureRand.uniform'));
  console.log(row('normal (ziggurat vs polar)', 'ours.normal', 'pureRand.normalPolar'));
  console.log(row('normal (polar vs polar)', 'ours.normalPolar', 'pureRand.normalPolar'));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchRandom();
}

/** The harness entry (bench/run.ts): ns per draw and the ratio against pure-rand. */
export async function bench(): Promise<import('./types.js').BenchRow[]> {
  const r = await benchRandom();
  return Object.entries(r).map(([name, value]) => ({ name: `random: ${name}`, value, unit: name.includes('ratio') ? 'x' : 'ns/draw' }));
}
