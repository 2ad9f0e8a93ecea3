import { readFileSync } from 'node:fs';

/** chaosgrad's version from its package.json (dist/src/cli → the package root). */
export function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
