import { maxOf, minOf } from '../stats/index.js';
import { deflateSync } from 'node:zlib';
import { divergingColor } from './svg.js';

/**
 * Minimal PNG output (8-bit RGB, no dependency: node's zlib does the compression) for heatmaps.
 * The SVG heatmap carries axes and labels; the PNG is the bare field plus a colour bar, for
 * viewers and documents that take raster images only.
 */

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Encodes a width×height RGB image (rgb[3·(y·width + x) + c], top row first) as PNG bytes. */
export function encodePng(width: number, height: number, rgb: Uint8Array): Buffer {
  const raw = new Uint8Array(height * (1 + 3 * width));
  for (let y = 0; y < height; y++) {
    raw[y * (1 + 3 * width)] = 0; // filter: none
    raw.set(rgb.subarray(3 * y * width, 3 * (y + 1) * width), y * (1 + 3 * width) + 1);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

function parseRgb(css: string): [number, number, number] {
  const m = /rgb\((\d+),(\d+),(\d+)\)/.exec(css);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
}

/**
 * A heatmap of values[i][j] (row i from the bottom, column j from the left, as `heatmap` in svg.ts)
 * with the same blue–white–red scale and a colour bar on the right (low at the bottom).
 */
export function heatmapPng(values: number[][], o: { cell?: number; center?: number } = {}): Buffer {
  const ny = values.length, nx = values[0]?.length ?? 0;
  const cell = o.cell ?? Math.max(1, Math.floor(480 / Math.max(nx, ny)));
  const flat = values.flat().filter(Number.isFinite);
  let lo = minOf(flat), hi = maxOf(flat);
  if (o.center !== undefined) {
    const a = Math.max(Math.abs(lo - o.center), Math.abs(hi - o.center)) || 1;
    lo = o.center - a;
    hi = o.center + a;
  }
  if (!(hi > lo)) hi = lo + 1;
  const bar = 24, gap = 8;
  const width = nx * cell + gap + bar, height = ny * cell;
  const rgb = new Uint8Array(3 * width * height).fill(255);
  const put = (x: number, y: number, c: [number, number, number]) => rgb.set(c, 3 * (y * width + x));
  for (let i = 0; i < ny; i++) {
    for (let j = 0; j < nx; j++) {
      const v = values[i][j];
      const c: [number, number, number] = Number.isFinite(v) ? parseRgb(divergingColor((v - lo) / (hi - lo))) : [0, 0, 0];
      const top = (ny - 1 - i) * cell;
      for (let dy = 0; dy < cell; dy++) for (let dx = 0; dx < cell; dx++) put(j * cell + dx, top + dy, c);
    }
  }
  for (let y = 0; y < height; y++) {
    const c = parseRgb(divergingColor(1 - (y + 0.5) / height));
    for (let x = 0; x < bar; x++) put(nx * cell + gap + x, y, c);
  }
  return encodePng(width, height, rgb);
}
