/**
 * The example collections report under docs/ (`npm run report:example`): runs every bundled
 * fixture night in order into a temporary folder, then renders `csebatch report` over the whole
 * fixture range to docs/report-example.html and, with Debian's chromium, docs/report-example.png
 * (a reader sees the report without running anything). Rerun it when the fixtures change (the
 * SDU collections appear once the fixture nights carry sdu-payments files).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PACKAGE_ROOT, loadConfig } from '../src/config.ts';
import { reportFromFile } from '../src/reports/collections.ts';
import { renderReportHtml } from '../src/reports/reportView.ts';
import { writeFileAtomic } from '../src/io/atomicWrite.ts';
import { FIXTURE_CONFIG, FIXTURE_INBOX, fixtureDates, runFixtureNights } from './fixture-nights.ts';
import { findChromium, screenshot } from './browser.ts';

const DOCS = path.join(PACKAGE_ROOT, 'docs');

async function main(): Promise<number> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'csebatch-report-example-'));
  try {
    const nights = await runFixtureNights(FIXTURE_INBOX, out);
    for (const n of nights) process.stdout.write(`${n.date}: exit ${n.code}\n`);
    const dates = fixtureDates();
    const from = `${dates[0]!.slice(0, 7)}-01`;
    const to = dates.at(-1)!;
    const report = reportFromFile(path.join(out, 'csebatch.db'), { from, to, config: loadConfig(FIXTURE_CONFIG) });
    const html = path.join(DOCS, 'report-example.html');
    writeFileAtomic(html, renderReportHtml(report));
    process.stdout.write(`${path.relative(PACKAGE_ROOT, html)}: ${from} to ${to}\n`);
    const chromium = findChromium();
    if (!chromium) {
      process.stderr.write('no chromium (apt-get install chromium, or set $CHROMIUM): docs/report-example.png not rendered\n');
      return 1;
    }
    // tall enough for every table row (about 21 px each) below the charts
    const rows = report.mechanisms.perNight.length + report.mechanisms.range.length + report.collections.bySourceMonth.length + report.collections.byLcsa.length;
    const png = path.join(DOCS, 'report-example.png');
    screenshot(chromium, html, png, 1100, 2300 + rows * 21);
    process.stdout.write(`${path.relative(PACKAGE_ROOT, png)}\n`);
    return nights.some((n) => n.code !== 0) ? 1 : 0;
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code));
