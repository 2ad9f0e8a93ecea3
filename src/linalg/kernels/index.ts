import { jsKernels } from './js.js';
import type { Kernels } from './types.js';
import { loadWasmKernels } from './wasm.js';

export type { Kernels } from './types.js';
export { jsKernels, tanhKernel } from './js.js';
export { loadWasmKernels } from './wasm.js';

let active: Kernels | null = null;

/**
 * The kernels of this process: WebAssembly SIMD unless CHAOSGRAD_KERNELS=js (pure TypeScript).
 * CHAOSGRAD_KERNELS=wasm makes a missing or unloadable .wasm an error; unset, it falls back to the
 * pure-TS path with one warning on stderr (the numbers are the same, only slower).
 */
export function kernels(): Kernels {
  if (active === null) active = selectKernels(process.env.CHAOSGRAD_KERNELS);
  return active;
}

export function selectKernels(choice: string | undefined): Kernels {
  if (choice === 'js') return jsKernels;
  if (choice !== undefined && choice !== '' && choice !== 'wasm') throw new Error(`CHAOSGRAD_KERNELS must be 'wasm' or 'js', got '${choice}'`);
  try {
    return loadWasmKernels();
  } catch (e) {
    if (choice === 'wasm') throw e;
    process.emitWarning(`chaosgrad: WebAssembly kernels unavailable (${(e as Error).message}); using the pure-TS kernels`);
    return jsKernels;
  }
}
