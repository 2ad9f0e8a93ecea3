#!/usr/bin/env node
/**
 * The `chaosgrad` executable. It loads the CLI from its bundle (dist/bundle/, written by
 * scripts/bundle.mjs at build time: a few files instead of ~170 ES modules, ~0.1 s less start-up
 * CPU per run) when that bundle is at least as new as the compiled sources, else from the compiled
 * modules (run.js). CHAOSGRAD_BUNDLE=0 forces the modules (the rule is parallel/bundle.ts, shared
 * with the worker threads' entry). Both run the same code: the CLI tests run through here, and
 * test/cli/bundle.test.ts compares the two.
 */
import { bundledOr } from '../parallel/bundle.js';

await import(bundledOr(new URL('../../bundle/main.js', import.meta.url), new URL('./run.js', import.meta.url)).href);
