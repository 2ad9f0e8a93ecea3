export { defineSystem, type DefinedModel, type ParamDeclaration, type SystemDefinition } from './define.js';
export type { Expr, Operand, Ops } from './expr.js';
export type { Program, ProgramNode, ProgramParam, OpCode, Shape } from './program.js';
