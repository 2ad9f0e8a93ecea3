export * from './segments.js';
export * from './fit.js';
export * from './predict.js';
export * from './interval.js';
export * from './observables.js';
export * from './config.js';
export * from './step.js';
