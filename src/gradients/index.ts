export * from './types.js';
export * from './params.js';
export * from './objective.js';
export * from './cost.js';
export * from './result.js';
export * from './orbit.js';
export * from './repeats.js';
export * from './registry.js';
