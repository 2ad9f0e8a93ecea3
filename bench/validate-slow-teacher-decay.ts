export { validateDecay as validate } from './validate-slow-teacher.js';
