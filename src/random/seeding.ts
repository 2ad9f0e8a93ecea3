// SplitMix64 finaliser in BigInt: only used when a generator is created or split, never per draw,
// and exact 64-bit arithmetic lets a full 53-bit seed influence all 128 bits of state.

const MASK64 = (1n << 64n) - 1n;
const GOLDEN64 = 0x9e3779b97f4a7c15n;
// Separates the key space of split() from that of plain seeds.
const SPLIT_DOMAIN = 0x6a09e667f3bcc909n;

export function mix64(z: bigint): bigint {
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

export function checkSeed(what: string, seed: unknown): asserts seed is number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
    throw new Error(`${what} must be a non-negative safe integer, got ${String(seed)}`);
  }
}

/** The first two SplitMix64 outputs from `seed`, as four int32 words (never all zero: mix64 is a bijection). */
export function stateFromSeed(seed: number): [number, number, number, number] {
  const x = BigInt(seed);
  const a = mix64((x + GOLDEN64) & MASK64);
  const b = mix64((x + 2n * GOLDEN64) & MASK64);
  return [
    Number(BigInt.asIntN(32, a)),
    Number(BigInt.asIntN(32, a >> 32n)),
    Number(BigInt.asIntN(32, b)),
    Number(BigInt.asIntN(32, b >> 32n)),
  ];
}

/** A 53-bit seed for stream `stream` of `seed`; distinct streams hash distinct 64-bit keys. */
export function deriveSeed(seed: number, stream: number): number {
  const key = mix64((BigInt(seed) + SPLIT_DOMAIN) & MASK64);
  const h = mix64((key + (BigInt(stream) + 1n) * GOLDEN64) & MASK64);
  return Number(h >> 11n);
}
