#!/usr/bin/env node
/**
 * The `chaosgrad` executable. It loads the CLI from its bundle (dist/bundle/, written by
 * scripts/bundle.mjs at build time: a few files instead of ~170 ES modules, ~0.1 s less start-up
 * CPU per run) when that bundle is at least as new as the compiled sources, else from the compiled
 * modules (run.js). CHAOSGRAD_BUNDLE=0 forces the modules. Both run the same code: the CLI tests
 * run through here, and test/cli/bundle.test.ts compares the two.
 */
import { statSync } from 'node:fs';

const BUNDLE = new URL('../../bundle/main.js', import.meta.url);
const MODULES = new URL('./run.js', import.meta.url);

function bundleIsCurrent(): boolean {
  if (process.env.CHAOSGRAD_BUNDLE === '0') return false;
  const bundle = statSync(BUNDLE, { throwIfNoEntry: false });
  const modules = statSync(MODULES, { throwIfNoEntry: false });
  return bundle !== undefined && (modules === undefined || bundle.mtimeMs >= modules.mtimeMs);
}

await import(bundleIsCurrent() ? BUNDLE.href : MODULES.href);
