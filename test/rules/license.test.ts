/**
 * License suspension (DOMAIN 6.5) on tiny tables: one obligor who would be certified to the DMV,
 * and one change per test. The county median income table of each test is a small CSV written to a
 * temporary folder, so the SB 1055 arithmetic does not depend on the shipped (sample) values.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from '../../src/config.ts';
import type { Config } from '../../src/config.ts';
import { computeDerivedFacts } from '../../src/rules/derived.ts';
import { decideLicense, summarizeLicense } from '../../src/rules/license.ts';
import { loadCountyMedianIncome } from '../../src/reference.ts';
import { caseRow, D, decisions, person, World } from '../helpers/world.ts';
import { licenseLedgerRow } from '../helpers/licenseLedger.ts';

type Row = Record<string, string | number | null>;

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'license-test-'));
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

let tables = 0;
/** A county median income CSV (whole dollars) and a configuration that names it. */
function withMedians(rows: Array<[string, number, number]>, over: Record<string, unknown> = {}): Config {
  const file = path.join(TMP, `cmi-${++tables}.csv`);
  fs.writeFileSync(file, ['county_code,year,median_income,source', ...rows.map(([c, y, m]) => `${c},${y},${m},sample test`)].join('\n') + '\n');
  return parseConfig({ ...over, reference: { countyMedianIncome: file } });
}

/** County 037: $100,000 (2024), $110,000 (2025), $100,001 (2026). County 001: 2024 and 2027 only. */
const MEDIANS: Array<[string, number, number]> = [
  ['037', 2024, 100_000],
  ['037', 2025, 110_000],
  ['037', 2026, 100_001],
  ['001', 2024, 90_000],
  ['001', 2027, 200_000],
  ['003', 2027, 500_000],
];
let config: Config;

const SSN = '111223333';
let w: World;

/** P1 owes $5,000.00, 172 days delinquent on D, CSWN current, county 037, DMV license. */
function obligor(personOver: Row = {}, caseOver: Row = {}): void {
  w.addPerson(person('P1', { ssn: SSN, line: 2, ...personOver }));
  w.addCase(caseRow('C1', 'P1', { line: 2, ...caseOver }));
}

function license(board = 'DMV', over: Row = {}, personId = 'P1'): void {
  w.addLicense(personId, board, { line: 2, ...over });
}

/** An earlier night's ledger row (A by default) for (person, board). */
function ledger(date: string, board = 'DMV', over: Row = {}, personId = 'P1'): void {
  w.addRow('license_ledger', licenseLedgerRow(date, personId, board, {
    ssn: SSN,
    dtl_values: JSON.stringify({ ssn: SSN, lastName: 'GARCIA', firstName: 'MARIA', addressLine1: '1 MAIN ST', city: 'LOS ANGELES', state: 'CA', zip: '90012', countyCode: '037', lcsaCode: '037' }),
    ...over,
  }));
}

function decide(date = D, cfg = config) {
  computeDerivedFacts(w.db, date, cfg);
  decideLicense(w.db, date, cfg);
  return summarizeLicense(w.db, date);
}

function rows(date = D) {
  return decisions(w.db, 'license', date);
}

function only(date = D) {
  const r = rows(date);
  expect(r).toHaveLength(1);
  return r[0]!;
}

interface LedgerRow {
  person_id: string;
  board_code: string;
  action: string;
  certification_date: string;
  release_type: string | null;
  dtl_values: string;
  dtl: Row;
  [column: string]: unknown;
}

function ledgerRows(date = D): LedgerRow[] {
  return (w.db.prepare('SELECT * FROM license_ledger WHERE business_date = ? ORDER BY person_id, board_code').all(date) as LedgerRow[]).map((r) => ({
    ...r,
    dtl: JSON.parse(r.dtl_values) as Row,
  }));
}

beforeEach(() => {
  w = new World();
  config = withMedians(MEDIANS);
});

describe('license: certification (A)', () => {
  it('certifies a non-compliant obligor the night he becomes eligible', () => {
    obligor();
    license('DMV', { license_class: 'NONCOMMERCIAL', license_number: 'D1234567' });
    const summary = decide();
    const d = only();
    expect(d).toMatchObject({ subject_key: 'P1|DMV', outcome: 'ISSUE', reason_codes: '', amount_cents: null, person_id: 'P1', case_id: 'C1' });
    const facts = JSON.parse(d.facts);
    expect(facts).toMatchObject({ action: 'A', boardCode: 'DMV', daysDelinquent: 172, compliantMaxDaysDelinquent: 30, openCaseCount: 1, lcsaCode: '037' });
    expect(JSON.parse(d.sources)).toEqual([
      { interface: 'case-extract', file: 'licenses.csv', line: 2 },
      { interface: 'case-extract', file: 'participants.csv', line: 2 },
    ]);
    expect(summary).toMatchObject({ evaluated: 1, issued: 1, released: 0, noChange: 0 });
    const [l] = ledgerRows();
    expect(l).toMatchObject({ action: 'A', certification_date: D, release_type: null, ssn: SSN, case_id: 'C1', lcsa_code: '037', license_class: 'N' });
    expect(l!.dtl).toMatchObject({
      transactionType: 'A', boardCode: 'DMV', ssn: SSN, lastName: 'GARCIA', firstName: 'MARIA', caseCount: 1,
      oldestDelinquencyDate: '2026-06-01', certificationDate: D, releaseType: null, licenseNumber: 'D1234567', licenseClass: 'N', countyCode: '037', zip: '90012',
    });
  });

  it('counts only the cases out of compliance on an A and names the primary case', () => {
    obligor();
    w.addCase(caseRow('C2', 'P1', { oldest_unpaid_due_date: '2026-11-10', arrears_family: 900000 })); // 10 days: compliant
    license('DMV', { license_class: 'COMMERCIAL' });
    decide();
    expect(only()).toMatchObject({ outcome: 'ISSUE', case_id: 'C2' }); // largest principal
    expect(ledgerRows()[0]!.dtl).toMatchObject({ caseCount: 1, oldestDelinquencyDate: '2026-06-01', licenseClass: 'C' });
  });

  it('writes a blank class when the class is unknown', () => {
    obligor();
    license('CSLB');
    decide();
    expect(ledgerRows()[0]!.dtl).toMatchObject({ boardCode: 'CSLB', licenseClass: null });
  });

  it('NO_CHANGE when already certified and still eligible (no ledger row)', () => {
    obligor();
    license();
    ledger('2026-10-01');
    const summary = decide();
    expect(only()).toMatchObject({ outcome: 'NO_CHANGE', reason_codes: '' });
    expect(JSON.parse(only().facts)).toMatchObject({ certifiedOn: '2026-10-01' });
    expect(ledgerRows()).toEqual([]);
    expect(summary).toMatchObject({ noChange: 1 });
  });

  it('re-certifies after an earlier release', () => {
    obligor();
    license();
    ledger('2026-01-05');
    ledger('2026-03-01', 'DMV', { action: 'R', certification_date: '2026-01-05', release_type: 'N' });
    decide();
    expect(only()).toMatchObject({ outcome: 'ISSUE' });
    expect(ledgerRows()[0]).toMatchObject({ action: 'A', certification_date: D });
  });

  it('a rerun of D decides against the same state and replaces its rows', () => {
    obligor();
    license();
    decide();
    decide();
    expect(only()).toMatchObject({ outcome: 'ISSUE' });
    expect(ledgerRows()).toHaveLength(1);
  });
});

describe('license: gates (DOMAIN 5) and NOT_DELINQUENT', () => {
  const cases: Array<[string, Row, Row]> = [
    ['DECEASED', { deceased_on: D }, {}],
    ['NO_OPEN_CASE', {}, { status: 'CLOSED' }],
    ['NO_CURRENT_CSWN', {}, { cswn_sent_date: '2025-11-19' }],
    ['BANKRUPTCY_STAY', {}, { bankruptcy_filed_date: '2026-01-01' }],
    ['INCARCERATION_RELIEF', { incarcerated_since: '2026-01-01' }, {}],
    ['DRP_COMPLIANT', {}, { drp_status: 'ACTIVE_COMPLIANT' }],
    ['NOT_DELINQUENT', {}, { oldest_unpaid_due_date: '2026-10-21' }], // 30 days: compliant
  ];
  it.each(cases)('%s suppresses a license never certified', (reason, personOver, caseOver) => {
    obligor(personOver, caseOver);
    license();
    const summary = decide();
    expect(only()).toMatchObject({ outcome: 'SUPPRESS', reason_codes: reason });
    expect(ledgerRows()).toEqual([]);
    expect(summary.suppressed).toEqual({ [reason]: 1 });
  });

  it.each(cases)('%s releases a certified license (type N, the A\'s certification date)', (reason, personOver, caseOver) => {
    obligor(personOver, caseOver);
    license();
    ledger('2026-09-15');
    const summary = decide();
    expect(only()).toMatchObject({ outcome: 'RELEASE', reason_codes: reason });
    const [l] = ledgerRows();
    expect(l).toMatchObject({ action: 'R', certification_date: '2026-09-15', release_type: 'N' });
    expect(l!.dtl).toMatchObject({ transactionType: 'R', certificationDate: '2026-09-15', releaseType: 'N' });
    expect(summary).toMatchObject({ released: 1, releasedByType: { N: 1 } });
  });

  it('the gates come first: deceased and compliant → DECEASED', () => {
    obligor({ deceased_on: '2026-01-01' }, { oldest_unpaid_due_date: null });
    license();
    decide();
    expect(only()).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'DECEASED' });
  });

  it('an R carries the open case count and the current oldest delinquency date', () => {
    obligor({}, { oldest_unpaid_due_date: '2026-11-01' });
    w.addCase(caseRow('C2', 'P1', { oldest_unpaid_due_date: '2026-10-25' }));
    license();
    ledger('2026-02-01');
    decide();
    expect(only()).toMatchObject({ outcome: 'RELEASE', reason_codes: 'NOT_DELINQUENT' });
    expect(ledgerRows()[0]!.dtl).toMatchObject({ caseCount: 2, oldestDelinquencyDate: '2026-10-25', certificationDate: '2026-02-01', releaseType: 'N' });
  });

  it('no open case left: releases with case count 0, naming the certifying case and LCSA', () => {
    obligor({}, { status: 'CLOSED' });
    license();
    ledger('2026-02-01', 'DMV', { case_id: 'C1', lcsa_code: '019' });
    decide();
    expect(only()).toMatchObject({ outcome: 'RELEASE', reason_codes: 'NO_OPEN_CASE', case_id: 'C1' });
    expect(ledgerRows()[0]!.dtl).toMatchObject({ caseCount: 0, oldestDelinquencyDate: null, lcsaCode: '019' });
  });

  it('a license gone from the extract: LICENSE_NOT_HELD releases what the A certified', () => {
    obligor();
    ledger('2026-02-01', 'CSLB', { license_number: 'C-998877', license_class: null });
    decide();
    const d = only();
    expect(d).toMatchObject({ subject_key: 'P1|CSLB', outcome: 'RELEASE', reason_codes: 'LICENSE_NOT_HELD' });
    expect(JSON.parse(d.sources)).toEqual([{ interface: 'case-extract', file: 'participants.csv', line: 2 }]);
    expect(ledgerRows()[0]!.dtl).toMatchObject({ transactionType: 'R', boardCode: 'CSLB', licenseNumber: 'C-998877', certificationDate: '2026-02-01', releaseType: 'N', ssn: SSN });
  });

  it('a person gone from the extract: released with the identity the A sent', () => {
    w.addPerson(person('P9', { ssn: '999887777' })); // someone else, so the extract is not empty
    ledger('2026-02-01', 'DMV', {}, 'P1');
    decide();
    expect(only()).toMatchObject({ subject_key: 'P1|DMV', outcome: 'RELEASE', reason_codes: 'LICENSE_NOT_HELD' });
    expect(ledgerRows()[0]!.dtl).toMatchObject({ ssn: SSN, lastName: 'GARCIA', addressLine1: '1 MAIN ST', lcsaCode: '037', caseCount: 0 });
  });
});

describe('license: SB 1055 (DMV only)', () => {
  /** $70,000.00 household income from the case extract, verified 2026-01-15. */
  const lowIncome: Row = { household_income_annual: 7_000_000, income_verified_date: '2024-01-15' };
  /** Delinquent and CSWN-current around the turn of the year. */
  const aroundNewYear: Row = { oldest_unpaid_due_date: '2024-03-01', cswn_sent_date: '2024-06-01' };

  it('applies from 2025-01-01, not on 2024-12-31, with the same data', () => {
    for (const [date, outcome, reason] of [
      ['2024-12-31', 'ISSUE', ''],
      ['2025-01-01', 'SUPPRESS', 'SB1055_LOW_INCOME'],
    ] as const) {
      w = new World();
      obligor(lowIncome, aroundNewYear);
      license('DMV');
      decide(date);
      const d = only(date);
      expect(d).toMatchObject({ outcome, reason_codes: reason });
      // 2024-12-31 uses the 2024 table ($100,000), 2025-01-01 the 2025 table ($110,000)
      expect(JSON.parse(d.facts).sb1055).toMatchObject({
        inScope: date === '2025-01-01' ? 1 : 0,
        householdIncomeCents: 7_000_000,
        medianYear: date === '2025-01-01' ? 2025 : 2024,
        medianCents: date === '2025-01-01' ? 11_000_000 : 10_000_000,
        incomePercent: 70,
      });
    }
  });

  it('from 2027-01-01 a COMMERCIAL license is no longer excluded; not on 2026-12-31', () => {
    const around2027: Row = { oldest_unpaid_due_date: '2026-06-01', cswn_sent_date: '2026-06-01' };
    for (const [date, cls, outcome] of [
      ['2026-12-31', 'COMMERCIAL', 'SUPPRESS'],
      ['2027-01-01', 'COMMERCIAL', 'ISSUE'],
      ['2027-01-01', 'NONCOMMERCIAL', 'SUPPRESS'],
      ['2027-01-01', null, 'SUPPRESS'], // unknown counts as not commercial
    ] as const) {
      w = new World();
      // county 037 2026: $100,001 (2027 uses 2026's: latest year ≤ 2027); income $50,000
      obligor({ household_income_annual: 5_000_000, income_verified_date: '2026-01-01' }, around2027);
      license('DMV', { license_class: cls });
      decide(date);
      expect(only(date)).toMatchObject({ outcome, reason_codes: outcome === 'SUPPRESS' ? 'SB1055_LOW_INCOME' : '' });
    }
  });

  it('compares income ≤ 70% of the median to the cent', () => {
    // 2026 median $100,001 → limit $70,000.70
    for (const [cents, outcome] of [
      [7_000_070, 'SUPPRESS'],
      [7_000_071, 'ISSUE'],
    ] as const) {
      w = new World();
      obligor({ household_income_annual: cents, income_verified_date: '2026-01-01' });
      license('DMV');
      decide();
      const d = only();
      expect(d).toMatchObject({ outcome });
      expect(JSON.parse(d.facts).sb1055).toMatchObject({ medianCents: 10_000_100, limitCents: 7_000_070 });
    }
  });

  it('does not apply to other boards', () => {
    obligor({ household_income_annual: 100, income_verified_date: '2026-01-01' });
    license('CSLB');
    decide();
    expect(only()).toMatchObject({ outcome: 'ISSUE' });
  });

  it('unknown income: no exclusion', () => {
    obligor({ household_income_annual: null });
    license('DMV');
    decide();
    expect(only()).toMatchObject({ outcome: 'ISSUE' });
  });

  it.each([
    ['no county on the participant', null],
    ['a county missing from the table', '099'],
  ])('%s: no exclusion', (_label, county) => {
    obligor({ county_code: county, household_income_annual: 100, income_verified_date: '2026-01-01' });
    license('DMV');
    decide();
    const d = only();
    expect(d).toMatchObject({ outcome: 'ISSUE' });
    expect(JSON.parse(d.facts).sb1055).toMatchObject({ countyCode: county, medianCents: null });
  });

  it('uses the latest table year ≤ D\'s year (a later year does not count yet)', () => {
    // county 001: $90,000 (2024), $200,000 (2027); on 2026-11-20 the 2024 table applies: limit $63,000
    for (const [cents, outcome] of [
      [6_300_000, 'SUPPRESS'],
      [6_300_001, 'ISSUE'],
    ] as const) {
      w = new World();
      obligor({ county_code: '001', household_income_annual: cents, income_verified_date: '2026-01-01' });
      license('DMV');
      decide();
      const d = only();
      expect(d).toMatchObject({ outcome });
      expect(JSON.parse(d.facts).sb1055).toMatchObject({ medianYear: 2024, medianCents: 9_000_000 });
    }
    // county 003 has only a 2027 table: no median yet, no exclusion
    w = new World();
    obligor({ county_code: '003', household_income_annual: 100, income_verified_date: '2026-01-01' });
    license('DMV');
    decide();
    expect(only()).toMatchObject({ outcome: 'ISSUE' });
  });

  it('takes the FTB income when it is newer than the extract\'s, and names the FTB record', () => {
    obligor({ household_income_annual: 9_000_000, income_verified_date: '2025-06-30' });
    license('DMV');
    const f = w.addFile('ftb', 'ftb-income.txt', '2026-04-01');
    const line = w.addStaged('ftb', 'income', f, { recordType: 'I', ssn: SSN, lastName: 'GARCIA', firstName: 'MARIA', taxYear: '2025', filingStatus: 'S', householdAdjustedGrossIncome: 4_000_000 });
    decide();
    const d = only();
    expect(d).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'SB1055_LOW_INCOME' });
    expect(JSON.parse(d.facts).sb1055).toMatchObject({ householdIncomeCents: 4_000_000, incomeAsOf: '2025-12-31' });
    expect(JSON.parse(d.sources)).toContainEqual({ interface: 'ftb', file: 'ftb-income.txt', line });
  });

  it('takes the extract\'s income when it is newer than the FTB record', () => {
    obligor({ household_income_annual: 9_000_000, income_verified_date: '2026-02-01' });
    license('DMV');
    const f = w.addFile('ftb', 'ftb-income.txt', '2026-04-01');
    w.addStaged('ftb', 'income', f, { recordType: 'I', ssn: SSN, lastName: 'GARCIA', firstName: 'MARIA', taxYear: '2025', filingStatus: 'S', householdAdjustedGrossIncome: 4_000_000 });
    decide();
    const d = only();
    expect(d).toMatchObject({ outcome: 'ISSUE' });
    expect(JSON.parse(d.facts).sb1055).toMatchObject({ householdIncomeCents: 9_000_000, incomeAsOf: '2026-02-01' });
    expect(JSON.parse(d.sources).map((s: { interface: string }) => s.interface)).not.toContain('ftb');
  });

  it('releases a certified DMV license once SB 1055 excludes it (type N)', () => {
    obligor({ household_income_annual: 100, income_verified_date: '2026-01-01' });
    license('DMV');
    ledger('2024-06-01');
    decide();
    expect(only()).toMatchObject({ outcome: 'RELEASE', reason_codes: 'SB1055_LOW_INCOME' });
    expect(ledgerRows()[0]).toMatchObject({ action: 'R', release_type: 'N', certification_date: '2024-06-01' });
  });
});

describe('license: release requests', () => {
  it.each([
    ['EXPEDITE', 'E'],
    ['EMERGENCY', 'M'],
    ['NON_EMERGENCY', 'N'],
  ])('%s releases every certified license at once with release type %s', (request, type) => {
    obligor({}, { license_release_request: request });
    license('DMV');
    license('CSLB', { line: 3 });
    license('BRN', { line: 4 }); // held but never certified: blocked, not released
    ledger('2026-05-01', 'DMV');
    ledger('2026-07-01', 'CSLB');
    const summary = decide();
    const r = rows();
    expect(r.map((d) => [d.subject_key, d.outcome, d.reason_codes])).toEqual([
      ['P1|CSLB', 'RELEASE', 'RELEASE_REQUESTED'],
      ['P1|DMV', 'RELEASE', 'RELEASE_REQUESTED'],
      ['P1|BRN', 'SUPPRESS', 'RELEASE_REQUESTED'],
    ]);
    expect(JSON.parse(r[0]!.sources)).toContainEqual({ interface: 'case-extract', file: 'cases.csv', line: 2 });
    expect(ledgerRows().map((l) => [l.board_code, l.action, l.release_type, l.certification_date])).toEqual([
      ['CSLB', 'R', type, '2026-07-01'],
      ['DMV', 'R', type, '2026-05-01'],
    ]);
    expect(summary).toMatchObject({ released: 2, releasedByType: { [type]: 2 } });
  });

  it('the most urgent request of the open cases wins (emergency over expedite)', () => {
    obligor({}, { license_release_request: 'EXPEDITE' });
    w.addCase(caseRow('C2', 'P1', { license_release_request: 'EMERGENCY', line: 3 }));
    license();
    ledger('2026-05-01');
    decide();
    expect(ledgerRows()[0]).toMatchObject({ release_type: 'M' });
    expect(JSON.parse(only().facts)).toMatchObject({ releaseRequest: 'M', releaseRequestCaseId: 'C2' });
  });

  it('a request on a closed case does not count', () => {
    obligor();
    w.addCase(caseRow('C2', 'P1', { status: 'CLOSED', license_release_request: 'EMERGENCY' }));
    license();
    ledger('2026-05-01');
    decide();
    expect(only()).toMatchObject({ outcome: 'NO_CHANGE' });
  });

  it('blocks re-certification while the request stands', () => {
    obligor({}, { license_release_request: 'EXPEDITE' });
    license();
    ledger('2026-05-01');
    ledger('2026-06-01', 'DMV', { action: 'R', certification_date: '2026-05-01', release_type: 'E' });
    decide();
    expect(only()).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'RELEASE_REQUESTED' });
    expect(ledgerRows()).toEqual([]);
  });

  it('for an obligor never certified the request does nothing: the normal A is sent', () => {
    obligor({}, { license_release_request: 'EMERGENCY' });
    license();
    decide();
    expect(only()).toMatchObject({ outcome: 'ISSUE', reason_codes: '' });
    expect(ledgerRows().length).toBe(1);
  });

  it('an eligible obligor without a usable SSN is not certified: SUPPRESS NO_SSN (not an unwritable record)', () => {
    obligor({ ssn: null });
    license();
    decide();
    expect(only()).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'NO_SSN' });
    expect(ledgerRows()).toEqual([]);
  });

  it('a release goes out under the SSN the certification was sent with, even after the SSN was corrected', () => {
    obligor({ ssn: '999887777' }, { oldest_unpaid_due_date: null }); // compliant now: release
    license();
    ledger('2026-05-01'); // sent under SSN
    decide();
    expect(only()).toMatchObject({ outcome: 'RELEASE', reason_codes: 'NOT_DELINQUENT' });
    expect(ledgerRows().map((r) => [r.action, r.ssn, r.dtl.ssn])).toEqual([['R', SSN, SSN]]);
  });

  it('for an obligor never certified the normal reason applies first', () => {
    obligor({}, { license_release_request: 'EMERGENCY', oldest_unpaid_due_date: null });
    license();
    decide();
    expect(only()).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'NOT_DELINQUENT' });
  });

  it('a request also decides the release type of a license gone from the extract', () => {
    obligor({}, { license_release_request: 'EXPEDITE' });
    ledger('2026-05-01', 'CSLB');
    decide();
    expect(only()).toMatchObject({ outcome: 'RELEASE', reason_codes: 'RELEASE_REQUESTED' });
    expect(ledgerRows()[0]).toMatchObject({ release_type: 'E' });
  });
});

describe('county median income table', () => {
  it('ships all 58 California counties for 2024-2026, every value sourced or marked sample', () => {
    const rows = loadCountyMedianIncome(parseConfig({}).reference.countyMedianIncome);
    const counties = [...new Set(rows.map((r) => r.countyCode))];
    expect(counties).toEqual(Array.from({ length: 58 }, (_, i) => String(2 * i + 1).padStart(3, '0')));
    for (const year of [2024, 2025, 2026]) expect(rows.filter((r) => r.year === year)).toHaveLength(58);
    for (const r of rows) expect(r.source).toMatch(/sample|HCD/i);
    for (const r of rows.filter((x) => !/HCD State Income Limits \d{4},/.test(x.source))) expect(r.source).toMatch(/sample/);
  });

  it('accepts a new year without a code change', () => {
    const cfg = withMedians([['037', 2031, 150_000]]);
    const rows = loadCountyMedianIncome(cfg.reference.countyMedianIncome);
    expect(rows).toEqual([{ countyCode: '037', year: 2031, medianCents: 15_000_000, source: 'sample test', line: 2 }]);
  });

  it.each([
    ['county_code,year,median\n', /line 1 must be the header/],
    ['county_code,year,median_income,source\n037,2026,100000,x\n37,2026,1,x\n', /line 3: county_code must be a 3-digit/],
    ['county_code,year,median_income,source\n037,2026,100000.50,x\n', /line 2: median_income must be whole dollars/],
    ['county_code,year,median_income,source\n037,26,100000,x\n', /line 2: year must be 4 digits/],
    ['county_code,year,median_income,source\n037,2026,100000,\n', /line 2: source must say/],
    ['county_code,year,median_income,source\n037,2026,100000,x\n037,2026,100001,y\n', /line 3: county 037 year 2026 listed twice/],
    ['county_code,year,median_income,source\n037,2026,100000\n', /line 2: expected 4 columns, found 3/],
  ])('refuses a bad table with the file and line (%#)', (text, message) => {
    const file = path.join(TMP, `bad-${++tables}.csv`);
    fs.writeFileSync(file, text);
    expect(() => loadCountyMedianIncome(file)).toThrow(ConfigError);
    expect(() => loadCountyMedianIncome(file)).toThrow(message);
    expect(() => loadCountyMedianIncome(file)).toThrow(file);
  });

  it('is overridden through a --config file with a path relative to that file', () => {
    const dir = path.join(TMP, 'operator');
    fs.mkdirSync(path.join(dir, 'tables'), { recursive: true });
    // the operator's table puts county 037 at $1,000,000 for 2026: $70,000 is then low income
    fs.writeFileSync(path.join(dir, 'tables', 'cmi.csv'), 'county_code,year,median_income,source\n037,2026,1000000,sample operator\n');
    fs.writeFileSync(path.join(dir, 'csebatch.json'), JSON.stringify({ reference: { countyMedianIncome: 'tables/cmi.csv' } }));
    const cfg = loadConfig(path.join(dir, 'csebatch.json'));
    expect(cfg.reference.countyMedianIncome).toBe(path.join(dir, 'tables', 'cmi.csv'));

    obligor({ household_income_annual: 7_000_000, income_verified_date: '2026-01-01' });
    license('DMV');
    decide(D, cfg);
    const d = only();
    expect(d).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'SB1055_LOW_INCOME' });
    expect(JSON.parse(d.facts).sb1055).toMatchObject({ medianCents: 100_000_000, medianSource: 'sample operator' });

    // the same obligor against this test's table ($100,001 → limit $70,000.70) is excluded too; at
    // $80,000 only the operator's table excludes him
    w = new World();
    obligor({ household_income_annual: 8_000_000, income_verified_date: '2026-01-01' });
    license('DMV');
    decide(D, cfg);
    expect(only()).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'SB1055_LOW_INCOME' });
    w = new World();
    obligor({ household_income_annual: 8_000_000, income_verified_date: '2026-01-01' });
    license('DMV');
    decide(D, config);
    expect(only()).toMatchObject({ outcome: 'ISSUE' });
  });

  it('a --config file naming a table that does not exist is refused', () => {
    const dir = path.join(TMP, 'operator-missing');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'csebatch.json'), JSON.stringify({ reference: { countyMedianIncome: 'nope.csv' } }));
    expect(() => loadConfig(path.join(dir, 'csebatch.json'))).toThrow(/reference.countyMedianIncome .*file not found/);
  });
});
