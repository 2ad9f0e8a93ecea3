import { UsageError } from '../errors/index.js';
import type { WeightArrays } from './options.js';

/**
 * A small reader/writer of the safetensors format (what PyTorch users export): an 8-byte
 * little-endian header length N, N bytes of JSON {name: {dtype, shape, data_offsets: [begin, end]}}
 * (plus an optional "__metadata__" of strings), then the little-endian tensor bytes.
 * Only float tensors are read (F64, F32); tensors are written as F64 (or F32 on request).
 */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

const BYTES: Record<string, number> = { F64: 8, F32: 4 };

function bad(msg: string): never {
  throw new UsageError(`safetensors: ${msg}`);
}

/** Decodes a safetensors buffer into float tensors by name. */
export function decodeSafetensors(bytes: Uint8Array): Record<string, Tensor> {
  if (bytes.length < 8) bad(`file too short (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (!(n >= 2 && 8 + n <= bytes.length)) bad(`header length ${n} does not fit in ${bytes.length} bytes`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
  } catch (e) {
    bad(`header is not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
  const start = 8 + n;
  const out: Record<string, Tensor> = {};
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const t = info as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const width = BYTES[String(t.dtype)];
    if (!width) bad(`tensor ${name} has dtype ${String(t.dtype)} (readable: F64, F32)`);
    if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isInteger(d) && d >= 0)) bad(`tensor ${name} has a malformed shape`);
    const shape = t.shape as number[];
    const count = shape.reduce((a, b) => a * b, 1);
    const off = t.data_offsets as number[];
    if (!Array.isArray(off) || off.length !== 2 || !(off[0] >= 0 && off[1] - off[0] === count * width && start + off[1] <= bytes.length)) {
      bad(`tensor ${name}: data_offsets ${JSON.stringify(off)} do not hold ${count} ${String(t.dtype)} values`);
    }
    const data = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const at = start + off[0] + i * width;
      data[i] = width === 8 ? view.getFloat64(at, true) : view.getFloat32(at, true);
    }
    out[name] = { shape, data };
  }
  return out;
}

/** Encodes tensors (in the given order) as safetensors; F32 rounds each value to single precision. */
export function encodeSafetensors(tensors: Record<string, Tensor>, dtype: 'F64' | 'F32' = 'F64'): Uint8Array {
  const width = BYTES[dtype];
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + t.data.length * width] };
    offset += t.data.length * width;
  }
  let json = JSON.stringify(header);
  // pad the header with spaces so the data starts 8-byte aligned (as the reference writer does)
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const bytes = new Uint8Array(8 + head.length + offset);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(head.length), true);
  bytes.set(head, 8);
  let at = 8 + head.length;
  for (const t of Object.values(tensors)) {
    for (const v of t.data) {
      if (width === 8) view.setFloat64(at, v, true);
      else view.setFloat32(at, v, true);
      at += width;
    }
  }
  return bytes;
}

/** Tensors as weight arrays (matrices as rows); tensors of rank > 2 are refused, naming them. */
export function tensorsToWeights(tensors: Record<string, Tensor>): WeightArrays {
  const out: WeightArrays = {};
  for (const [name, t] of Object.entries(tensors)) {
    if (t.shape.length > 2) bad(`tensor ${name} has rank ${t.shape.length} (shape ${t.shape.join('×')}); parameters are vectors or matrices`);
    const flat = Array.from(t.data);
    out[name] = t.shape.length === 2 ? Array.from({ length: t.shape[0] }, (_, i) => flat.slice(i * t.shape[1], (i + 1) * t.shape[1])) : flat;
  }
  return out;
}

/** Weight arrays as tensors (rows → a matrix). */
export function weightsToTensors(w: WeightArrays): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [name, v] of Object.entries(w)) {
    const rows = v.length > 0 && Array.isArray(v[0]);
    const data = Float64Array.from(rows ? (v as number[][]).flat() : (v as number[]));
    out[name] = { shape: rows ? [v.length, (v[0] as number[]).length] : [v.length], data };
  }
  return out;
}
