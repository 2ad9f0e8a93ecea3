export * from './pilot.js';
export * from './window.js';
export * from './alpha.js';
export * from './continuity.js';
export * from './horizon.js';
export * from './fdStep.js';
export * from './forecast.js';
export * from './predict.js';
