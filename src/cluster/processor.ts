import { UnrecoverableError, type SandboxedJob } from 'bullmq';
import { encode } from './codec.js';
import { encodeFailure } from './failure.js';
import { unitSystem, validateUnit } from './payload.js';
import { unitModuleUrl } from './units.js';

/**
 * The sandboxed processor of `chaosgrad worker` (BullMQ runs it in a worker thread, so a CPU-bound
 * unit never starves the lock renewal of the worker's main thread). It validates the job's data,
 * runs the whitelisted unit and returns its result as codec text. A rejected payload is
 * unrecoverable (no retry: it would be rejected again); any other error is retried by the queue.
 * Errors cross as their class and message parts (failure.ts), so the coordinator exits as a local run would.
 */
const modulesDir = process.env.CHAOSGRAD_WORKER_MODULES || null;

export default async function process_(job: SandboxedJob): Promise<string> {
  let unit, system;
  try {
    unit = validateUnit(job.data, modulesDir);
    system = await unitSystem(unit);
  } catch (e) {
    throw new UnrecoverableError(encodeFailure(e as Error, 'PayloadError'));
  }
  const mod = (await import(unitModuleUrl(unit.kind))) as Record<string, (a: unknown) => unknown>;
  let last = 0;
  const arg = {
    ...unit.arg,
    system,
    // units that report a fraction (long single orbits) move the coordinator's progress bar
    progress: (f: number) => {
      const now = Date.now();
      if (now - last < 500) return;
      last = now;
      void job.updateProgress(Math.max(0, Math.min(1, f)));
    },
  };
  try {
    const result = await mod[unit.kind.fn](arg);
    return encode(result);
  } catch (e) {
    throw new Error(encodeFailure(e as Error));
  }
}
