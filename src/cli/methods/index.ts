import type { MethodAdapter } from './method.js';

/** Every method the `grad` command offers; one line per method. */
export const METHODS: readonly MethodAdapter[] = [];
