import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError, opt, usage } from '../errors/index.js';
import { systemFromModel } from './instantiate.js';
import type { SystemModel } from './model.js';
import type { SystemOptions } from './options.js';
import { createSystem } from './registry.js';
import type { DynamicalSystem, ModuleRef, SystemSpec } from './types.js';

/**
 * A reference to a user's model: a file path (relative to the working directory) or a URL, and
 * the export holding it ('default' unless named).
 */
export function moduleRef(pathOrUrl: string, exportName = 'default'): ModuleRef {
  if (typeof pathOrUrl !== 'string' || pathOrUrl === '') throw usage`${opt('module')} must be a file path or URL of an ES module`;
  const url = /^[a-z][a-z0-9+.-]*:/i.test(pathOrUrl) && !/^[a-z]:[\\/]/i.test(pathOrUrl)
    ? pathOrUrl
    : pathToFileURL(isAbsolute(pathOrUrl) ? pathOrUrl : resolve(pathOrUrl)).href;
  return { url, export: exportName };
}

function looksLikeModel(v: unknown): v is SystemModel {
  const m = v as Partial<SystemModel> | null;
  return m !== null && typeof m === 'object' && typeof m.bind === 'function' && typeof m.name === 'string' && Number.isInteger(m.dim) && Array.isArray(m.params) && (m.kind === 'map' || m.kind === 'flow');
}

/**
 * The model an ES module exports: either a SystemModel (what defineSystem returns) or a factory
 * `(options) => SystemModel` that receives the system options (so a user's model can take `dim`).
 */
export async function loadModel(ref: ModuleRef, options: SystemOptions = {}): Promise<SystemModel> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(ref.url)) as Record<string, unknown>;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'ENOENT') throw usage`${opt('module')} '${ref.url}' cannot be found`;
    throw usage`${opt('module')} '${ref.url}' cannot be loaded: ${String(err.message).split('\n')[0]}`;
  }
  const value = mod[ref.export];
  if (value === undefined) {
    const names = Object.keys(mod);
    throw usage`${opt('module')} '${ref.url}' has no export '${ref.export}' (exports: ${names.length ? names.join(', ') : 'none'})`;
  }
  const model = typeof value === 'function' ? await (value as (o: SystemOptions) => unknown)(options) : value;
  if (!looksLikeModel(model)) {
    throw new UsageError(`export '${ref.export}' of '${ref.url}' is not a system model (expected what defineSystem returns, or a function returning one)`);
  }
  return model;
}

/** A system from a user's module: its workers rebuild it from the same module, export and options. */
export async function loadSystem(ref: ModuleRef, options: SystemOptions = {}): Promise<DynamicalSystem> {
  const model = await loadModel(ref, options);
  return systemFromModel(model, options, { name: model.name, options: { ...options }, module: ref });
}

/** Rebuilds a system from its plain-data recipe (a built-in name, or a user's module). */
export async function systemFromSpec(spec: SystemSpec): Promise<DynamicalSystem> {
  return spec.module ? loadSystem(spec.module, spec.options) : createSystem(spec.name, spec.options);
}
