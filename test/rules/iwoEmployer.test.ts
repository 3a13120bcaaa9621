/**
 * Employer IWO rules (DOMAIN 6.1) on tiny tables. The default world: obligor P1 on open case C1
 * ($500.00 current + $100.00 arrears a month, 172 days delinquent) working for employer E1
 * (FEIN 941111111, complete address). Two-night tests decide an earlier date first, so the later
 * night compares with real ledger rows.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { computeDerivedFacts } from '../../src/rules/derived.ts';
import { decideIwo, summarizeIwo } from '../../src/rules/iwo.ts';
import { EMPLOYER_ORDERS_IN_FORCE_SQL } from '../../src/rules/iwoEmployer.ts';
import { caseRow, D, decisions, person, World } from '../helpers/world.ts';
import { iwoLedger } from '../helpers/matchIwo.ts';
import type { IwoLedgerRow } from '../helpers/matchIwo.ts';

const config = parseConfig({});
const D0 = '2026-11-19';
const FEIN = '941111111';
type Row = Record<string, string | number | null>;

let w: World;

function world(caseOver: Row = {}, personOver: Row = {}, employerOver: Row = {}): void {
  w.addPerson(person('P1', { ssn: '111223333', line: 2, ...personOver }));
  w.addPerson(person('P9', { last_name: 'SMITH', first_name: 'ANNA', line: 3 }));
  w.addEmployer('E1', { line: 2, ...employerOver });
  w.addCase(caseRow('C1', 'P1', { employer_id: 'E1', obligee_person_id: 'P9', line: 2, ...caseOver }));
}

function decide(date = D) {
  computeDerivedFacts(w.db, date, config);
  decideIwo(w.db, date, config);
  return summarizeIwo(w.db, date);
}

function iwo(date = D) {
  return decisions(w.db, 'iwo', date).filter((r) => r.outcome !== 'TASK');
}

function only(date = D) {
  const rows = iwo(date);
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

/** The employer rows of D's ledger (the only source these tests write), by key. */
function ledger(date = D): IwoLedgerRow[] {
  return iwoLedger(w, date).sort((a, b) => (a.ledger_key < b.ledger_key ? -1 : 1));
}

function dtl(date = D, key = `C1|${FEIN}`): Row {
  const row = ledger(date).find((r) => r.ledger_key === key);
  expect(row, `ledger row ${key} on ${date}`).toBeDefined();
  return row!.dtl as Row;
}

function update(table: string, set: Row, where: string): void {
  const cols = Object.keys(set);
  w.db.prepare(`UPDATE ${table} SET ${cols.map((c) => `"${c}" = ?`).join(', ')} WHERE ${where}`).run(...cols.map((c) => set[c] ?? null));
}

beforeEach(() => {
  w = new World();
});

describe('employer IWO: a new order (ORG)', () => {
  it('issues the full order with per-pay-period amounts, 12-weeks flag, CCPA and the payer fields', () => {
    world({}, {}, { zip: '937211234', address_line2: 'SUITE 9' });
    const summary = decide();
    const d = only();
    expect(d).toMatchObject({ subject_key: `employer|C1|${FEIN}`, outcome: 'ISSUE', reason_codes: '', amount_cents: 60000, case_id: 'C1', person_id: 'P1' });
    expect(JSON.parse(d.facts)).toMatchObject({
      action: 'ORG',
      fein: FEIN,
      employerId: 'E1',
      monthlyCurrentSupportCents: 50000,
      monthlyArrearsPaymentCents: 10000,
      totalCents: 60000,
      daysDelinquent: 172,
      arrearsOver12WeeksDays: 84,
      arrearsOver12Weeks: 1,
      ccpaPercentLimit: 65,
      lcsaCode: '037',
      inForce: null,
    });
    expect(JSON.parse(d.sources)).toEqual([
      { interface: 'case-extract', file: 'cases.csv', line: 2 },
      { interface: 'case-extract', file: 'employers.csv', line: 2 },
    ]);
    const [row] = ledger();
    expect(row).toMatchObject({ source: 'employer', ledger_key: `C1|${FEIN}`, action: 'ORG', person_id: 'P1', case_id: 'C1', lcsa_code: '037', fein: FEIN, current_support_cents: 50000, arrears_payment_cents: 10000 });
    expect(row!.dtl).toMatchObject({
      documentActionCode: 'ORG',
      employerName: 'ACME WIDGETS INC',
      employerAddressLine1: '500 INDUSTRIAL WAY',
      employerAddressLine2: 'SUITE 9',
      employerCity: 'FRESNO',
      employerState: 'CA',
      employerZip5: '93721',
      employerZipExt: '1234',
      employerFein: FEIN,
      orderIdentifier: 'ORD-C1',
      currentChildSupportAmount: 50000,
      currentChildSupportFrequency: 'M',
      pastDueChildSupportAmount: 10000,
      pastDueChildSupportFrequency: 'M',
      currentCashMedicalSupportAmount: 0,
      currentSpousalSupportAmount: 0,
      otherObligationAmount: 0,
      totalObligationAmount: 60000,
      totalObligationFrequency: 'M',
      arrearsGreaterThan12Weeks: 'Y',
      withholdPerWeeklyPay: 13846, // 60000 × 12 / 52 = 13846.15
      withholdPerBiweeklyPay: 27692, // 27692.31
      withholdPerSemimonthlyPay: 30000,
      withholdPerMonthlyPay: 60000,
      ccpaPercentLimit: 65,
      lumpSumPaymentAmount: 0,
    });
    expect(row!.dtl.currentCashMedicalSupportFrequency).toBeNull();
    expect(summary.bySource.employer).toMatchObject({ evaluated: 1, issued: 1, amountCents: 60000 });
    expect(summary.documents).toEqual({ employer: { ORG: 1 } });
  });

  it('a zero amount has a blank frequency; the total keeps frequency M', () => {
    world({ monthly_arrears_payment: 0 });
    decide();
    expect(dtl()).toMatchObject({ currentChildSupportFrequency: 'M', pastDueChildSupportAmount: 0, pastDueChildSupportFrequency: null, totalObligationAmount: 50000, totalObligationFrequency: 'M' });
  });

  it('per-pay-period totals are rounded half-up to the cent from the monthly total in cents', () => {
    // $10.00: weekly 230.769… → 231, biweekly 461.538… → 462; $1,000.01: semimonthly 50000.5 → 50001
    world({ monthly_current_support: 1000, monthly_arrears_payment: 0 });
    w.addPerson(person('P2', { ssn: '222334444', line: 4 }));
    w.addCase(caseRow('C2', 'P2', { employer_id: 'E1', monthly_current_support: 90001, monthly_arrears_payment: 10000, line: 3 }));
    decide();
    expect(dtl()).toMatchObject({ withholdPerWeeklyPay: 231, withholdPerBiweeklyPay: 462, withholdPerSemimonthlyPay: 500, withholdPerMonthlyPay: 1000 });
    // 100001 × 12 / 52 = 23077.15 → 23077; / 26 = 46154.31 → 46154
    expect(dtl(D, `C2|${FEIN}`)).toMatchObject({ withholdPerWeeklyPay: 23077, withholdPerBiweeklyPay: 46154, withholdPerSemimonthlyPay: 50001, withholdPerMonthlyPay: 100001 });
  });

  it('CCPA limit 50 / 55 / 60 / 65 and the 12-weeks flag at 83 / 84 days delinquent', () => {
    w.addEmployer('E1', { line: 2 });
    const cases: Array<[string, string, string, number, string]> = [
      ['C1', 'Y', '2026-08-29', 50, 'N'], // 83 days, supports other dependents
      ['C2', 'Y', '2026-08-28', 55, 'Y'], // 84 days
      ['C3', 'N', '2026-08-29', 60, 'N'],
      ['C4', 'N', '2026-08-28', 65, 'Y'],
    ];
    cases.forEach(([caseId, other, due], i) => {
      w.addPerson(person(`P${i}`, { ssn: `10000000${i}`, supports_other_dependents: other, line: i + 2 }));
      w.addCase(caseRow(caseId, `P${i}`, { employer_id: 'E1', oldest_unpaid_due_date: due, line: i + 2 }));
    });
    decide();
    for (const [caseId, , , ccpa, flag] of cases) {
      expect(dtl(D, `${caseId}|${FEIN}`), caseId).toMatchObject({ ccpaPercentLimit: ccpa, arrearsGreaterThan12Weeks: flag });
      const facts = JSON.parse(iwo().find((r) => r.case_id === caseId)!.facts);
      expect(facts.daysDelinquent, caseId).toBe(flag === 'Y' ? 84 : 83);
    }
  });

  it('names the first six children by numeric child_seq', () => {
    world();
    for (const seq of [11, 2, 10, 3, 4, 5, 6]) w.addChild('C1', seq, { line: seq, first_name: `KID${seq}`, middle_name: seq === 2 ? 'LEE' : null });
    decide();
    const v = dtl();
    expect([1, 2, 3, 4, 5, 6].map((n) => v[`child${n}FirstName`])).toEqual(['KID2', 'KID3', 'KID4', 'KID5', 'KID6', 'KID10']);
    expect(v).toMatchObject({ child1LastName: 'GARCIA', child1MiddleName: 'LEE', child1BirthDate: '2015-05-05' });
    expect(Object.keys(v).filter((k) => k.startsWith('child7'))).toEqual([]);
    expect(Object.values(v)).not.toContain('KID11');
    // stored in child then field order (issue 10: the order is said in the aggregate, not left to a sort)
    const stored = JSON.parse((w.db.prepare(`SELECT dtl_values FROM iwo_ledger WHERE ledger_key = ?`).get(`C1|${FEIN}`) as { dtl_values: string }).dtl_values);
    const fields = ['LastName', 'FirstName', 'MiddleName', 'Suffix', 'BirthDate'];
    expect(Object.keys(stored).filter((k) => k.startsWith('child'))).toEqual(
      [1, 2, 3, 4, 5, 6].flatMap((n) => fields.map((f) => `child${n}${f}`).filter((k) => stored[k] !== undefined)),
    );
    expect(Object.keys(stored).filter((k) => k.startsWith('child')).slice(0, 4)).toEqual(['child1LastName', 'child1FirstName', 'child1MiddleName', 'child1BirthDate']);
  });

  it('leaves every child field blank when the case has no children', () => {
    world();
    decide();
    expect(Object.keys(dtl()).filter((k) => k.startsWith('child'))).toEqual([]);
  });

  it('does not evaluate open cases without an employer, or closed cases', () => {
    world();
    w.addPerson(person('P2', { ssn: '222334444', line: 4 })).addCase(caseRow('C2', 'P2', { line: 3 }));
    w.addPerson(person('P3', { ssn: '333445555', line: 5 })).addCase(caseRow('C3', 'P3', { employer_id: 'E1', status: 'CLOSED', closure_reason: 'PAID', line: 4 }));
    w.addPerson(person('P4', { ssn: '444556666', line: 6 })).addCase(caseRow('C4', 'P4', { employer_id: 'E1', order_id: null, line: 5 }));
    decide();
    expect(iwo().map((r) => r.case_id)).toEqual(['C1']);
  });
});

describe('employer IWO: suppression reasons', () => {
  it('NO_FEIN: an employer without FEIN (or with one that is not 9 digits) gets no IWO', () => {
    world({}, {}, { fein: null });
    w.addEmployer('E2', { fein: '94-111111', line: 3 });
    w.addPerson(person('P2', { ssn: '222334444', line: 4 })).addCase(caseRow('C2', 'P2', { employer_id: 'E2', line: 3 }));
    decide();
    expect(iwo().map((r) => [r.subject_key, r.outcome, r.reason_codes, r.amount_cents])).toEqual([
      ['employer|C1|', 'SUPPRESS', 'NO_FEIN', null],
      ['employer|C2|', 'SUPPRESS', 'NO_FEIN', null],
    ]);
    expect(ledger()).toEqual([]);
  });

  it('NO_ORDER_AMOUNT: both monthly amounts 0 and never ordered', () => {
    world({ monthly_current_support: 0, monthly_arrears_payment: 0 });
    decide();
    expect(only()).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'NO_ORDER_AMOUNT', amount_cents: null });
    expect(ledger()).toEqual([]);
  });

  for (const [field, label] of [
    ['address_line1', 'address line 1'],
    ['city', 'city'],
    ['state', 'state'],
    ['zip', 'ZIP'],
  ] as const) {
    it(`EMPLOYER_INCOMPLETE without ${label}, with one task OTHER per employer record`, () => {
      world({}, {}, { [field]: field === 'city' ? '  ' : null, line: 7 });
      w.addPerson(person('P2', { ssn: '222334444', line: 4 })).addCase(caseRow('C2', 'P2', { employer_id: 'E1', line: 3 }));
      const file = w.addFile('case-extract', 'employers.csv');
      const sha = (w.db.prepare('SELECT sha256 FROM inbound_files WHERE file_id = ?').get(file) as { sha256: string }).sha256;
      const summary = decide();
      expect(iwo().map((r) => [r.case_id, r.outcome, r.reason_codes])).toEqual([
        ['C1', 'SUPPRESS', 'EMPLOYER_INCOMPLETE'],
        ['C2', 'SUPPRESS', 'EMPLOYER_INCOMPLETE'],
      ]);
      const tasks = w.db.prepare('SELECT task_id, task_type, case_id, lcsa_code, person_id, source_interface, source_file, source_line, amount_cents FROM tasks').all();
      expect(tasks).toEqual([
        { task_id: `case-extract-20261120-${sha.slice(0, 8)}-7`, task_type: 'OTHER', case_id: 'C1', lcsa_code: '037', person_id: 'P1', source_interface: 'case-extract', source_file: 'employers.csv', source_line: 7, amount_cents: null },
      ]);
      const task = decisions(w.db, 'iwo').find((r) => r.outcome === 'TASK')!;
      expect(task).toMatchObject({ subject_key: `employer|C1|${FEIN}`, reason_codes: 'EMPLOYER_INCOMPLETE', case_id: 'C1' });
      expect(summary.bySource.employer).toMatchObject({ suppressed: { EMPLOYER_INCOMPLETE: 2 }, tasks: 1 });
      expect(ledger()).toEqual([]);
    });
  }

  const gates: Array<[string, Row, Row]> = [
    ['DECEASED', { deceased_on: D }, {}],
    ['BANKRUPTCY_STAY', {}, { bankruptcy_filed_date: '2026-01-05', bankruptcy_chapter: '13' }],
    ['INCARCERATION_RELIEF', { incarcerated_since: '2026-08-21' }, {}],
  ];
  for (const [gate, personOver, caseOver] of gates) {
    it(`${gate} suppresses a new order`, () => {
      world(caseOver, personOver);
      decide();
      expect(only()).toMatchObject({ outcome: 'SUPPRESS', reason_codes: gate, amount_cents: null });
      expect(ledger()).toEqual([]);
    });
  }

  it('gates come first: a deceased obligor at an employer without FEIN is DECEASED', () => {
    world({}, { deceased_on: '2026-01-01' }, { fein: null });
    decide();
    expect(only().reason_codes).toBe('DECEASED');
  });

  it('NO_SSN: an obligor without a usable SSN gets no ORG or AMD (not an unwritable record every night)', () => {
    world({}, { ssn: null });
    decide(D0);
    expect(only(D0)).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'NO_SSN', amount_cents: null });
    expect(ledger(D0)).toEqual([]);
    update('ce_participants', { ssn: '111223333' }, `person_id = 'P1'`);
    decide();
    expect(only()).toMatchObject({ outcome: 'ISSUE' });
    update('ce_participants', { ssn: null }, `person_id = 'P1'`);
    update('ce_cases', { monthly_current_support: 55000 }, `case_id = 'C1'`);
    decide('2026-11-21');
    expect(only('2026-11-21')).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'NO_SSN' });
    expect(ledger('2026-11-21')).toEqual([]);
  });

  it('no CSWN gate: an IWO is immediate', () => {
    world({ cswn_sent_date: null });
    decide();
    expect(only().outcome).toBe('ISSUE');
  });
});

describe('employer IWO across nights: AMD, NO_CHANGE and TRM against the ledger of earlier dates', () => {
  beforeEach(() => {
    world();
    for (const seq of [1, 2]) w.addChild('C1', seq, { line: seq + 1 });
    decide(D0);
    expect(only(D0).outcome).toBe('ISSUE');
  });

  it('NO_CHANGE when the order in force has the same amounts (no ledger row)', () => {
    const summary = decide();
    expect(only()).toMatchObject({ outcome: 'NO_CHANGE', reason_codes: '', amount_cents: null });
    expect(JSON.parse(only().facts).inForce).toEqual({ businessDate: D0, action: 'ORG', currentSupportCents: 50000, arrearsPaymentCents: 10000 });
    expect(ledger()).toEqual([]);
    expect(summary.bySource.employer).toMatchObject({ noChange: 1 });
  });

  it('NO_CHANGE for the same FEIN under another employer id', () => {
    w.addEmployer('E2', { name: 'ACME WIDGETS WEST', line: 3 });
    update('ce_cases', { employer_id: 'E2' }, `case_id = 'C1'`);
    decide();
    expect(only()).toMatchObject({ subject_key: `employer|C1|${FEIN}`, outcome: 'NO_CHANGE' });
  });

  it('NO_CHANGE while the order in force is unchanged even if the employer address became incomplete', () => {
    update('ce_employers', { city: null }, `employer_id = 'E1'`);
    decide();
    expect(only().outcome).toBe('NO_CHANGE');
  });

  it('AMD when the current support or the arrears payment changes, with the full new order', () => {
    update('ce_cases', { monthly_arrears_payment: 25000 }, `case_id = 'C1'`);
    decide();
    expect(only()).toMatchObject({ outcome: 'AMEND', reason_codes: '', amount_cents: 75000 });
    expect(JSON.parse(only().facts)).toMatchObject({ action: 'AMD', inForce: { action: 'ORG', arrearsPaymentCents: 10000 } });
    expect(ledger()[0]).toMatchObject({ action: 'AMD', current_support_cents: 50000, arrears_payment_cents: 25000 });
    expect(dtl()).toMatchObject({ documentActionCode: 'AMD', totalObligationAmount: 75000, pastDueChildSupportAmount: 25000, child2FirstName: 'CHILD2', employerName: 'ACME WIDGETS INC' });
    // the next night compares with the AMD
    decide('2026-11-21');
    expect(only('2026-11-21').outcome).toBe('NO_CHANGE');
  });

  it('an amount change at an employer whose address became incomplete is suppressed, the order stays in force', () => {
    update('ce_employers', { zip: null }, `employer_id = 'E1'`);
    update('ce_cases', { monthly_current_support: 40000 }, `case_id = 'C1'`);
    w.addFile('case-extract', 'employers.csv');
    decide();
    expect(only()).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'EMPLOYER_INCOMPLETE' });
    expect(ledger()).toEqual([]);
  });

  /** The TRM record: that employer and the children last sent, zero amounts, blank frequencies, CCPA 0, flag N. */
  function expectTermination(key = `C1|${FEIN}`) {
    const v = dtl(D, key);
    expect(v).toMatchObject({
      documentActionCode: 'TRM',
      employerName: 'ACME WIDGETS INC',
      employerAddressLine1: '500 INDUSTRIAL WAY',
      employerCity: 'FRESNO',
      employerZip5: '93721',
      employerFein: FEIN,
      orderIdentifier: 'ORD-C1',
      currentChildSupportAmount: 0,
      currentChildSupportFrequency: null,
      pastDueChildSupportAmount: 0,
      pastDueChildSupportFrequency: null,
      totalObligationAmount: 0,
      totalObligationFrequency: null,
      withholdPerWeeklyPay: 0,
      withholdPerBiweeklyPay: 0,
      withholdPerSemimonthlyPay: 0,
      withholdPerMonthlyPay: 0,
      ccpaPercentLimit: 0,
      arrearsGreaterThan12Weeks: 'N',
      child1FirstName: 'CHILD1',
      child2FirstName: 'CHILD2',
    });
    expect(ledger().find((r) => r.ledger_key === key)).toMatchObject({ action: 'TRM', fein: FEIN, current_support_cents: 0, arrears_payment_cents: 0 });
  }

  it('TRM to the previous FEIN and ORG to the new one when the employer changes', () => {
    w.addEmployer('E2', { fein: '952222222', name: 'BETA FOODS LLC', line: 3 });
    update('ce_cases', { employer_id: 'E2' }, `case_id = 'C1'`);
    // children changed since: the TRM still carries the children last sent
    update('ce_children', { first_name: 'RENAMED' }, `case_id = 'C1'`);
    const summary = decide();
    expect(iwo().map((r) => [r.subject_key, r.outcome, r.reason_codes, r.amount_cents])).toEqual([
      ['employer|C1|952222222', 'ISSUE', '', 60000],
      [`employer|C1|${FEIN}`, 'TERMINATE', 'EMPLOYER_CHANGED', null],
    ]);
    expectTermination();
    expect(dtl(D, 'C1|952222222')).toMatchObject({ documentActionCode: 'ORG', employerName: 'BETA FOODS LLC', child1FirstName: 'RENAMED' });
    expect(JSON.parse(iwo()[1]!.facts)).toMatchObject({ action: 'TRM', trigger: 'EMPLOYER_CHANGED', fein: FEIN, employerId: 'E2', employerFein: '952222222' });
    expect(summary.bySource.employer).toMatchObject({ issued: 1, terminated: 1, endedBy: { EMPLOYER_CHANGED: 1 } });
    expect(summary.documents).toEqual({ employer: { ORG: 1, TRM: 1 } });
  });

  it('TRM when the case no longer has an employer', () => {
    update('ce_cases', { employer_id: null }, `case_id = 'C1'`);
    decide();
    expect(only()).toMatchObject({ outcome: 'TERMINATE', reason_codes: 'EMPLOYER_CHANGED' });
    expect(JSON.parse(only().sources)).toEqual([{ interface: 'case-extract', file: 'cases.csv', line: 2 }]);
    expectTermination();
  });

  it('TRM when the new employer has no FEIN (and the new one is suppressed NO_FEIN)', () => {
    w.addEmployer('E2', { fein: null, line: 3 });
    update('ce_cases', { employer_id: 'E2' }, `case_id = 'C1'`);
    decide();
    expect(iwo().map((r) => [r.subject_key, r.outcome, r.reason_codes])).toEqual([
      ['employer|C1|', 'SUPPRESS', 'NO_FEIN'],
      [`employer|C1|${FEIN}`, 'TERMINATE', 'EMPLOYER_CHANGED'],
    ]);
    expectTermination();
  });

  it('TRM when both monthly amounts drop to zero; the next night it is NO_ORDER_AMOUNT', () => {
    update('ce_cases', { monthly_current_support: 0, monthly_arrears_payment: 0 }, `case_id = 'C1'`);
    decide();
    expect(only()).toMatchObject({ outcome: 'TERMINATE', reason_codes: 'NO_ORDER_AMOUNT', amount_cents: null });
    expectTermination();
    decide('2026-11-21');
    expect(only('2026-11-21')).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'NO_ORDER_AMOUNT' });
  });

  it('TRM when the case closes', () => {
    update('ce_cases', { status: 'CLOSED', closure_reason: 'PAID' }, `case_id = 'C1'`);
    decide();
    expect(only()).toMatchObject({ outcome: 'TERMINATE', reason_codes: 'CASE_CLOSED', case_id: 'C1', person_id: 'P1' });
    expectTermination();
    decide('2026-11-21');
    expect(iwo('2026-11-21')).toEqual([]);
  });

  it('TRM when the case is no longer in the extract (naming the ledger obligor)', () => {
    w.db.prepare(`DELETE FROM ce_children WHERE case_id = 'C1'`).run();
    w.db.prepare(`DELETE FROM ce_cases WHERE case_id = 'C1'`).run();
    decide();
    expect(only()).toMatchObject({ outcome: 'TERMINATE', reason_codes: 'CASE_CLOSED', case_id: 'C1', person_id: 'P1', sources: '[]' });
    expectTermination();
  });

  for (const [gate, personOver, caseOver] of [
    ['DECEASED', { deceased_on: D }, {}],
    ['BANKRUPTCY_STAY', {}, { bankruptcy_filed_date: D, bankruptcy_chapter: '7' }],
    ['INCARCERATION_RELIEF', { incarcerated_since: '2026-08-01' }, {}],
  ] as Array<[string, Row, Row]>) {
    it(`TRM when ${gate} now applies; the next night it is SUPPRESS ${gate}`, () => {
      if (Object.keys(personOver).length) update('ce_participants', personOver, `person_id = 'P1'`);
      if (Object.keys(caseOver).length) update('ce_cases', caseOver, `case_id = 'C1'`);
      decide();
      expect(only()).toMatchObject({ outcome: 'TERMINATE', reason_codes: gate, amount_cents: null });
      expectTermination();
      decide('2026-11-21');
      expect(only('2026-11-21')).toMatchObject({ outcome: 'SUPPRESS', reason_codes: gate });
    });
  }

  it('a gate TRM comes before a suppression: deceased obligor at an employer whose address became incomplete', () => {
    update('ce_participants', { deceased_on: D }, `person_id = 'P1'`);
    update('ce_employers', { address_line1: null }, `employer_id = 'E1'`);
    decide();
    expect(only()).toMatchObject({ outcome: 'TERMINATE', reason_codes: 'DECEASED' });
    expectTermination();
  });

  it('an order terminated on an earlier night is re-issued as ORG when it applies again', () => {
    update('ce_cases', { employer_id: null }, `case_id = 'C1'`);
    decide();
    update('ce_cases', { employer_id: 'E1' }, `case_id = 'C1'`);
    decide('2026-11-21');
    expect(only('2026-11-21')).toMatchObject({ outcome: 'ISSUE', reason_codes: '' });
  });
});

describe('employer IWO: reruns', () => {
  it('a rerun of D replaces its decisions, tasks and ledger rows, and never compares with D itself', () => {
    world();
    w.addPerson(person('P2', { ssn: '222334444', line: 4 }));
    w.addEmployer('E2', { fein: '952222222', city: null, line: 3 });
    w.addCase(caseRow('C2', 'P2', { employer_id: 'E2', line: 3 }));
    w.addFile('case-extract', 'employers.csv');
    decide();
    const first = { decisions: decisions(w.db, 'iwo'), ledger: ledger(), tasks: w.db.prepare('SELECT * FROM tasks').all() };
    decide();
    expect(decisions(w.db, 'iwo')).toEqual(first.decisions);
    expect(ledger()).toEqual(first.ledger);
    expect(w.db.prepare('SELECT * FROM tasks').all()).toEqual(first.tasks);
    expect(iwo().map((r) => r.outcome)).toEqual(['ISSUE', 'SUPPRESS']);
    expect(w.db.prepare('SELECT count(*) AS n FROM decisions').get()).toEqual({ n: 3 });
  });

  it('a rerun of an earlier date after a later one keeps the later ledger rows', () => {
    world();
    decide(D0);
    decide();
    expect(only()).toMatchObject({ outcome: 'NO_CHANGE' });
    decide(D0);
    expect(only(D0).outcome).toBe('ISSUE');
    expect(ledger(D0)).toHaveLength(1);
  });

  it('the order in force is the latest ledger row of its key before D, ORG or AMD (a TRM ends it)', () => {
    world();
    decide('2026-11-16'); // ORG 600.00
    update('ce_cases', { monthly_current_support: 55000 }, `case_id = 'C1'`);
    decide('2026-11-17'); // AMD 650.00
    update('ce_cases', { employer_id: null }, `case_id = 'C1'`);
    decide('2026-11-18'); // TRM
    update('ce_cases', { employer_id: 'E1', monthly_current_support: 60000 }, `case_id = 'C1'`);
    decide(D0); // ORG 700.00
    expect(ledger('2026-11-17')[0]!.action).toBe('AMD');
    expect(ledger('2026-11-18')[0]!.action).toBe('TRM');
    expect(ledger(D0)[0]!.action).toBe('ORG');
    decide();
    expect(only()).toMatchObject({ outcome: 'NO_CHANGE' });
    expect(JSON.parse(only().facts).inForce).toEqual({ businessDate: D0, action: 'ORG', currentSupportCents: 60000, arrearsPaymentCents: 10000 });
  });

  it('finds the orders in force through the ledger key index, without sorting the ledger history', () => {
    world();
    decide(D0);
    const plan = (w.db.prepare(`EXPLAIN QUERY PLAN ${EMPLOYER_ORDERS_IN_FORCE_SQL}`).all({ d: D, source: 'employer' }) as Array<{ detail: string }>)
      .map((r) => r.detail)
      .join('\n');
    expect(plan).toContain('COVERING INDEX iwo_ledger_by_key');
    expect(plan).not.toMatch(/TEMP B-TREE|SCAN iwo_ledger|SCAN l\b/);
    expect(w.db.prepare(EMPLOYER_ORDERS_IN_FORCE_SQL).all({ d: D, source: 'employer' })).toHaveLength(1);
  });
});
