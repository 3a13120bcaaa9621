/**
 * The HTML report in a real browser: Debian's chromium renders it headless to PNG, and every chart
 * must be drawn (pixels of its fixed colour present). Skipped, with the reason in the test name,
 * only where no chromium is installed (.ci/run installs it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/reports/collections.ts';
import { renderReportHtml } from '../../src/reports/reportView.ts';
import { CHART_COLOURS } from '../../src/reports/html.ts';
import { parseConfig } from '../../src/config.ts';
import { reportWorld } from '../helpers/reportWorld.ts';
import { countColour, decodePng, findChromium, screenshot } from '../helpers/browser.ts';
import { tmpDir } from '../helpers/cli.ts';

const chromium = findChromium();
const title = chromium
  ? 'chromium renders the report: bars by source, the monthly trend line, suppressions and dollars per levy are drawn'
  : 'SKIPPED: no chromium (set $CHROMIUM or apt-get install chromium) — the report is not rendered in a browser here';

describe('report in a real browser', () => {
  it.skipIf(!chromium)(
    title,
    () => {
      const dir = tmpDir();
      const html = path.join(dir, 'report.html');
      const png = path.join(dir, 'report.png');
      fs.writeFileSync(html, renderReportHtml(buildReport(reportWorld().db, { from: '2026-10-01', to: '2026-11-30', config: parseConfig({}) })));
      screenshot(chromium!, html, png);
      const img = decodePng(png);
      expect([img.width, img.height]).toEqual([1100, 2400]);
      const drawn = Object.fromEntries(Object.entries(CHART_COLOURS).map(([k, hex]) => [k, countColour(img, hex)]));
      // each chart: at least a bar of 13 px height and a few dozen px width (the line: 4 px wide over 600 px)
      expect(drawn.bar).toBeGreaterThan(1000);
      expect(drawn.line).toBeGreaterThan(1000);
      expect(drawn.suppression).toBeGreaterThan(1000);
      expect(drawn.levy).toBeGreaterThan(1000);
      // the page is mostly white paper, not an error page
      expect(countColour(img, '#ffffff')).toBeGreaterThan((img.width * img.height) / 2);
      if (process.env.CSEBATCH_KEEP_PNG) fs.copyFileSync(png, process.env.CSEBATCH_KEEP_PNG);
    },
    90_000,
  );
});
