export * from './batchMeans.js';
export * from './quantile.js';
export * from './studentT.js';
export * from './extrema.js';
export * from './autocorrelation.js';
export * from './stateSpace.js';
export * from './spectrum.js';
