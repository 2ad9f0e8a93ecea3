import { UsageError } from '../../errors/index.js';

/** `--predict auto|on|off` → the estimators' `predict` option (undefined: the pilot decides). */
export function predictChoice(v: string | undefined): boolean | undefined {
  if (v === undefined || v === 'auto') return undefined;
  if (v === 'on') return true;
  if (v === 'off') return false;
  throw new UsageError(`unknown --predict '${v}' (valid: auto, on, off)`);
}
