/**
 * Task modules by URL. A task names its module by file URL (workers import it from dist/src). In
 * this thread the same URL must reach the module instance already loaded: when the CLI runs from
 * its bundle (scripts/bundle.mjs), the bundle registers a loader per task module here, so an
 * in-thread task shares the bundle's modules (one UsageError class, one kernel instance) instead of
 * loading a second copy of the library from dist/src. Unbundled, the table is empty: plain import().
 */
const loaders = new Map<string, () => Promise<unknown>>();
let bundledBase: string | null = null;

/** Called by the bundle's entry: `table` maps paths relative to `base` (dist/src/) to loaders. */
export function registerModuleLoaders(base: string, table: Record<string, () => Promise<unknown>>): void {
  bundledBase = base;
  for (const [path, load] of Object.entries(table)) loaders.set(new URL(path, base).href, load);
}

/** The module at `url`: the bundle's own instance when it has one, else import(url). */
export function importModule<T>(url: string): Promise<T> {
  const load = loaders.get(url);
  if (load) return load() as Promise<T>;
  // a library module missing from the table would load a second copy of the library: a build defect
  if (bundledBase !== null && url.startsWith(bundledBase)) return Promise.reject(new Error(`${url} runs as a task but the bundle has no loader for it (scripts/bundle.mjs finds task modules)`));
  return import(url) as Promise<T>;
}
