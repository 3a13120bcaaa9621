/**
 * `csebatch report`: every number against the small world of test/helpers/reportWorld.ts (its
 * receipts, staged collections, decisions and IWO ledger rows are listed there), each derived by
 * hand in the comments here. Range 2026-10-01 .. 2026-11-30.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MECHANISMS } from '../../src/interfaces.ts';
import { buildReport, monthsOf, nearestRank } from '../../src/reports/collections.ts';
import type { Report } from '../../src/reports/collections.ts';
import { parseConfig } from '../../src/config.ts';
import { reportWorld } from '../helpers/reportWorld.ts';
import { cli, tmpDir } from '../helpers/cli.ts';

const FROM = '2026-10-01';
const TO = '2026-11-30';

describe('report numbers on a hand-built world', () => {
  let r: Report;
  beforeAll(() => {
    r = buildReport(reportWorld().db, { from: FROM, to: TO, config: parseConfig({}) });
  });

  it('collections by source, month and LCSA, reversals and adjustments netted', () => {
    expect(r.collections.bySource).toEqual([
      { source: 'INS', records: 1, cents: 75000 },
      { source: 'FIDM', records: 1, cents: 50000 },
      { source: 'WAGE', records: 2, cents: 40000 }, // R1 + R7 (R8 before the range)
      { source: 'FTB-INTERCEPT', records: 2, cents: 30000 },
      { source: 'FOP', records: 3, cents: 17000 }, // 120 + 80 − 30
      { source: 'NCP', records: 1, cents: 10000 },
      { source: 'MSFIDM', records: 2, cents: 0 }, // R4 − R5
    ]);
    expect([r.collections.totalCents, r.collections.sduCents, r.collections.partnerFileCents]).toEqual([222000, 175000, 47000]);
    // October: R1 200 + R2 500 + R6 100 + R9 750 + FTB 50; November: R4 − R5 + R7 200 + FOP 170 + FTB 250
    expect(r.collections.byMonth).toEqual([
      { month: '2026-10', records: 5, cents: 160000 },
      { month: '2026-11', records: 7, cents: 62000 },
    ]);
    // 037: R1 R2 R7 + FOP 120 + FTB 250; 019: R4 R5 R6 R9 + FOP 50; unknown: the uncertified FTB intercept
    expect(r.collections.byLcsa).toEqual([
      { lcsa: '019', records: 6, cents: 90000 },
      { lcsa: '037', records: 5, cents: 127000 },
      { lcsa: 'unknown', records: 1, cents: 5000 },
    ]);
  });

  it('mechanism outcomes per night and over the range, suppressions by reason', () => {
    expect(r.mechanisms.perNight.map((n) => [n.businessDate, n.mechanism, n.issued, n.tasks, n.suppressed])).toEqual([
      ['2026-10-01', 'levy', 2, 1, { BELOW_BALANCE_THRESHOLD: 1 }],
      ['2026-11-20', 'levy', 1, 0, {}],
      ['2026-11-20', 'license', 0, 0, { SB1055_LOW_INCOME: 1 }],
    ]);
    const levy = r.mechanisms.range.find((m) => m.mechanism === 'levy')!;
    expect([levy.issued, levy.tasks, levy.amountCents]).toEqual([3, 1, 60000 + 45000 + 30000]);
    expect(r.mechanisms.range.map((m) => m.mechanism)).toEqual(MECHANISMS.map((m) => m.id));
    expect(r.mechanisms.suppressionsByReason).toEqual([
      { reason: 'BELOW_BALANCE_THRESHOLD', count: 1 },
      { reason: 'SB1055_LOW_INCOME', count: 1 },
    ]);
  });

  it('levies: FIDM/MSFIDM on the obligor cases within 60 days of each order, by the end of the range', () => {
    // 10-01 P8000001: R2 (9 days) 500.00; R3 is after the range. 10-01 P8000002: R4 − R5 = 0, not collected.
    // 11-20 P8000001: nothing by 11-30. 3 orders, 1 collected, 500.00 ÷ 3 = 166.666… → 166.67
    expect(r.effectiveness.levy).toEqual({
      windowDays: 60,
      orders: 3,
      ordersCollected: 1,
      shareCollected: 0.3333,
      collectedCents: 50000,
      dollarsPerLevyCents: 16667,
      byNight: [
        { businessDate: '2026-10-01', orders: 2, ordersCollected: 1, collectedCents: 50000, dollarsPerLevyCents: 25000 },
        { businessDate: '2026-11-20', orders: 1, ordersCollected: 0, collectedCents: 0, dollarsPerLevyCents: 0 },
      ],
    });
    // a 5-day window leaves R2 (9 days after the order) out
    const short = buildReport(reportWorld().db, { from: FROM, to: TO, config: parseConfig({ report: { levyCollectionDays: 5 } }) });
    expect([short.effectiveness.levy.ordersCollected, short.effectiveness.levy.collectedCents]).toEqual([0, 0]);
  });

  it('employer IWOs: days from ORG to the first WAGE receipt (nearest rank), share never paid', () => {
    // ORG 10-01 → R1 10-03: 2 days; ORG 11-01 → R7 11-15: 14 days; ORG 10-15 at 942222222: never paid
    expect(r.effectiveness.employerIwo).toEqual({ orders: 3, paid: 2, neverPaid: 1, shareNeverPaid: 0.3333, medianDays: 2, p90Days: 14 });
    expect([nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90), nearestRank([5], 50), nearestRank([], 50)]).toEqual([9, 5, null]);
  });

  it('lump-sum IWOs: dollars per IWO by source interface (OCSS vs CSLN)', () => {
    expect(r.effectiveness.lumpSum).toEqual([
      { source: 'csln', iwos: 1, iwosCollected: 0, collectedCents: 0, dollarsPerIwoCents: 0 },
      { source: 'ocss-im', iwos: 1, iwosCollected: 1, collectedCents: 75000, dollarsPerIwoCents: 75000 },
    ]);
  });

  it('--lcsa 019 keeps only that LCSA', () => {
    const l = buildReport(reportWorld().db, { from: FROM, to: TO, lcsa: '019', config: parseConfig({}) });
    expect(l.collections.totalCents).toBe(90000);
    expect(l.collections.byLcsa).toEqual([]);
    expect([l.effectiveness.levy.orders, l.effectiveness.levy.ordersCollected]).toEqual([1, 0]);
    expect(l.effectiveness.employerIwo).toMatchObject({ orders: 1, paid: 0, neverPaid: 1, medianDays: null });
    expect(l.effectiveness.lumpSum.map((s) => s.source)).toEqual(['ocss-im']);
    expect(l.mechanisms.suppressionsByReason).toEqual([
      { reason: 'BELOW_BALANCE_THRESHOLD', count: 1 },
      { reason: 'SB1055_LOW_INCOME', count: 1 },
    ]);
  });

  it('months of a range', () => {
    expect(monthsOf('2026-11-20', '2027-02-01')).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
  });
});

describe('csebatch report (CLI)', () => {
  it('--json carries the numbers; --html is one self-contained page with every chart, its table and text alternative', async () => {
    const dir = tmpDir();
    const dbFile = path.join(dir, 'csebatch.db');
    reportWorld(dbFile).db.close();
    const html = path.join(dir, 'report.html');
    const r = await cli('report', '--from', FROM, '--to', TO, '--db', dbFile, '--json', '--html', html);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as Report;
    expect(j.collections.totalCents).toBe(222000);
    expect(j.effectiveness.levy.dollarsPerLevyCents).toBe(16667);
    const page = (await import('node:fs')).readFileSync(html, 'utf8');
    expect(page).not.toMatch(/<script|<link|@import|url\(|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    for (const id of ['chart-sources', 'chart-months', 'chart-suppressions', 'chart-levy']) {
      expect(page).toMatch(new RegExp(`<svg class="chart" id="${id}" role="img" aria-labelledby="${id}-title ${id}-desc"`));
      expect(page).toMatch(new RegExp(`<desc id="${id}-desc">[^<]+</desc>`));
    }
    expect(page).toContain('<figcaption><strong>Collections by source.</strong>');
    expect(page).toContain('<td class="num">$2,220.00</td>'); // the total row beside the bar chart
    expect(page).toContain('$166.67');
    expect(page).not.toMatch(/9008000\d\d|P800000\d/); // no SSN, no person
    const text = await cli('report', '--from', FROM, '--to', TO, '--db', dbFile);
    expect(text.stdout).toContain('Levies: 3 order(s), $500.00 collected within 60 days, $166.67 per levy, 33.3% collected something');
    expect(text.stdout).toContain('Employer IWOs: 3 ORG, 2 paid, median 2 day(s) and 90th percentile 14 day(s) to the first wage payment, 33.3% never paid');
  });

  it('a range that ends before it starts, or no database, exits 2', async () => {
    const bad = await cli('report', '--from', TO, '--to', FROM, '--db', path.join(tmpDir(), 'none.db'));
    expect(bad.code).toBe(2);
    const dir = tmpDir();
    const dbFile = path.join(dir, 'csebatch.db');
    reportWorld(dbFile).db.close();
    const reversed = await cli('report', '--from', TO, '--to', FROM, '--db', dbFile);
    expect(reversed.code).toBe(2);
    expect(reversed.stderr).toContain(`--from ${TO} is after --to ${FROM}`);
  });
});

describe('--help of the report commands', () => {
  it.each([
    ['report', ['--from', '--to', '--lcsa', '--html', '--json', '--config']],
    ['whatif', ['--date', '--config', '--base-config', '--inbox', '--html', '--json']],
  ])('%s --help names every option', async (command, options) => {
    const r = await cli(command, '--help');
    expect(r.code).toBe(0);
    for (const o of options) expect(r.stdout).toContain(o);
  });
});
