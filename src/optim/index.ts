export * from './schedules.js';
export * from './optimisers.js';
export * from './ema.js';
export * from './loss.js';
export * from './statistics.js';
export * from './config.js';
export * from './checkpoint.js';
export * from './train.js';
