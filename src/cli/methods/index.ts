import { kernelMethod } from './kernel.js';
import type { MethodAdapter } from './method.js';
import { bpttMethod } from './bptt.js';
import { fdMethod } from './fd.js';
import { hybridMethod } from './hybrid.js';
import { nilsasMethod } from './nilsas.js';

/** Every method the `grad` command offers; one line per method. */
export const METHODS: readonly MethodAdapter[] = [kernelMethod, bpttMethod, fdMethod, hybridMethod, nilsasMethod];
