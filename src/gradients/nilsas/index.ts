export { nilsasEstimator, nilsasRepeatTask, BASIS_STREAM, type NilsasRepeatDiagnostics } from './nilsas.js';
export { planNilsas, defaultSpectrumSteps, DEFAULT_REPEATS as NILSAS_DEFAULT_REPEATS, type NilsasOptions, type NilsasPlan, type NilsasTaskOptions } from './options.js';
export { nilsasTrajectory, type NilsasTrajectory, type NilsasTrajectorySpec } from './trajectory.js';
export { solveNilsasKkt, schurComplement, schurConditionNumber, type NilsasKkt, type KktSolution } from './kkt.js';
export { NilsasSweeper, allocSums, allocStats, type SegmentSums, type AdjointStats } from './segments.js';
