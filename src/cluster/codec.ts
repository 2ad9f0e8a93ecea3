/**
 * Plain data ↔ JSON text, bit for bit. Jobs and their results travel through Redis as JSON, which
 * loses what worker threads' structured clone keeps: typed arrays, −0, NaN, ±Infinity, undefined.
 * Those are tagged ({"$t": "Float64Array", "b": base64 of the bytes}, {"$n": "-0"}, {"$u": 1}); a
 * key that itself starts with '$' gets one more '$'. Anything that is not plain data (functions,
 * class instances, Maps) is refused: a job carries data, never code.
 */
const TYPED = {
  Float64Array,
  Float32Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
} as const;
type TypedName = keyof typeof TYPED;

export class CodecError extends Error {
  override readonly name = 'CodecError';
}

function encodeValue(v: unknown, path: string): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v === undefined) return { $u: 1 };
  if (typeof v === 'number') {
    if (Number.isFinite(v) && !Object.is(v, -0)) return v; // JSON's shortest form reads back exactly
    return { $n: Object.is(v, -0) ? '-0' : String(v) };
  }
  if (Array.isArray(v)) return v.map((x, i) => encodeValue(x, `${path}[${i}]`));
  if (ArrayBuffer.isView(v)) {
    const name = v.constructor.name as TypedName;
    if (!(name in TYPED)) throw new CodecError(`${path}: ${name} is not plain data`);
    return { $t: name, b: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  }
  if (typeof v === 'object' && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k.startsWith('$') ? `$${k}` : k] = encodeValue(x, `${path}.${k}`);
    return out;
  }
  throw new CodecError(`${path}: a ${typeof v === 'object' ? (v.constructor?.name ?? 'object') : typeof v} is not plain data`);
}

function decodeValue(v: unknown, path: string): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x, i) => decodeValue(x, `${path}[${i}]`));
  const o = v as Record<string, unknown>;
  if ('$u' in o) return undefined;
  if ('$n' in o) {
    const n = o.$n === '-0' ? -0 : o.$n === 'NaN' ? NaN : o.$n === 'Infinity' ? Infinity : o.$n === '-Infinity' ? -Infinity : undefined;
    if (n === undefined) throw new CodecError(`${path}: bad number tag ${JSON.stringify(o.$n)}`);
    return n;
  }
  if ('$t' in o) {
    const name = o.$t as string;
    if (!Object.hasOwn(TYPED, name) || typeof o.b !== 'string') throw new CodecError(`${path}: bad typed-array tag`);
    const C = TYPED[name as TypedName];
    const bytes = Buffer.from(o.b, 'base64');
    if (bytes.length % C.BYTES_PER_ELEMENT !== 0) throw new CodecError(`${path}: ${name} of ${bytes.length} bytes`);
    const out = new C(bytes.length / C.BYTES_PER_ELEMENT);
    new Uint8Array(out.buffer).set(bytes);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) {
    if (k.startsWith('$') && !k.startsWith('$$')) throw new CodecError(`${path}: unknown tag '${k}'`);
    out[k.startsWith('$') ? k.slice(1) : k] = decodeValue(x, `${path}.${k}`);
  }
  return out;
}

export function encode(value: unknown): string {
  return JSON.stringify(encodeValue(value, '$'));
}

export function decode(text: string): unknown {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new CodecError(`not JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  return decodeValue(raw, '$');
}
