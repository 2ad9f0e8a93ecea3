export * from './batchMeans.js';
