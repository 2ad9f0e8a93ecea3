import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';

/**
 * The report in a real browser: `chaosgrad demo --size smoke` writes it, headless Chromium (Debian's
 * package, driven by playwright-core) opens it, and every figure must have rendered with no console
 * error. With CHAOSGRAD_SCREENSHOT=1 the report is the demo-size one and a screenshot of its top goes
 * to docs/report-screenshot.png (not by default, so that a test run does not rewrite a tracked file).
 * Without Chromium the test fails in CI (CI=true) and is skipped locally with a message.
 */

const CHROMIUM_CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);
const SCREENSHOT = fileURLToPath(new URL('../../../docs/report-screenshot.png', import.meta.url));

interface Playwright {
  chromium: { launch(o: { executablePath: string; args: string[] }): Promise<any> };
}

async function browserSetup(): Promise<{ pw: Playwright; executable: string } | string> {
  const executable = CHROMIUM_CANDIDATES.find((p) => existsSync(p));
  if (!executable) return `no Chromium found (looked for ${CHROMIUM_CANDIDATES.join(', ')}; apt-get install chromium)`;
  try {
    // a module name in a variable: the build does not need the (dev) package
    const name = 'playwright-core';
    return { pw: (await import(name)) as Playwright, executable };
  } catch {
    return 'playwright-core is not installed (npm install)';
  }
}

describe('HTML report in headless Chromium', () => {
  it('renders every figure with no console errors', async (t) => {
    const setup = await browserSetup();
    if (typeof setup === 'string') {
      if (process.env.CI === 'true') assert.fail(`browser test cannot run in CI: ${setup}`);
      t.skip(`skipped: ${setup}`);
      return;
    }
    const out = mkdtempSync(join(tmpdir(), 'chaosgrad-report-'));
    // the screenshot shows what users get (the demo size, ~1 min); the check alone uses the smoke size
    const screenshot = process.env.CHAOSGRAD_SCREENSHOT === '1';
    const r = runCli(['demo', '--size', screenshot ? 'demo' : 'smoke', '--out', out, '--json'], { timeout: 300000 });
    assert.equal(r.code, 0, r.stderr);
    const page0 = join(out, 'index.html');
    const html = readFileSync(page0, 'utf8');
    const expectedFigures = (html.match(/<figure /g) ?? []).length;
    assert.ok(expectedFigures >= 8, `expected at least 8 figures in the report, found ${expectedFigures}`);

    const browser = await setup.pw.chromium.launch({
      executablePath: setup.executable,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 1600 } });
      const problems: string[] = [];
      page.on('console', (m: { type(): string; text(): string }) => {
        if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
      });
      page.on('pageerror', (e: Error) => problems.push(`page error: ${e.message}`));
      page.on('requestfailed', (q: { url(): string }) => problems.push(`request failed: ${q.url()}`));
      await page.goto(pathToFileURL(page0).href, { waitUntil: 'load' });
      // every <svg>: a box on the page, and marks inside it (data lines, points, cells)
      const figures: { id: string; width: number; height: number; shapes: number; marks: number }[] = await page.evaluate(() =>
        Array.from(document.querySelectorAll('figure')).map((f) => {
          const svg = f.querySelector('svg');
          const box = svg?.getBoundingClientRect();
          return {
            id: f.id,
            width: box?.width ?? 0,
            height: box?.height ?? 0,
            shapes: svg ? svg.querySelectorAll('line, rect, polyline, circle, path, text').length : 0,
            marks: svg ? svg.querySelectorAll('polyline, circle').length : 0,
          };
        }),
      );
      assert.equal(figures.length, expectedFigures);
      for (const f of figures) {
        assert.ok(f.width > 100 && f.height > 100, `${f.id}: bounding box ${f.width}×${f.height}`);
        assert.ok(f.shapes > 10, `${f.id}: only ${f.shapes} drawn elements`);
        assert.ok(f.marks > 0, `${f.id}: no data drawn (no polyline or circle)`);
      }
      const sections = await page.evaluate(() => Array.from(document.querySelectorAll('section')).map((s) => s.id));
      assert.deepEqual(sections, ['explosion', 'estimators', 'inverse-lorenz', 'teacher-rnn', 'slow-teacher', 'tradeoff', 'dsr-lorenz']);
      assert.deepEqual(problems, []);
      if (screenshot) {
        await page.screenshot({ path: SCREENSHOT, fullPage: false });
        t.diagnostic(`screenshot: ${SCREENSHOT}`);
      }
    } finally {
      await browser.close();
    }
  });
});
