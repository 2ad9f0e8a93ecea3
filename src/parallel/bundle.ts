import { statSync } from 'node:fs';

/**
 * Which of two builds of an entry to load: the bundled one (dist/bundle/, written by
 * scripts/bundle.mjs after tsc) when it is at least as new as the compiled module it was built
 * from, else the compiled module. CHAOSGRAD_BUNDLE=0 forces the modules. One rule for the CLI's
 * launcher (src/cli/main.ts) and the worker threads' entry (pool.ts), so that a stale bundle is
 * never run and one switch turns the bundle off everywhere. Only node:fs here: the launcher loads
 * this before anything else.
 */
export function bundledOr(bundle: URL, modules: URL): URL {
  if (process.env.CHAOSGRAD_BUNDLE === '0') return modules;
  const b = statSync(bundle, { throwIfNoEntry: false });
  const m = statSync(modules, { throwIfNoEntry: false });
  return b !== undefined && (m === undefined || b.mtimeMs >= m.mtimeMs) ? bundle : modules;
}
