export * from './frame.js';
export * from './spectrum.js';
export * from './summary.js';
