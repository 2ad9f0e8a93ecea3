export { nilsasEstimator, nilsasRepeatTask, NILSAS_BASIS_STREAM, type NilsasRepeatDiagnostics } from './nilsas.js';
export { planNilsas, nilsasSpectrumSteps, type NilsasOptions, type NilsasPlan, type NilsasTaskOptions } from './options.js';
export { nilsasTrajectory, type NilsasTrajectory, type NilsasTrajectorySpec } from './trajectory.js';
export { solveNilsasKkt, type NilsasKkt, type KktSolution } from './kkt.js';
export { schurComplement, schurConditionNumber } from './schur.js';
export { NilsasSweeper, allocSums as allocNilsasSums, allocStats as allocNilsasStats, type SegmentSums as NilsasSegmentSums, type AdjointStats as NilsasAdjointStats } from './segments.js';
