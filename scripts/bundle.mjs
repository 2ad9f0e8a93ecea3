// Bundles the compiled CLI (dist/src/cli/run.js and everything it imports) into dist/bundle/ with
// esbuild: a handful of files instead of ~170 ES modules, which is most of the CLI's start-up CPU.
// Run by `npm run build` after tsc; dist/src/cli/main.js loads the bundle when it is current.
// A second entry, dist/bundle/worker.js, is the worker threads' entry (src/parallel/pool.ts starts
// it under the same rule): it shares the chunks, so a thread compiles a few files, not ~170 modules.
//
// What a bundle would otherwise break, and how this keeps it:
// - import.meta.url: each module's own URL (task modules for worker threads, the .wasm, package.json)
//   is rewritten to the URL of the same module under dist/src, so workers load dist/src as before;
// - in-thread tasks: the modules that name themselves (or a sibling) as a task module get a loader in
//   src/parallel/modules.ts, so an in-thread task runs the bundle's instance, not a second copy;
// - lazily loaded parts (cluster client, reports) stay lazy: code splitting keeps each dynamic
//   import() its own chunk, and packages (bullmq, …) stay external, imported where they were.
import { build } from 'esbuild';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'dist', 'src');
const OUT = join(ROOT, 'dist', 'bundle');

const posix = (p) => p.split(sep).join('/');

function jsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? jsFiles(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : []));
}

/** Modules that run as tasks by URL: those passing their own import.meta.url, and the MODULE URLs others name. */
function taskModules() {
  const found = new Set();
  for (const file of jsFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    if (/= import\.meta\.url;|\(import\.meta\.url, |module: import\.meta\.url/.test(text)) found.add(file);
    for (const m of text.matchAll(/[A-Z_]*MODULE[A-Z_]* = new URL\('(\.[^']+\.js)', import\.meta\.url\)/g)) found.add(join(dirname(file), m[1]));
  }
  found.delete(join(SRC, 'cli', 'run.js'));
  return [...found].sort();
}

const tasks = taskModules();
/** An entry: registers the task modules' loaders (workers and in-thread tasks use the bundle's instances), then runs `start`. */
const entry = (start) => [
  `import { registerModuleLoaders } from './parallel/modules.js';`,
  `registerModuleLoaders(new URL('../src/', import.meta.url).href, {`,
  ...tasks.map((f) => `  ${JSON.stringify(posix(relative(SRC, f)))}: () => import(${JSON.stringify('./' + posix(relative(SRC, f)))}),`),
  `});`,
  `await import(${JSON.stringify(start)});`,
].join('\n');
const ENTRIES = { main: entry('./cli/run.js'), worker: entry('./parallel/worker.js') };

/** The entries are generated text, not files: `entry:<name>` resolves to ENTRIES[name], importing from dist/src. */
const entries = {
  name: 'entries',
  setup(b) {
    b.onResolve({ filter: /^entry:/ }, (args) => ({ path: args.path.slice('entry:'.length), namespace: 'entry' }));
    b.onLoad({ filter: /.*/, namespace: 'entry' }, (args) => ({ contents: ENTRIES[args.path], resolveDir: SRC, loader: 'js' }));
  },
};

/** Rewrites import.meta.url in a module of dist/src to that module's own URL, relative to the chunk (all chunks sit in dist/bundle/). */
const ownUrl = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/]src[\\/].*\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return { contents: text, loader: 'js' };
      const rel = posix(relative(OUT, args.path));
      const contents = `const __ownUrl = new URL(${JSON.stringify(rel)}, import.meta.url).href;\n` + text.replace(/import\.meta\.url/g, '__ownUrl');
      return { contents, loader: 'js' };
    });
  },
};

rmSync(OUT, { recursive: true, force: true });
await build({
  entryPoints: Object.keys(ENTRIES).map((name) => ({ in: `entry:${name}`, out: name })),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  outdir: OUT,
  chunkNames: 'chunk-[hash]',
  plugins: [entries, ownUrl],
  logLevel: 'warning',
});
