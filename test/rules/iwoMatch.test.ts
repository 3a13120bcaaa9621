/**
 * IWOs from match records (DOMAIN 6.2) on tiny tables: one obligor P1 (SSN 111223333) with open
 * case C1 — $500.00 monthly current support, $100.00 arrears payment, total $5,100.00, CSWN current,
 * 172 days delinquent — and one match record per test. Two-night tests run D1 then D = 2026-11-20.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { computeDerivedFacts } from '../../src/rules/derived.ts';
import { decideMatchIwos } from '../../src/rules/iwoMatch.ts';
import { loadPayers } from '../../src/rules/payers.ts';
import { caseRow, D, decisions, person, World } from '../helpers/world.ts';
import { addCalpers, addDir, addEdd, addInsurance, iwoLedger, SSN } from '../helpers/matchIwo.ts';
import type { IwoLedgerRow } from '../helpers/matchIwo.ts';

const config = parseConfig({});
const D1 = '2026-11-13';
const EDD_FEIN = loadPayers().find((p) => p.payerCode === 'EDD')!.fein;
const CALPERS_FEIN = loadPayers().find((p) => p.payerCode === 'CALPERS')!.fein;

let w: World;

type Over = Record<string, string | number | null>;

function obligor(personOver: Over = {}, caseOver: Over = {}): void {
  w.addPerson(person('P1', { ssn: SSN, ...personOver }));
  w.addCase(caseRow('C1', 'P1', caseOver));
}

function decide(date = D): void {
  computeDerivedFacts(w.db, date, config);
  decideMatchIwos(w.db, date, config);
}

function iwo(date = D) {
  return decisions(w.db, 'iwo', date);
}

function only(date = D) {
  const rows = iwo(date).filter((r) => r.outcome !== 'TASK');
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

function ledger(date = D): IwoLedgerRow[] {
  return iwoLedger(w, date);
}

function tasks() {
  return w.db
    .prepare('SELECT mechanism, task_type, case_id, lcsa_code, person_id, source_interface, source_file, source_line, amount_cents FROM tasks ORDER BY task_id')
    .all() as Array<Record<string, unknown>>;
}

beforeEach(() => {
  w = new World();
});

describe('EDD (UI/DI claims)', () => {
  it('ORG to EDD at 25% of the weekly benefit, rounded half-up, frequency W, naming the primary case', () => {
    obligor();
    w.addChild('C1', 2, { first_name: 'SECOND' }).addChild('C1', 10, { first_name: 'TENTH' }).addChild('C1', 1, { first_name: 'FIRST' });
    const f = w.addFile('edd', 'edd-a.txt');
    addEdd(w, f, { weeklyBenefitAmount: 45002 }); // 450.02 × 25% = 112.505 → 112.51
    decide();
    const d = only();
    expect(d).toMatchObject({ subject_key: 'edd|EDD000000123', outcome: 'ISSUE', reason_codes: '', amount_cents: 11251, person_id: 'P1', case_id: 'C1' });
    expect(JSON.parse(d.facts)).toMatchObject({ action: 'ORG', percentApplied: 25, lcsaCode: '037', record: { weeklyBenefitCents: 45002 } });
    expect(JSON.parse(d.sources)).toEqual([{ interface: 'edd', file: 'edd-a.txt', line: 1 }]);
    const [row, ...rest] = ledger();
    expect(rest).toEqual([]);
    expect(row).toMatchObject({ source: 'edd', ledger_key: 'EDD000000123', action: 'ORG', person_id: 'P1', case_id: 'C1', lcsa_code: '037', fein: EDD_FEIN, current_support_cents: 0, arrears_payment_cents: 0 });
    expect(row!.dtl).toMatchObject({
      documentActionCode: 'ORG',
      employerName: 'EMPLOYMENT DEVELOPMENT DEPARTMENT',
      employerFein: EDD_FEIN,
      employerCity: 'SACRAMENTO',
      employerState: 'CA',
      employerZip5: '94280',
      employerZipExt: '0001',
      totalObligationAmount: 11251,
      totalObligationFrequency: 'W',
      withholdPerWeeklyPay: 11251,
      withholdPerMonthlyPay: 0,
      currentChildSupportAmount: 0,
      currentChildSupportFrequency: '',
      pastDueChildSupportAmount: 0,
      arrearsGreaterThan12Weeks: 'N',
      ccpaPercentLimit: 25,
      lumpSumPaymentAmount: 0,
      orderIdentifier: 'ORD-C1',
      child1FirstName: 'FIRST',
      child2FirstName: 'SECOND',
      child3FirstName: 'TENTH',
      child1BirthDate: '2015-05-05',
    });
    expect(row!.dtl.child4FirstName ?? null).toBeNull();
  });

  it('rounds 25% half-up: 450.01 → 112.50 (112.5025), 450.03 → 112.51 (112.5075)', () => {
    obligor();
    const f = w.addFile('edd', 'edd-a.txt');
    addEdd(w, f, { claimId: 'EDDA', weeklyBenefitAmount: 45001 });
    addEdd(w, f, { claimId: 'EDDB', weeklyBenefitAmount: 45003 });
    decide();
    expect(iwo().map((d) => [d.subject_key, d.amount_cents])).toEqual([['edd|EDDA', 11250], ['edd|EDDB', 11251]]);
  });

  it('a DI claim is withheld like UI; an obligor owing only arrears qualifies', () => {
    obligor({}, { monthly_current_support: 0 });
    addEdd(w, w.addFile('edd', 'edd-a.txt'), { claimType: 'D' });
    decide();
    expect(only()).toMatchObject({ outcome: 'ISSUE', amount_cents: 11251 });
  });

  it('PFL claims are never withheld (SUPPRESS PFL_NOT_WITHHELD)', () => {
    obligor();
    addEdd(w, w.addFile('edd', 'edd-a.txt'), { claimType: 'P' });
    decide();
    expect(only()).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'PFL_NOT_WITHHELD', amount_cents: null });
    expect(ledger()).toEqual([]);
  });

  it('NOTHING_OWED when the obligor owes no current support and no total', () => {
    obligor({}, { monthly_current_support: 0, monthly_arrears_payment: 0, arrears_family: 0, arrears_interest: 0 });
    addEdd(w, w.addFile('edd', 'edd-a.txt'));
    decide();
    expect(only()).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'NOTHING_OWED' });
  });

  it('NO_BENEFIT_AMOUNT when the weekly benefit is 0', () => {
    obligor();
    addEdd(w, w.addFile('edd', 'edd-a.txt'), { weeklyBenefitAmount: 0 });
    decide();
    expect(only()).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'NO_BENEFIT_AMOUNT' });
  });

  it('the same active record on a later night is NO_CHANGE; a changed benefit is AMD', () => {
    obligor();
    addEdd(w, w.addFile('edd', 'edd-1.txt', D1), { claimId: 'SAME' });
    addEdd(w, w.addFile('edd', 'edd-1b.txt', D1), { claimId: 'CHANGED' });
    decide(D1);
    expect(ledger(D1).map((r) => r.action)).toEqual(['ORG', 'ORG']);
    const f = w.addFile('edd', 'edd-2.txt');
    addEdd(w, f, { claimId: 'SAME' });
    addEdd(w, f, { claimId: 'CHANGED', weeklyBenefitAmount: 60000 });
    decide();
    expect(iwo().map((d) => [d.subject_key, d.outcome, d.amount_cents])).toEqual([
      ['edd|CHANGED', 'AMEND', 15000],
      ['edd|SAME', 'NO_CHANGE', null],
    ]);
    const rows = ledger();
    expect(rows.map((r) => [r.ledger_key, r.action])).toEqual([['CHANGED', 'AMD']]);
    expect(rows[0]!.dtl).toMatchObject({ documentActionCode: 'AMD', totalObligationAmount: 15000, withholdPerWeeklyPay: 15000 });
  });

  it('a later record with status E or T terminates the order in force (TRM to EDD, zero amounts)', () => {
    obligor();
    w.addChild('C1', 1);
    const f1 = w.addFile('edd', 'edd-1.txt', D1);
    addEdd(w, f1, { claimId: 'EXH' });
    addEdd(w, f1, { claimId: 'TRM' });
    decide(D1);
    const f2 = w.addFile('edd', 'edd-2.txt');
    addEdd(w, f2, { claimId: 'EXH', claimStatus: 'E' });
    addEdd(w, f2, { claimId: 'TRM', claimStatus: 'T' });
    decide();
    expect(iwo().map((d) => [d.subject_key, d.outcome, d.reason_codes, d.amount_cents, d.case_id])).toEqual([
      ['edd|EXH', 'TERMINATE', 'CLAIM_ENDED', null, 'C1'],
      ['edd|TRM', 'TERMINATE', 'CLAIM_ENDED', null, 'C1'],
    ]);
    const rows = ledger();
    expect(rows.map((r) => [r.ledger_key, r.action, r.fein])).toEqual([['EXH', 'TRM', EDD_FEIN], ['TRM', 'TRM', EDD_FEIN]]);
    expect(rows[0]!.dtl).toMatchObject({
      documentActionCode: 'TRM', totalObligationAmount: 0, withholdPerWeeklyPay: 0,
      ccpaPercentLimit: 0, arrearsGreaterThan12Weeks: 'N', employerFein: EDD_FEIN, child1FirstName: 'CHILD1',
    });
    expect(rows[0]!.dtl.totalObligationFrequency ?? null).toBeNull(); // blank frequency
    expect(JSON.parse(iwo()[0]!.facts)).toMatchObject({ action: 'TRM', trigger: 'CLAIM_ENDED', orderInForce: { since: D1, action: 'ORG' } });
  });

  it('an order in force whose obligor now owes nothing is terminated (TERMINATE NOTHING_OWED)', () => {
    obligor();
    addEdd(w, w.addFile('edd', 'edd-1.txt', D1));
    decide(D1);
    w.db.prepare("UPDATE ce_cases SET monthly_current_support = 0, monthly_arrears_payment = 0, arrears_family = 0, arrears_interest = 0").run();
    addEdd(w, w.addFile('edd', 'edd-2.txt'));
    decide();
    expect(only()).toMatchObject({ outcome: 'TERMINATE', reason_codes: 'NOTHING_OWED', amount_cents: null, case_id: 'C1' });
    expect(ledger().map((r) => [r.action, r.fein, r.case_id])).toEqual([['TRM', EDD_FEIN, 'C1']]);
  });

  it('an ended claim with no order in force is NO_CHANGE (nothing to send)', () => {
    obligor();
    addEdd(w, w.addFile('edd', 'edd-a.txt'), { claimStatus: 'T' });
    decide();
    expect(only()).toMatchObject({ outcome: 'NO_CHANGE', reason_codes: '', amount_cents: null });
    expect(ledger()).toEqual([]);
  });

  it('acts on the later record of a claim loaded on D (later line supersedes); sources list both', () => {
    obligor();
    const f = w.addFile('edd', 'edd-a.txt');
    addEdd(w, f, { claimStatus: 'A' });
    addEdd(w, f, { claimStatus: 'T' });
    decide();
    const d = only();
    expect(d.outcome).toBe('NO_CHANGE');
    expect(JSON.parse(d.sources)).toEqual([
      { interface: 'edd', file: 'edd-a.txt', line: 2 },
      { interface: 'edd', file: 'edd-a.txt', line: 1 },
    ]);
  });

  it('records of earlier nights are not acted on again', () => {
    obligor({}, { bankruptcy_filed_date: '2026-01-01' });
    addEdd(w, w.addFile('edd', 'edd-1.txt', D1));
    decide(D1);
    decide();
    expect(iwo()).toEqual([]);
  });
});

describe('gates (DOMAIN 5) on match IWOs', () => {
  const cases: Array<[string, Over, Over]> = [
    ['DECEASED', { deceased_on: D }, {}],
    ['NO_OPEN_CASE', {}, { status: 'CLOSED', closure_reason: 'OTHER' }],
    ['NO_CURRENT_CSWN', {}, { cswn_sent_date: null }],
    ['BANKRUPTCY_STAY', {}, { bankruptcy_filed_date: '2026-10-01' }],
  ];
  for (const [reason, p, c] of cases) {
    it(`${reason} suppresses EDD, DIR TD and insurance`, () => {
      obligor(p, c);
      addEdd(w, w.addFile('edd', 'edd-a.txt'));
      addDir(w, w.addFile('dir-wc', 'dir-a.txt'));
      addInsurance(w, w.addFile('ocss-im', 'im-a.txt'));
      decide();
      expect(iwo().map((d) => [d.subject_key.split('|')[0], d.outcome, d.reason_codes])).toEqual([
        ['dir-wc', 'SUPPRESS', reason],
        ['edd', 'SUPPRESS', reason],
        ['ocss-im', 'SUPPRESS', reason],
      ]);
      expect(ledger()).toEqual([]);
      expect(tasks()).toEqual([]);
    });
  }

  it('the first failing gate in DOMAIN order is the reason (deceased before bankruptcy)', () => {
    obligor({ deceased_on: '2026-01-01' }, { bankruptcy_filed_date: '2026-10-01' });
    addEdd(w, w.addFile('edd', 'edd-a.txt'));
    decide();
    expect(only()).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'DECEASED' });
  });

  it('incarceration relief does not affect match IWOs', () => {
    obligor({ incarcerated_since: '2026-01-01' });
    addEdd(w, w.addFile('edd', 'edd-a.txt'));
    decide();
    expect(only()).toMatchObject({ outcome: 'ISSUE' });
  });

  it('a bankruptcy stay on an order in force terminates it; a lapsed CSWN keeps it (NO_CHANGE)', () => {
    w.addPerson(person('P1', { ssn: SSN })).addPerson(person('P2', { ssn: '222334444' }));
    w.addCase(caseRow('C1', 'P1')).addCase(caseRow('C2', 'P2'));
    const f1 = w.addFile('edd', 'edd-1.txt', D1);
    addEdd(w, f1, { claimId: 'BK' });
    addEdd(w, f1, { claimId: 'CSWN', ssn: '222334444' });
    decide(D1);
    w.db.prepare("UPDATE ce_cases SET bankruptcy_filed_date = '2026-11-15' WHERE case_id = 'C1'").run();
    w.db.prepare("UPDATE ce_cases SET cswn_sent_date = NULL WHERE case_id = 'C2'").run();
    const f2 = w.addFile('edd', 'edd-2.txt');
    addEdd(w, f2, { claimId: 'BK' });
    addEdd(w, f2, { claimId: 'CSWN', ssn: '222334444' });
    decide();
    expect(iwo().map((d) => [d.subject_key, d.outcome, d.reason_codes])).toEqual([
      ['edd|CSWN', 'NO_CHANGE', ''],
      ['edd|BK', 'TERMINATE', 'BANKRUPTCY_STAY'],
    ]);
    expect(JSON.parse(iwo()[1]!.facts)).toMatchObject({ trigger: 'BANKRUPTCY_STAY' });
    expect(ledger().map((r) => [r.ledger_key, r.action])).toEqual([['BK', 'TRM']]);
  });
});

describe('ambiguous and unmatched SSNs', () => {
  it('a record on a shared SSN raises task OTHER with no person, case or LCSA, and no decision', () => {
    obligor();
    w.addPerson(person('P9', { ssn: SSN }));
    addEdd(w, w.addFile('edd', 'edd-a.txt'));
    addInsurance(w, w.addFile('ocss-im', 'im-a.txt'));
    decide();
    expect(tasks()).toEqual([
      { mechanism: 'iwo', task_type: 'OTHER', case_id: null, lcsa_code: null, person_id: null, source_interface: 'edd', source_file: 'edd-a.txt', source_line: 1, amount_cents: 45002 },
      { mechanism: 'iwo', task_type: 'OTHER', case_id: null, lcsa_code: null, person_id: null, source_interface: 'ocss-im', source_file: 'im-a.txt', source_line: 1, amount_cents: 300000 },
    ]);
    expect(iwo().map((d) => [d.subject_key, d.outcome, d.reason_codes])).toEqual([
      ['AMBIGUOUS_SSN|edd:edd-a.txt:1', 'TASK', 'AMBIGUOUS_SSN'],
      ['AMBIGUOUS_SSN|ocss-im:im-a.txt:1', 'TASK', 'AMBIGUOUS_SSN'],
    ]);
    expect(ledger()).toEqual([]);
  });

  it('a record on an SSN of nobody is not matched (no decision, no task)', () => {
    obligor();
    addEdd(w, w.addFile('edd', 'edd-a.txt'), { ssn: '999887777' });
    decide();
    expect(iwo()).toEqual([]);
    expect(tasks()).toEqual([]);
  });
});

describe('DIR temporary disability', () => {
  it('ORG to the claims administrator of the record at 25% of the weekly rate, frequency W', () => {
    obligor();
    addDir(w, w.addFile('dir-wc', 'dir-a.txt'), { weeklyBenefitRate: 80002 }); // 800.02 × 25% = 200.005 → 200.01
    decide();
    expect(only()).toMatchObject({ subject_key: 'dir-wc|WC-2026-0001', outcome: 'ISSUE', amount_cents: 20001, case_id: 'C1' });
    const [row] = ledger();
    expect(row).toMatchObject({ source: 'dir-wc', ledger_key: 'WC-2026-0001', action: 'ORG', fein: '946000321' });
    expect(row!.dtl).toMatchObject({
      employerName: 'STATE COMPENSATION INSURANCE FUND', employerAddressLine1: 'PO BOX 8192', employerCity: 'PLEASANTON',
      employerState: 'CA', employerZip5: '94588', employerZipExt: '8192', employerFein: '946000321',
      totalObligationAmount: 20001, totalObligationFrequency: 'W', withholdPerWeeklyPay: 20001, ccpaPercentLimit: 25,
    });
  });

  it('a later record with status C terminates the order (TRM to the administrator)', () => {
    obligor();
    addDir(w, w.addFile('dir-wc', 'dir-1.txt', D1));
    decide(D1);
    addDir(w, w.addFile('dir-wc', 'dir-2.txt'), { claimStatus: 'C' });
    decide();
    expect(only()).toMatchObject({ outcome: 'TERMINATE', amount_cents: null });
    expect(ledger().map((r) => [r.action, r.fein, r.dtl.totalObligationAmount])).toEqual([['TRM', '946000321', 0]]);
  });

  it('NO_FEIN (administrator FEIN zeros) and EMPLOYER_INCOMPLETE raise task OTHER on the primary case', () => {
    obligor();
    const f = w.addFile('dir-wc', 'dir-a.txt');
    addDir(w, f, { claimNumber: 'NOFEIN', claimsAdministratorFein: '000000000' });
    addDir(w, f, { claimNumber: 'NOCITY', administratorCity: null });
    decide();
    expect(iwo().map((d) => [d.subject_key, d.outcome, d.reason_codes])).toEqual([
      ['dir-wc|NOCITY', 'SUPPRESS', 'EMPLOYER_INCOMPLETE'],
      ['dir-wc|NOFEIN', 'SUPPRESS', 'NO_FEIN'],
      ['dir-wc|NOCITY', 'TASK', 'EMPLOYER_INCOMPLETE'],
      ['dir-wc|NOFEIN', 'TASK', 'NO_FEIN'],
    ]);
    expect(tasks().map((t) => [t.task_type, t.case_id, t.lcsa_code, t.person_id, t.source_line])).toEqual([
      ['OTHER', 'C1', '037', 'P1', 1],
      ['OTHER', 'C1', '037', 'P1', 2],
    ]);
  });

  it('PD and LS records are left to the worklist', () => {
    obligor();
    const f = w.addFile('dir-wc', 'dir-a.txt');
    addDir(w, f, { benefitType: 'PD', awardAmount: 1000000 });
    addDir(w, f, { benefitType: 'LS', claimNumber: 'X2', awardAmount: 1000000 });
    decide();
    expect(iwo()).toEqual([]);
  });
});

describe('insurance claims (ocss-im)', () => {
  it('LUM to the insurer for min(total, estimated payment), once per (obligor, insurer, claim)', () => {
    obligor();
    addInsurance(w, w.addFile('ocss-im', 'im-a.txt'), { estimatedPaymentAmount: 900000 });
    decide();
    expect(only()).toMatchObject({ subject_key: 'ocss-im|P1|136000001|BI-77', outcome: 'ISSUE', amount_cents: 510000, case_id: 'C1' });
    const [row] = ledger();
    expect(row).toMatchObject({ action: 'LUM', fein: '136000001', ledger_key: 'P1|136000001|BI-77' });
    expect(row!.dtl).toMatchObject({
      documentActionCode: 'LUM', employerName: 'GOOD HANDS INSURANCE CO', employerState: 'IL', employerZip5: '60062',
      lumpSumPaymentAmount: 510000, totalObligationAmount: 510000, totalObligationFrequency: '',
      withholdPerWeeklyPay: 0, withholdPerMonthlyPay: 0, ccpaPercentLimit: 0,
    });
  });

  it('$1,000.00 qualifies; $999.99 is CLAIM_BELOW_THRESHOLD', () => {
    obligor();
    const f = w.addFile('ocss-im', 'im-a.txt');
    addInsurance(w, f, { claimNumber: 'AT', estimatedPaymentAmount: 100000 });
    addInsurance(w, f, { claimNumber: 'BELOW', estimatedPaymentAmount: 99999 });
    decide();
    expect(iwo().map((d) => [d.subject_key, d.outcome, d.reason_codes, d.amount_cents])).toEqual([
      ['ocss-im|P1|136000001|AT', 'ISSUE', '', 100000],
      ['ocss-im|P1|136000001|BELOW', 'SUPPRESS', 'CLAIM_BELOW_THRESHOLD', null],
    ]);
  });

  it('a lump sum is sent once: the same claim on a later night is NO_CHANGE', () => {
    obligor();
    addInsurance(w, w.addFile('ocss-im', 'im-1.txt', D1));
    decide(D1);
    expect(only(D1)).toMatchObject({ outcome: 'ISSUE', amount_cents: 300000 });
    addInsurance(w, w.addFile('ocss-im', 'im-2.txt'), { claimStatus: 'S', estimatedPaymentAmount: 400000 });
    decide();
    expect(only()).toMatchObject({ outcome: 'NO_CHANGE', amount_cents: null });
    expect(JSON.parse(only().facts)).toMatchObject({ lumpSumSent: 1 });
    expect(ledger()).toEqual([]);
  });

  it('CLAIM_CLOSED (status C) and NOTHING_OWED (total 0)', () => {
    obligor();
    w.addPerson(person('P2', { ssn: '222334444' })).addCase(caseRow('C2', 'P2', { arrears_family: 0, arrears_interest: 0 }));
    const f = w.addFile('ocss-im', 'im-a.txt');
    addInsurance(w, f, { claimStatus: 'C' });
    addInsurance(w, f, { obligorSsn: '222334444' });
    decide();
    expect(iwo().map((d) => [d.subject_key, d.reason_codes])).toEqual([
      ['ocss-im|P1|136000001|BI-77', 'CLAIM_CLOSED'],
      ['ocss-im|P2|136000001|BI-77', 'NOTHING_OWED'],
    ]);
  });

  it('an insurer identifier that is not 9 digits: SUPPRESS INSURER_NOT_FEIN and task INSURANCE_SETTLEMENT_FOLLOWUP', () => {
    obligor();
    addInsurance(w, w.addFile('ocss-im', 'im-a.txt'), { insurerIdentifier: 'ISO12345' });
    decide();
    expect(iwo().map((d) => [d.subject_key, d.outcome, d.reason_codes, d.amount_cents])).toEqual([
      ['ocss-im|P1|ISO12345|BI-77', 'SUPPRESS', 'INSURER_NOT_FEIN', null],
      ['ocss-im|P1|ISO12345|BI-77', 'TASK', 'INSURER_NOT_FEIN', 300000],
    ]);
    expect(tasks()).toEqual([
      { mechanism: 'iwo', task_type: 'INSURANCE_SETTLEMENT_FOLLOWUP', case_id: 'C1', lcsa_code: '037', person_id: 'P1', source_interface: 'ocss-im', source_file: 'im-a.txt', source_line: 1, amount_cents: 300000 },
    ]);
    expect(ledger()).toEqual([]);
  });

  it('a record suppressed for its own reason before the payer checks raises no payer task (DOMAIN 6.2 "task instead" of a LUM / IWO)', () => {
    obligor();
    w.addPerson(person('P2', { ssn: '222334444' })).addCase(caseRow('C2', 'P2', { arrears_family: 0, arrears_interest: 0, monthly_current_support: 0 }));
    const im = w.addFile('ocss-im', 'im-a.txt');
    addInsurance(w, im, { insurerIdentifier: 'ISO12345', estimatedPaymentAmount: 50000 }); // below $1,000
    addInsurance(w, im, { insurerIdentifier: 'ISO12345', claimNumber: 'BI-78', claimStatus: 'C' });
    addDir(w, w.addFile('dir-wc', 'dir-a.txt'), { ssn: '222334444', claimsAdministratorFein: '000000000' }); // P2 owes nothing
    decide();
    expect(iwo().map((d) => [d.subject_key, d.outcome, d.reason_codes])).toEqual([
      ['dir-wc|WC-2026-0001', 'SUPPRESS', 'NOTHING_OWED'],
      ['ocss-im|P1|ISO12345|BI-77', 'SUPPRESS', 'CLAIM_BELOW_THRESHOLD'],
      ['ocss-im|P1|ISO12345|BI-78', 'SUPPRESS', 'CLAIM_CLOSED'],
    ]);
    expect(tasks()).toEqual([]);
  });

  it('an insurer without city is EMPLOYER_INCOMPLETE with the follow-up task', () => {
    obligor();
    addInsurance(w, w.addFile('ocss-im', 'im-a.txt'), { insurerCity: null });
    decide();
    expect(only()).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'EMPLOYER_INCOMPLETE' });
    expect(tasks().map((t) => t.task_type)).toEqual(['INSURANCE_SETTLEMENT_FOLLOWUP']);
  });
});

describe('CalPERS', () => {
  it('ORG for the primary case monthly current support + arrears payment, frequency M, to CalPERS', () => {
    obligor();
    w.addPerson(person('P1B')).addCase(caseRow('C0', 'P1', { arrears_family: 100 })); // smaller principal: not primary
    addCalpers(w, w.addFile('calpers', 'calpers-a.txt'), { monthlyGrossBenefit: 500000 });
    decide();
    expect(only()).toMatchObject({ subject_key: 'calpers|M00000000042|R', outcome: 'ISSUE', amount_cents: 60000, case_id: 'C1' });
    const [row] = ledger();
    expect(row).toMatchObject({ source: 'calpers', ledger_key: 'M00000000042|R', action: 'ORG', fein: CALPERS_FEIN, case_id: 'C1' });
    expect(row!.dtl).toMatchObject({
      employerName: 'CALIFORNIA PUBLIC EMPLOYEES RETIREMENT SYSTEM', employerFein: CALPERS_FEIN,
      totalObligationAmount: 60000, totalObligationFrequency: 'M', withholdPerMonthlyPay: 60000, withholdPerWeeklyPay: 0,
      currentChildSupportAmount: 0, pastDueChildSupportAmount: 0, ccpaPercentLimit: 50,
    });
  });

  it('caps at 50% of the gross (half-up), reducing the arrears part first', () => {
    obligor();
    const f = w.addFile('calpers', 'calpers-a.txt');
    // 1,100.01 × 50% = 550.005 → 550.01: current 500.00 + arrears 50.01 (of 100.00)
    addCalpers(w, f, { memberId: 'CAPPED', monthlyGrossBenefit: 110001 });
    // 800.00 × 50% = 400.00: current 400.00 (of 500.00), arrears 0
    addCalpers(w, f, { memberId: 'CURRENT', monthlyGrossBenefit: 80000 });
    decide();
    expect(iwo().map((d) => [d.subject_key, d.amount_cents])).toEqual([
      ['calpers|CAPPED|R', 55001],
      ['calpers|CURRENT|R', 40000],
    ]);
    expect(JSON.parse(iwo()[0]!.facts).record).toMatchObject({ capCents: 55001, currentSupportPartCents: 50000, arrearsPartCents: 5001 });
  });

  it('has no CSWN gate; disability (D) and survivor (S) benefits are withheld too', () => {
    obligor({}, { cswn_sent_date: null });
    const f = w.addFile('calpers', 'calpers-a.txt');
    addCalpers(w, f, { benefitType: 'D' });
    addCalpers(w, f, { benefitType: 'S' });
    decide();
    expect(iwo().map((d) => [d.subject_key, d.outcome])).toEqual([
      ['calpers|M00000000042|D', 'ISSUE'],
      ['calpers|M00000000042|S', 'ISSUE'],
    ]);
  });

  it('DECEASED, NO_OPEN_CASE and BANKRUPTCY_STAY gates', () => {
    w.addPerson(person('P1', { ssn: SSN, deceased_on: '2026-11-01' })).addCase(caseRow('C1', 'P1'));
    w.addPerson(person('P2', { ssn: '222334444' })).addCase(caseRow('C2', 'P2', { status: 'CLOSED' }));
    w.addPerson(person('P3', { ssn: '333445555' })).addCase(caseRow('C3', 'P3', { bankruptcy_filed_date: '2026-11-01' }));
    const f = w.addFile('calpers', 'calpers-a.txt');
    addCalpers(w, f, { memberId: 'A' });
    addCalpers(w, f, { memberId: 'B', ssn: '222334444' });
    addCalpers(w, f, { memberId: 'C', ssn: '333445555' });
    decide();
    expect(iwo().map((d) => [d.subject_key, d.outcome, d.reason_codes])).toEqual([
      ['calpers|A|R', 'SUPPRESS', 'DECEASED'],
      ['calpers|B|R', 'SUPPRESS', 'NO_OPEN_CASE'],
      ['calpers|C|R', 'SUPPRESS', 'BANKRUPTCY_STAY'],
    ]);
  });

  it('NO_ORDER_AMOUNT when the primary case has no monthly amounts', () => {
    obligor({}, { monthly_current_support: 0, monthly_arrears_payment: 0 });
    addCalpers(w, w.addFile('calpers', 'calpers-a.txt'));
    decide();
    expect(only()).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'NO_ORDER_AMOUNT' });
  });

  it('a changed amount is AMD; a later status S or T is TRM', () => {
    obligor();
    const f1 = w.addFile('calpers', 'calpers-1.txt', D1);
    addCalpers(w, f1, { memberId: 'AMD', monthlyGrossBenefit: 500000 });
    addCalpers(w, f1, { memberId: 'SUS' });
    addCalpers(w, f1, { memberId: 'TRM' });
    decide(D1);
    const f2 = w.addFile('calpers', 'calpers-2.txt');
    addCalpers(w, f2, { memberId: 'AMD', monthlyGrossBenefit: 100000 }); // cap 500.00 → current 500.00 only
    addCalpers(w, f2, { memberId: 'SUS', retirementStatus: 'S' });
    addCalpers(w, f2, { memberId: 'TRM', retirementStatus: 'T' });
    decide();
    expect(iwo().map((d) => [d.subject_key, d.outcome, d.amount_cents])).toEqual([
      ['calpers|AMD|R', 'AMEND', 50000],
      ['calpers|SUS|R', 'TERMINATE', null],
      ['calpers|TRM|R', 'TERMINATE', null],
    ]);
    expect(ledger().map((r) => [r.ledger_key, r.action, r.dtl.totalObligationAmount, r.dtl.withholdPerMonthlyPay])).toEqual([
      ['AMD|R', 'AMD', 50000, 50000],
      ['SUS|R', 'TRM', 0, 0],
      ['TRM|R', 'TRM', 0, 0],
    ]);
  });

  it('a terminated order is issued again (ORG) when the benefit becomes active again', () => {
    obligor();
    addCalpers(w, w.addFile('calpers', 'calpers-0.txt', '2026-11-06'));
    decide('2026-11-06');
    addCalpers(w, w.addFile('calpers', 'calpers-1.txt', D1), { retirementStatus: 'S' });
    decide(D1);
    addCalpers(w, w.addFile('calpers', 'calpers-2.txt'));
    decide();
    expect(only()).toMatchObject({ outcome: 'ISSUE', amount_cents: 60000 });
    expect(ledger().map((r) => r.action)).toEqual(['ORG']);
  });

  it('type L: LUM for min(50% of the lump sum, total), once per claim across nights', () => {
    obligor();
    addCalpers(w, w.addFile('calpers', 'calpers-1.txt', D1), { benefitType: 'L', monthlyGrossBenefit: 0, lumpSumAmount: 300001 });
    decide(D1);
    // 3,000.01 × 50% = 1,500.005 → 1,500.01 (below the total 5,100.00)
    expect(only(D1)).toMatchObject({ subject_key: 'calpers|M00000000042|L', outcome: 'ISSUE', amount_cents: 150001 });
    expect(ledger(D1)[0]!.dtl).toMatchObject({ documentActionCode: 'LUM', lumpSumPaymentAmount: 150001, totalObligationAmount: 150001, ccpaPercentLimit: 50 });
    addCalpers(w, w.addFile('calpers', 'calpers-2.txt'), { benefitType: 'L', monthlyGrossBenefit: 0, lumpSumAmount: 300001 });
    decide();
    expect(only()).toMatchObject({ outcome: 'NO_CHANGE' });
    expect(ledger()).toEqual([]);
  });

  it('type L is capped at the obligor total; NO_LUMP_SUM without a lump sum', () => {
    obligor();
    const f = w.addFile('calpers', 'calpers-a.txt');
    addCalpers(w, f, { memberId: 'BIG', benefitType: 'L', lumpSumAmount: 5000000 });
    addCalpers(w, f, { memberId: 'NONE', benefitType: 'L', lumpSumAmount: 0 });
    decide();
    expect(iwo().map((d) => [d.subject_key, d.outcome, d.reason_codes, d.amount_cents])).toEqual([
      ['calpers|BIG|L', 'ISSUE', '', 510000],
      ['calpers|NONE|L', 'SUPPRESS', 'NO_LUMP_SUM', null],
    ]);
  });
});
