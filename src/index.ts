/** chaosgrad's library entry point. */
export * from './errors/index.js';
export * from './linalg/index.js';
export * from './random/index.js';
export * from './stats/index.js';
export * from './systems/index.js';
export * from './gradients/index.js';
export * from './optim/index.js';
