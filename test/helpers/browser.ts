/**
 * @module test/helpers/browser
 * `inspectReport(html)`: opens an HTML report in headless Debian Chromium (playwright-core) and returns the page
 * and console errors and, per chart (`svg.chart`), its drawn size and how many marks it has. Skips with a
 * reason when /usr/bin/chromium is absent, unless PLUMBLINE_REQUIRE_SERVICES=1 (CI), where that is an error.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface ReportInspection {
  skipped?: string;
  errors: string[];
  charts: { title: string; width: number; height: number; marks: number }[];
}

/** `html` is the page itself or a path to an .html file. */
export async function inspectReport(html: string): Promise<ReportInspection> {
  if (!existsSync(CHROMIUM)) {
    const reason = `headless Chromium not found at ${CHROMIUM} (apt-get install chromium)`;
    if (process.env.PLUMBLINE_REQUIRE_SERVICES === '1') throw new Error(reason);
    console.warn(`[skip] ${reason}`);
    return { skipped: reason, errors: [], charts: [] };
  }
  const { chromium } = await import('playwright-core');
  const dir = mkdtempSync(join(tmpdir(), 'plumbline-browser-'));
  const page = html.trimStart().startsWith('<') ? join(dir, 'report.html') : html;
  if (page !== html) writeFileSync(page, html);
  else readFileSync(page); // a clear ENOENT before the browser starts
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
  try {
    const tab = await browser.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    tab.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    tab.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
    await tab.goto(pathToFileURL(page).href, { waitUntil: 'load' });
    const charts = await tab.$$eval('svg.chart', (svgs) =>
      svgs.map((svg) => {
        const box = svg.getBoundingClientRect();
        const marks = [...svg.querySelectorAll('.mark')].filter((m) => {
          const b = (m as unknown as { getBBox(): { width: number; height: number } }).getBBox();
          return b.width > 0 || b.height > 0;
        }).length;
        return { title: svg.getAttribute('data-title') ?? '', width: box.width, height: box.height, marks };
      }),
    );
    return { errors, charts };
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
