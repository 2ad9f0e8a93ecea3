export { validateSteps as validate } from './validate-slow-teacher.js';
