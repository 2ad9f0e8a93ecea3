export { kernelEstimator, DEFAULT_WINDOW, DEFAULT_BLOCKS, type KernelOptions } from './estimator.js';
export { ScoreCovector, requireNoise, needsNoise } from './score.js';
export { emptyMoments, addSample, mergeMoments, momentEstimate, type SampleMoments, type MomentEstimate } from './moments.js';
export { sigmaStudy, type SigmaStudy, type SigmaStudyOptions, type SigmaPoint } from './sigmaStudy.js';
export { extrapolateToZero, type Extrapolation } from './extrapolate.js';
