/**
 * Debian's chromium, headless, rendering a page to PNG (`--screenshot`): the report example
 * (scripts/report-example.ts) and the browser test of the HTML report use it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The chromium binary: $CHROMIUM, or Debian's package. null when there is none. */
export function findChromium(): string | null {
  for (const c of [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (c && fs.existsSync(c)) return c;
  }
  return null;
}

/** Renders `htmlFile` headless at the given window size into `pngFile`. */
export function screenshot(chromium: string, htmlFile: string, pngFile: string, width = 1100, height = 2400): void {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'csebatch-chromium-'));
  try {
    const r = spawnSync(
      chromium,
      [
        '--headless',
        '--no-sandbox', // CI runs as root
        '--disable-gpu',
        '--hide-scrollbars',
        '--no-first-run',
        '--disable-extensions',
        `--user-data-dir=${profile}`,
        `--window-size=${width},${height}`,
        `--screenshot=${pngFile}`,
        `file://${path.resolve(htmlFile)}`,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (!fs.existsSync(pngFile)) throw new Error(`chromium wrote no screenshot (exit ${r.status}): ${r.stderr}`);
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

