import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

// the TypeScript sources, read from the repository (this file runs from dist/test/)
const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Relative imports of every source file, resolved to source paths (relative to src/). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    const deps = [...text.matchAll(/(?:from|import\()\s*'(\.[^']+)'/g)].map((m) => relative(SRC, normalize(join(dirname(file), m[1]))).replace(/\.js$/, '.ts'));
    graph.set(relative(SRC, file), deps);
  }
  return graph;
}

const folderOf = (p: string): string => (p.includes('/') ? p.split('/')[0] : '.');

/** Layers, lowest first: a folder may import only folders of a lower layer (or its own). */
const LAYERS: string[][] = [
  ['errors'],
  ['random'],
  ['stats', 'linalg', 'parallel'],
  ['systems'],
  ['lyapunov'],
  ['gradients'],
  ['optim', 'cluster'],
  ['experiments'],
  ['report'],
  ['cli', '.'],
];
const layerOf = (f: string): number => LAYERS.findIndex((l) => l.includes(f));

describe('architecture', () => {
  const graph = importGraph();

  it('data flows one way: no folder imports a folder of its own layer or above', () => {
    const bad: string[] = [];
    for (const [file, deps] of graph) {
      for (const d of deps) {
        const a = folderOf(file), b = folderOf(d);
        if (a === b || b === '.') continue;
        assert.notEqual(layerOf(a), -1, `folder ${a} has no layer`);
        if (layerOf(b) >= layerOf(a) && !(a === 'cli' && b === 'cli')) bad.push(`${file} → ${d}`);
      }
    }
    assert.deepEqual(bad, []);
  });

  it('no import cycle between files (type-only imports included)', () => {
    const state = new Map<string, 1 | 2>();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]): void => {
      state.set(f, 1);
      for (const d of graph.get(f) ?? []) {
        if (!graph.has(d)) continue;
        if (state.get(d) === 1) cycles.push([...path.slice(path.indexOf(d)), d].join(' → '));
        else if (!state.has(d)) visit(d, [...path, d]);
      }
      state.set(f, 2);
    };
    for (const f of graph.keys()) if (!state.has(f)) visit(f, [f]);
    assert.deepEqual(cycles, []);
  });

  it("the library speaks its own option names: no '--flag' outside src/cli", () => {
    const hits: string[] = [];
    for (const folder of ['systems', 'lyapunov', 'gradients', 'optim']) {
      for (const file of sources(join(SRC, folder))) {
        readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
          if (/['`"]--[a-zA-Z]/.test(line) || /\s--[a-z][a-z-]*\b/.test(line.replace(/\/\/.*$|^\s*\*.*$/, ''))) hits.push(`${relative(SRC, file)}:${i + 1}: ${line.trim()}`);
        });
      }
    }
    assert.deepEqual(hits, []);
  });
});
