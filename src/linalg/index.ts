export * from './matrix.js';
export * from './qr.js';
export * from './triangular.js';
export * from './cholesky.js';
export * from './blockTridiagonal.js';
export * from './lu.js';
export * from './eigen.js';
export * from './hessenbergQR.js';
