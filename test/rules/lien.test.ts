/**
 * Real property lien rules (DOMAIN 6.9) on tiny tables: one open case with an order that gets a
 * lien by default, one change per test. Dates relative to D = 2026-11-20.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import type { Config } from '../../src/config.ts';
import { computeDerivedFacts } from '../../src/rules/derived.ts';
import { decideLien, LIEN_REASONS, summarizeLien } from '../../src/rules/lien.ts';
import { caseRow, D, decisions, person, World } from '../helpers/world.ts';

type Over = Record<string, string | number | null>;
const defaults = parseConfig({});
let w: World;

/** P1 in county 037 with open case C1: $500.00 monthly support, principal $5,000.00, interest $100.00. */
function world(personOver: Over = {}, caseOver: Over = {}): void {
  w.addPerson(person('P1', { ssn: '111223333', line: 7, ...personOver }));
  w.addCase(caseRow('C1', 'P1', { line: 3, ...caseOver }));
}

function decide(date = D, config: Config = defaults) {
  computeDerivedFacts(w.db, date, config);
  decideLien(w.db, date, config);
  return summarizeLien(w.db, date);
}

function only(date = D) {
  const rows = decisions(w.db, 'lien', date);
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

function ledger() {
  return w.db
    .prepare('SELECT business_date, case_id, county_code, person_id, order_id, judgment_cents, interest_rate_thousandths, lien_type FROM lien_ledger ORDER BY business_date, case_id, county_code')
    .all();
}

function fileEarlier(date: string, county: string, caseId = 'C1'): void {
  w.addRow('lien_ledger', { business_date: date, case_id: caseId, county_code: county, person_id: 'P1', order_id: `ORD-${caseId}`, judgment_cents: 1, interest_rate_thousandths: 10000, lien_type: 'R', decision_id: 0 });
}

beforeEach(() => {
  w = new World();
});

describe('lien: an open case with an order', () => {
  it('NO_SSN: an obligor without a usable SSN gets no lien (the record identifies him by SSN), not an unwritable record', () => {
    world({ ssn: null });
    decide();
    expect(only()).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'NO_SSN' });
  });

  it('is filed in the obligor county for the case total at 10.000%, type R by default', () => {
    world();
    const summary = decide();
    const d = only();
    expect(d).toMatchObject({ subject_key: 'C1|037', person_id: 'P1', case_id: 'C1', outcome: 'ISSUE', reason_codes: '', amount_cents: 510000 });
    expect(JSON.parse(d.facts)).toMatchObject({
      action: 'R', countyCode: '037', judgmentCents: 510000, principalCents: 500000, monthlyCurrentSupportCents: 50000,
      interestRateThousandths: 10000, lienType: 'R', firstFiledOn: null, abstractDate: D,
    });
    expect(JSON.parse(d.sources)).toEqual([
      { interface: 'case-extract', file: 'cases.csv', line: 3 },
      { interface: 'case-extract', file: 'participants.csv', line: 7 },
    ]);
    expect(ledger()).toEqual([
      { business_date: D, case_id: 'C1', county_code: '037', person_id: 'P1', order_id: 'ORD-C1', judgment_cents: 510000, interest_rate_thousandths: 10000, lien_type: 'R' },
    ]);
    expect(summary).toMatchObject({ evaluated: 1, issued: 1, amountCents: 510000 });
  });

  it('is type E in a county of lien.eRecordingCounties, with the configured interest rate', () => {
    world();
    w.addPerson(person('P2', { ssn: '222334444', county_code: '059' })).addCase(caseRow('C2', 'P2'));
    decide(D, parseConfig({ lien: { eRecordingCounties: ['037', '001'], interestRateThousandths: 7_500 } }));
    expect(decisions(w.db, 'lien').map((r) => [r.subject_key, JSON.parse(r.facts).action, JSON.parse(r.facts).interestRateThousandths])).toEqual([
      ['C1|037', 'E', 7500],
      ['C2|059', 'R', 7500],
    ]);
    expect((ledger() as Array<{ lien_type: string }>).map((l) => l.lien_type)).toEqual(['E', 'R']);
  });

  it('needs a non-zero order: current support > 0 or principal > 0 (interest alone is not an order)', () => {
    w.addPerson(person('P1', { ssn: '111223333' }));
    w.addCase(caseRow('C1', 'P1', { monthly_current_support: 0, arrears_family: 0, arrears_interest: 2500 })); // not a subject
    w.addCase(caseRow('C2', 'P1', { monthly_current_support: 0, arrears_family: 100, arrears_interest: 0 }));
    w.addCase(caseRow('C3', 'P1', { monthly_current_support: 1, arrears_family: 0, arrears_interest: 0 })); // judgment may be 0
    w.addCase(caseRow('C4', 'P1', { monthly_current_support: 0, arrears_family: 0, arrears_state: 9000, ab135_uncollectible: 'Y', arrears_interest: 0 })); // principal 0
    decide();
    expect(decisions(w.db, 'lien').map((r) => [r.subject_key, r.outcome, r.amount_cents])).toEqual([
      ['C2|037', 'ISSUE', 100],
      ['C3|037', 'ISSUE', 0],
    ]);
  });

  it('is not stopped by incarceration (not a lien gate)', () => {
    world({ incarcerated_since: '2025-01-01' });
    decide();
    expect(only().outcome).toBe('ISSUE');
  });
});

describe('lien: gates (DOMAIN 5) and NO_COUNTY, in order', () => {
  it('DECEASED', () => {
    world({ deceased_on: '2026-11-19' });
    decide();
    expect(only()).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'DECEASED', amount_cents: null });
    expect(ledger()).toEqual([]);
  });

  it('NO_OPEN_CASE for the case itself (closed, or open without an order)', () => {
    world({}, { status: 'CLOSED', closure_reason: 'OTHER' });
    w.addCase(caseRow('C2', 'P1', { order_id: null }));
    w.addCase(caseRow('C3', 'P1'));
    decide();
    expect(decisions(w.db, 'lien').map((r) => [r.subject_key, r.outcome, r.reason_codes])).toEqual([
      ['C3|037', 'ISSUE', ''],
      ['C1|037', 'SUPPRESS', 'NO_OPEN_CASE'],
      ['C2|037', 'SUPPRESS', 'NO_OPEN_CASE'],
    ]);
  });

  it('BANKRUPTCY_STAY for any chapter', () => {
    world({}, { bankruptcy_filed_date: '2026-10-01', bankruptcy_chapter: '7' });
    w.addPerson(person('P2', { ssn: '222334444' })).addCase(caseRow('C2', 'P2', { bankruptcy_filed_date: '2026-10-01', bankruptcy_chapter: '13' }));
    decide();
    expect(decisions(w.db, 'lien').map((r) => r.reason_codes)).toEqual(['BANKRUPTCY_STAY', 'BANKRUPTCY_STAY']);
  });

  it('NO_COUNTY when the obligor has no county of residence (subject key with an empty county)', () => {
    world({ county_code: null });
    decide();
    expect(only()).toMatchObject({ subject_key: 'C1|', outcome: 'SUPPRESS', reason_codes: 'NO_COUNTY' });
    expect(ledger()).toEqual([]);
  });

  it('gates come before NO_COUNTY', () => {
    world({ county_code: null }, { bankruptcy_filed_date: '2026-10-01', bankruptcy_chapter: '11' });
    decide();
    expect(only().reason_codes).toBe('BANKRUPTCY_STAY');
    expect(LIEN_REASONS).toEqual(['DECEASED', 'NO_OPEN_CASE', 'BANKRUPTCY_STAY', 'NO_COUNTY', 'NO_SSN', 'NO_ADDRESS']);
  });
});

describe('lien: once per (case, county)', () => {
  it('NO_CHANGE when filed for (case, county) on an earlier date', () => {
    world();
    fileEarlier('2025-03-03', '037');
    const summary = decide();
    const d = only();
    expect(d).toMatchObject({ outcome: 'NO_CHANGE', reason_codes: '', amount_cents: null });
    expect(JSON.parse(d.facts)).toMatchObject({ firstFiledOn: '2025-03-03', action: null });
    expect(summary).toMatchObject({ issued: 0, noChange: 1 });
    expect(ledger()).toHaveLength(1);
  });

  it('a move to a new county files a new lien there', () => {
    world({ county_code: '073' });
    fileEarlier('2025-03-03', '037');
    decide();
    expect(only()).toMatchObject({ subject_key: 'C1|073', outcome: 'ISSUE', amount_cents: 510000 });
  });

  it('across two dates: filed on the first, NO_CHANGE on the next; a rerun of D does not block itself', () => {
    world();
    decide('2026-09-15');
    decide('2026-09-15');
    expect(only('2026-09-15').outcome).toBe('ISSUE');
    decide();
    expect(only()).toMatchObject({ outcome: 'NO_CHANGE' });
    expect((ledger() as Array<{ business_date: string }>).map((l) => l.business_date)).toEqual(['2026-09-15']);
  });
});
