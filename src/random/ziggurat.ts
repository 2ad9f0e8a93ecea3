// Tables for the 128-layer normal ziggurat (Marsaglia & Tsang 2000, layout after Doornik's ZIGNOR).
// Layer i ≥ 1 is the rectangle [0, X[i]] × [f(X[i]), f(X[i+1])] with f(x) = exp(−x²/2); layer 0 is
// the base strip [0, r] × [0, f(r)] plus the tail beyond r, given the pseudo-width V / f(r).
// All layers have area V, so picking a layer uniformly and then a point in it is exact.

export const ZIG_LAYERS = 128;
/** Start of the tail. */
export const ZIG_R = 3.442619855899;
/** Common area of every layer. */
const ZIG_V = 9.91256303526217e-3;

function density(x: number): number {
  return Math.exp(-0.5 * x * x);
}

/** Layer right edges, X[0] > X[1] = r > … > X[128] = 0. */
export const ZIG_X = new Float64Array(ZIG_LAYERS + 1);
/** f at the layer edges, increasing up to F[128] = 1. */
export const ZIG_F = new Float64Array(ZIG_LAYERS + 1);
/** X[i+1] / X[i]: below this fraction a point is certainly under the curve. */
export const ZIG_RATIO = new Float64Array(ZIG_LAYERS);

ZIG_X[0] = ZIG_V / density(ZIG_R);
ZIG_X[1] = ZIG_R;
for (let i = 1; i < ZIG_LAYERS - 1; i++) {
  ZIG_X[i + 1] = Math.sqrt(-2 * Math.log(ZIG_V / ZIG_X[i] + density(ZIG_X[i])));
}
ZIG_X[ZIG_LAYERS] = 0;
for (let i = 0; i <= ZIG_LAYERS; i++) ZIG_F[i] = density(ZIG_X[i]);
for (let i = 0; i < ZIG_LAYERS; i++) ZIG_RATIO[i] = ZIG_X[i + 1] / ZIG_X[i];

/** The tables as one value (for the lane-normal kernels of linalg, which cannot import random). */
export const ZIGGURAT = { x: ZIG_X, f: ZIG_F, ratio: ZIG_RATIO, r: ZIG_R } as const;
