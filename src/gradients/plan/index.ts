export * from './pilot.js';
export * from './window.js';
export * from './alpha.js';
export * from './continuity.js';
export * from './horizon.js';
export * from './fdStep.js';
