/**
 * chaosgrad's library entry point: the curated public API, exported by name (nothing internal).
 * docs/ARCHITECTURE.md lists this surface; a test type-checks a separate project against it.
 */

// errors: UsageError (the caller's mistake; names the library option), RuntimeFailure (computing failed)
export { UsageError, RuntimeFailure, NonFiniteStateError } from './errors/index.js';

// randomness (a model's sampleInitial draws from an Rng)
export { Rng, type RngState } from './random/index.js';

// systems: built-ins, your own models, loading them from modules, simulation, derivative checks
export {
  SYSTEM_NAMES,
  createSystem,
  describeSystem,
  describeModel,
  defineSystem,
  systemFromModel,
  buildSystem,
  defaultParams,
  loadSystem,
  loadModel,
  moduleRef,
  systemFromSpec,
  simulate,
  checkDerivatives,
  findObservable,
  coordinate,
  makeNoise,
  weightsOf,
  encodeSafetensors,
  decodeSafetensors,
  tensorsToWeights,
  weightsToTensors,
  type DynamicalSystem,
  type SystemKind,
  type SystemModel,
  type StepKernels,
  type ParamDef,
  type ParamSpec,
  type SystemSpec,
  type ModuleRef,
  type SystemOptions,
  type WeightArrays,
  type NoiseDirections,
  type Observable,
  type NoiseModel,
  type NoiseKernel,
  type SystemDefinition,
  type DefinedModel,
  type ParamDeclaration,
  type Expr,
  type Operand,
  type Ops,
  type SimulateOptions,
  type SimulateResult,
  type CheckOptions,
  type DerivativeCheck,
  type DerivativeReport,
  type Tensor,
} from './systems/index.js';

// Lyapunov tools: spectrum, covariant vectors, adjoint spectrum, finite-time exponents, FTLE fields
export {
  lyapunovSpectrum,
  covariantVectors,
  adjointSpectrum,
  finiteTimeExponents,
  ftleField,
  kaplanYorkeDimension,
  type SpectrumOptions,
  type SpectrumResult,
  type ClvOptions,
  type ClvResult,
  type AdjointOptions,
  type AdjointResult,
  type FiniteTimeOptions,
  type FiniteTimeResult,
  type FtleFieldOptions,
  type FtleFieldResult,
} from './lyapunov/index.js';

// gradient estimators: typed method values (bptt, fd, nilsas, kernel, hybrid) and `estimate`
export {
  estimate,
  bptt,
  fd,
  nilsas,
  kernel,
  hybrid,
  methodByName,
  getEstimator,
  estimatorNames,
  bpttEstimator,
  fdEstimator,
  nilsasEstimator,
  kernelEstimator,
  hybridEstimator,
  explodeStudy,
  sigmaStudy,
  type SigmaStudy,
  type SigmaStudyOptions,
  type ExplodeOptions,
  type ExplodeResult,
  type Method,
  type GradientEstimator,
  type GradientRequest,
  type GradientResult,
  type GradientCost,
  type Objective,
  type ObservableTerm,
  type BpttOptions,
  type FdOptions,
  type NilsasOptions,
  type KernelOptions,
  type HybridOptions,
} from './gradients/index.js';

// comparing methods at equal compute
export { compareMethods, type CompareOptions, type CompareResult, type CompareEntry } from './experiments/compare.js';

// training on long-time statistics, optimisers
export {
  train,
  parseTrainConfig,
  loadTrainConfig,
  makeOptimizer,
  Sgd,
  Momentum,
  Adam,
  OPTIMIZER_NAMES,
  squaredErrorLoss,
  measureStatistics,
  type TrainConfig,
  type TrainOptions,
  type TrainResult,
  type IterationRecord,
  type ParseConfigOptions,
  type Optimizer,
  type OptimizerConfig,
  type Schedule,
  type LossTerm,
  type Statistic,
  type StatisticsLoss,
} from './optim/index.js';
