export { plrnn, type PlrnnOptions, type Resonators } from './plrnn.js';
export { gru, type GruOptions } from './gru.js';
export { mlpOde, type MlpOdeOptions } from './mlpOde.js';
