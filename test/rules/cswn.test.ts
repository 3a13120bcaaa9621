/**
 * CSWN rules (DOMAIN 6.10) on tiny tables: an obligor who owes and has no current notice gets one by
 * default, one change per test. D = 2026-11-20; D − 365 days = 2025-11-20.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import type { Config } from '../../src/config.ts';
import { computeDerivedFacts } from '../../src/rules/derived.ts';
import { CSWN_REASONS, decideCswn, summarizeCswn } from '../../src/rules/cswn.ts';
import { caseRow, D, decisions, person, World } from '../helpers/world.ts';

type Over = Record<string, string | number | null>;
const defaults = parseConfig({});
let w: World;

/** P1 with open case C1 (principal $5,000.00, total $5,100.00), no CSWN on the case extract. */
function world(personOver: Over = {}, caseOver: Over = {}): void {
  w.addPerson(person('P1', { ssn: '111223333', line: 4, ...personOver }));
  w.addCase(caseRow('C1', 'P1', { cswn_sent_date: null, line: 9, ...caseOver }));
}

function decide(date = D, config: Config = defaults) {
  computeDerivedFacts(w.db, date, config);
  decideCswn(w.db, date, config);
  return summarizeCswn(w.db, date);
}

function only(date = D) {
  const rows = decisions(w.db, 'cswn', date);
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

function sentEarlier(date: string, personId = 'P1'): void {
  w.addRow('cswn_ledger', { business_date: date, person_id: personId, case_id: 'C1', lcsa_code: '037', past_due_cents: 1, decision_id: 0 });
}

function ledger() {
  return w.db.prepare('SELECT business_date, person_id, case_id, lcsa_code, past_due_cents FROM cswn_ledger ORDER BY business_date, person_id').all();
}

beforeEach(() => {
  w = new World();
});

describe('cswn: an obligor who owes', () => {
  it('NO_SSN: an obligor without a usable SSN gets no cswn (the record identifies him by SSN), not an unwritable record', () => {
    world({ ssn: null });
    decide();
    expect(only()).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'NO_SSN' });
  });

  it('is sent a notice naming the primary case and LCSA, past-due amount = obligor total', () => {
    world();
    w.addCase(caseRow('C2', 'P1', { lcsa_code: '059', arrears_family: 700000, arrears_interest: 0, cswn_sent_date: null, line: 10 }));
    w.addCase(caseRow('C3', 'P1', { status: 'CLOSED', closure_reason: 'PAID', arrears_family: 999900, line: 11 })); // not counted
    const summary = decide();
    const d = only();
    expect(d).toMatchObject({ subject_key: 'P1', person_id: 'P1', case_id: 'C2', outcome: 'ISSUE', reason_codes: '', amount_cents: 1210000 });
    expect(JSON.parse(d.facts)).toMatchObject({ principalCents: 1200000, pastDueCents: 1210000, cswnSentDate: null, cswnCurrent: 0, recentlySentOn: null, primaryCaseId: 'C2', lcsaCode: '059', noticeDate: D, resendAfterDays: 365 });
    expect(JSON.parse(d.sources)).toEqual([
      { interface: 'case-extract', file: 'participants.csv', line: 4 },
      { interface: 'case-extract', file: 'cases.csv', line: 9 },
      { interface: 'case-extract', file: 'cases.csv', line: 10 },
    ]);
    expect(ledger()).toEqual([{ business_date: D, person_id: 'P1', case_id: 'C2', lcsa_code: '059', past_due_cents: 1210000 }]);
    expect(summary).toMatchObject({ evaluated: 1, issued: 1, amountCents: 1210000 });
  });

  it('evaluates only obligors with principal > 0 (interest alone, obligees and paid-up obligors are not subjects)', () => {
    w.addPerson(person('P1', { ssn: '111223333' })).addCase(caseRow('C1', 'P1', { arrears_family: 0, arrears_interest: 5000, cswn_sent_date: null }));
    w.addPerson(person('P2', { ssn: '222334444' })).addCase(caseRow('C2', 'P1', { obligee_person_id: 'P2', arrears_family: 0, cswn_sent_date: null }));
    decide();
    expect(decisions(w.db, 'cswn')).toEqual([]);
  });
});

describe('cswn: gates first (DOMAIN 5)', () => {
  it('DECEASED', () => {
    world({ deceased_on: '2026-01-01' });
    decide();
    expect(only()).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'DECEASED', amount_cents: null });
    expect(ledger()).toEqual([]);
  });

  it('NO_OPEN_CASE for an obligor whose principal is left only on closed cases', () => {
    world({}, { status: 'CLOSED', closure_reason: 'OTHER' });
    decide();
    expect(only()).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'NO_OPEN_CASE', case_id: null });
    expect(JSON.parse(only().sources)).toEqual([
      { interface: 'case-extract', file: 'participants.csv', line: 4 },
      { interface: 'case-extract', file: 'cases.csv', line: 9 },
    ]);
  });

  it('BANKRUPTCY_STAY', () => {
    world({}, { bankruptcy_filed_date: '2026-06-01', bankruptcy_chapter: '13' });
    decide();
    expect(only().reason_codes).toBe('BANKRUPTCY_STAY');
  });

  it('INCARCERATION_RELIEF after release (until the first of the release month + 10 months)', () => {
    world({ incarcerated_since: '2024-01-01', released_on: '2026-06-15' });
    decide();
    expect(only().reason_codes).toBe('INCARCERATION_RELIEF');
  });

  it('a gate decides before CSWN_CURRENT and CSWN_RECENTLY_SENT', () => {
    world({ deceased_on: '2026-01-01' }, { cswn_sent_date: '2026-10-01' });
    sentEarlier('2026-10-01');
    decide();
    expect(only().reason_codes).toBe('DECEASED');
    expect(CSWN_REASONS).toEqual(['DECEASED', 'NO_OPEN_CASE', 'BANKRUPTCY_STAY', 'INCARCERATION_RELIEF', 'CSWN_CURRENT', 'CSWN_RECENTLY_SENT', 'NO_SSN', 'NO_ADDRESS']);
  });
});

describe('cswn: CSWN_CURRENT (case extract only)', () => {
  it('current when the latest cswn_sent_date is within [D − 365, D]; D − 366 is not', () => {
    world({}, { cswn_sent_date: '2025-11-20' });
    w.addPerson(person('P2', { ssn: '222334444' })).addCase(caseRow('C2', 'P2', { cswn_sent_date: '2025-11-19' }));
    w.addPerson(person('P3', { ssn: '333445555' })).addCase(caseRow('C3', 'P3', { cswn_sent_date: '2025-01-01' })).addCase(caseRow('C4', 'P3', { cswn_sent_date: D }));
    decide();
    expect(decisions(w.db, 'cswn').map((r) => [r.subject_key, r.outcome, r.reason_codes])).toEqual([
      ['P2', 'ISSUE', ''],
      ['P1', 'SUPPRESS', 'CSWN_CURRENT'],
      ['P3', 'SUPPRESS', 'CSWN_CURRENT'],
    ]);
  });

  it('comes before CSWN_RECENTLY_SENT', () => {
    world({}, { cswn_sent_date: '2026-10-01' });
    sentEarlier('2026-10-01');
    decide();
    expect(only().reason_codes).toBe('CSWN_CURRENT');
  });
});

describe('cswn: CSWN_RECENTLY_SENT (this system, earlier dates in [D − 365, D − 1])', () => {
  it('sent on D − 365 blocks; D − 366 does not', () => {
    world();
    sentEarlier('2025-11-20');
    w.addPerson(person('P2', { ssn: '222334444' })).addCase(caseRow('C2', 'P2', { cswn_sent_date: null }));
    sentEarlier('2025-11-19', 'P2');
    decide();
    const rows = decisions(w.db, 'cswn');
    expect(rows.map((r) => [r.subject_key, r.outcome, r.reason_codes])).toEqual([
      ['P2', 'ISSUE', ''],
      ['P1', 'SUPPRESS', 'CSWN_RECENTLY_SENT'],
    ]);
    expect(JSON.parse(rows[1]!.facts).recentlySentOn).toBe('2025-11-20');
  });

  it('sent on D − 1 blocks; a rerun of D does not count its own notice', () => {
    world();
    decide();
    decide();
    expect(only()).toMatchObject({ outcome: 'ISSUE' });
    expect(ledger()).toHaveLength(1);
    decide('2026-11-21');
    expect(only('2026-11-21')).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'CSWN_RECENTLY_SENT' });
  });

  it('across a year: blocked 365 days after the notice, sent again on day 366', () => {
    world();
    decide('2025-11-20');
    expect(only('2025-11-20').outcome).toBe('ISSUE');
    decide('2026-11-20');
    expect(only('2026-11-20').reason_codes).toBe('CSWN_RECENTLY_SENT');
    decide('2026-11-21');
    expect(only('2026-11-21').outcome).toBe('ISSUE');
    expect(summarizeCswn(w.db, '2026-11-20')).toMatchObject({ issued: 0, suppressed: { CSWN_RECENTLY_SENT: 1 } });
  });

  it('follows config.cswn.resendAfterDays', () => {
    world();
    sentEarlier('2026-10-20'); // 31 days before D
    decide(D, parseConfig({ cswn: { resendAfterDays: 30 } }));
    expect(only().outcome).toBe('ISSUE');
  });
});
