/**
 * Metro 2 credit reporting (DOMAIN 6.8) on tiny tables. The default world: obligor P1 (noticed
 * 2026-01-01, complete address) with one open case C1 owing $5,000.00 + $100.00 interest, paying
 * $500 + $100 a month. Each test changes the one thing its rule is about. Month ends are run as
 * the nightly runs them (decide + build + summarize).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { computeDerivedFacts } from '../../src/rules/derived.ts';
import { decideMetro2, isMonthEnd, METRO2_MECHANISM, metro2Due } from '../../src/rules/metro2.ts';
import { generationCode } from '../../src/outbound/metro2.ts';
import { caseRow, decisions, person, World } from '../helpers/world.ts';
import { addDays, bases, NIGHTLY, RUN_METRO2, runMetro2, writeTemp } from '../helpers/metro2.ts';
import { validateFile } from '../../src/validate.ts';

type Row = Record<string, string | number | null>;

const NOV = '2026-11-30';
const config = parseConfig({});

let w: World;

function obligor(personOver: Row = {}, id = 'P1'): void {
  w.addPerson(person(id, { ssn: '123456789', ...personOver }));
}

function openCase(id: string, over: Row = {}, obligorId = 'P1'): void {
  w.addCase(caseRow(id, obligorId, { credit_notice_sent_date: '2026-01-01', ...over }));
}

function update(table: 'ce_cases' | 'ce_participants', key: string, over: Row): void {
  const keyCol = table === 'ce_cases' ? 'case_id' : 'person_id';
  const cols = Object.keys(over);
  w.db.prepare(`UPDATE ${table} SET ${cols.map((c) => `"${c}" = ?`).join(', ')} WHERE ${keyCol} = ?`).run(...cols.map((c) => over[c] ?? null), key);
}

function metro2Decisions(date: string) {
  return decisions(w.db, METRO2_MECHANISM, date);
}

function only(date: string) {
  const rows = metro2Decisions(date);
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

function ledger(caseId = 'C1') {
  return w.db
    .prepare('SELECT business_date, account_status, payment_rating, current_balance, amount_past_due, date_closed FROM metro2_ledger WHERE case_id = ? ORDER BY business_date')
    .all(caseId) as Array<Record<string, unknown>>;
}

beforeEach(() => {
  w = new World();
});

describe('metro2: when the file is produced', () => {
  it('is due on the last day of the month, on run metro2, and not on other nightly dates', () => {
    expect(isMonthEnd('2026-11-30')).toBe(true);
    expect(isMonthEnd('2028-02-29')).toBe(true);
    expect(isMonthEnd('2026-02-28')).toBe(true);
    expect(isMonthEnd('2028-02-28')).toBe(false);
    expect(metro2Due('2026-11-20', NIGHTLY)).toBe('NOT_DUE');
    expect(metro2Due('2026-11-20', { command: 'run', requested: ['levy-otw'] })).toBe('NOT_DUE');
    expect(metro2Due('2026-11-20', RUN_METRO2)).toBe('REQUESTED');
    expect(metro2Due(NOV, NIGHTLY)).toBe('MONTH_END');
  });

  it('writes no file, decisions or ledger on a nightly that is not a month end', () => {
    obligor();
    openCase('C1');
    const night = runMetro2(w, '2026-11-20');
    expect(night.file).toBeUndefined();
    expect(metro2Decisions('2026-11-20')).toEqual([]);
    expect(ledger()).toEqual([]);
    expect(night.summary).toMatchObject({ produced: false, due: 'NOT_DUE', baseSegments: 0 });
    expect(night.summary.reason).toMatch(/not the last day of the month and not asked for/);
  });

  it('is produced mid-month when asked for with run metro2', () => {
    obligor();
    openCase('C1');
    const night = runMetro2(w, '2026-11-20', RUN_METRO2);
    expect(night.file?.file).toBe('metro2.txt');
    expect(night.records.map((r) => r.name)).toEqual(['header', 'base', 'trailer']);
    expect(night.summary).toMatchObject({ produced: true, due: 'REQUESTED', baseSegments: 1 });
    expect(ledger()).toHaveLength(1);
  });

  it('keeps the file of a run metro2 when a later nightly of the same (not due) date runs', () => {
    obligor();
    openCase('C1');
    runMetro2(w, '2026-11-20', RUN_METRO2);
    const again = runMetro2(w, '2026-11-20', NIGHTLY);
    expect(again.file).toBeUndefined();
    expect(ledger()).toHaveLength(1);
    expect(metro2Decisions('2026-11-20')).toHaveLength(1);
    expect(again.summary).toMatchObject({ produced: true, due: 'REQUESTED' });
  });

  it('writes no file when there is no base segment (the trailer cannot be empty)', () => {
    obligor();
    openCase('C1', { credit_notice_sent_date: null });
    const night = runMetro2(w, NOV);
    expect(night.file).toBeUndefined();
    expect(only(NOV)).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'NOT_NOTICED_30_DAYS' });
    expect(night.summary).toMatchObject({ produced: false, due: 'MONTH_END', baseSegments: 0, suppressed: { NOT_NOTICED_30_DAYS: 1 } });
    expect(night.summary.reason).toMatch(/no base segment/);
  });

  it('replaces its decisions and ledger when the month end is rerun', () => {
    obligor();
    openCase('C1');
    const first = runMetro2(w, NOV);
    const second = runMetro2(w, NOV);
    expect(metro2Decisions(NOV)).toHaveLength(1);
    expect(ledger()).toHaveLength(1);
    expect(second.file?.content).toEqual(first.file?.content);
  });
});

describe('metro2: the base segment of an open case', () => {
  it('carries the fields of DOMAIN 6.8', () => {
    obligor({ middle_name: 'Luisa', dob: '1980-02-03', phone: '9165551234', address_line2: 'Apt 4', zip: '956701234' });
    openCase('C1', { lcsa_code: '067', order_date: '2019-04-05', last_payment_date: '2026-11-03', last_payment_amount: 25099 });
    const night = runMetro2(w, NOV);
    const b = bases(night).get('C1')!;
    expect(b).toMatchObject({
      recordDescriptorWord: '0426',
      processingIndicator: '1',
      timeStamp: '2026-11-30T00:00:00',
      correctionIndicator: '0',
      identificationNumber: 'CADCSS067',
      consumerAccountNumber: 'C1',
      portfolioType: 'O',
      accountType: '50',
      dateOpened: '2019-04-05',
      termsDuration: '001',
      termsFrequency: 'M',
      scheduledMonthlyPaymentAmount: 600,
      actualPaymentAmount: 250,
      accountStatus: '84',
      paymentRating: null,
      paymentHistoryProfile: 'B'.repeat(24),
      currentBalance: 5100,
      amountPastDue: 5100,
      dateOfAccountInformation: NOV,
      dateOfFirstDelinquency: '2026-06-01',
      dateClosed: null,
      dateOfLastPayment: '2026-11-03',
      surname: 'GARCIA',
      firstName: 'MARIA',
      middleName: 'LUISA',
      ssn: '123456789',
      dateOfBirth: '1980-02-03',
      telephoneNumber: '9165551234',
      ecoaCode: '1',
      consumerInformationIndicator: null,
      addressLine1: '1 MAIN ST',
      addressLine2: 'APT 4',
      city: 'LOS ANGELES',
      state: 'CA',
      postalCode: '956701234',
    });
    const header = night.records[0]!.values;
    expect(header).toMatchObject({ activityDate: NOV, dateCreated: NOV, reporterAddress: '11150 INTERNATIONAL DR RANCHO CORDOVA CA 95670' });
    expect(header.reporterName).toBe('CALIFORNIA DEPT OF CHILD SUPPORT SERVICES'.slice(0, 40));
    const d = only(NOV);
    expect(d).toMatchObject({ outcome: 'ISSUE', reason_codes: '', amount_cents: 510000, case_id: 'C1', person_id: 'P1', subject_key: 'C1' });
    expect(JSON.parse(d.facts)).toMatchObject({ action: 'REPORT', accountStatus: '84', daysDelinquent: 182, totalCents: 510000, firstReport: true });
    expect(JSON.parse(d.sources)).toEqual([
      { interface: 'case-extract', file: 'cases.csv', line: 0 },
      { interface: 'case-extract', file: 'participants.csv', line: 0 },
    ]);
    const ref = w.db.prepare('SELECT output_ref FROM decisions WHERE mechanism = ?').get(METRO2_MECHANISM) as { output_ref: string };
    expect(ref.output_ref).toBe('metro2.txt:2');
  });

  it('truncates the balance to whole dollars and uses the configured identification prefix and reporter', () => {
    obligor();
    openCase('C1', { arrears_family: 123499, arrears_interest: 0, monthly_current_support: 12399, monthly_arrears_payment: 0 });
    const cfg = parseConfig({ metro2: { identificationPrefix: 'CA06', reporterName: 'DCSS TEST', reporterAddress: 'PO BOX 1 SACRAMENTO CA' } });
    const night = runMetro2(w, NOV, NIGHTLY, cfg);
    expect(bases(night).get('C1')).toMatchObject({ currentBalance: 1234, amountPastDue: 1234, scheduledMonthlyPaymentAmount: 123, identificationNumber: 'CA06037' });
    expect(night.records[0]!.values).toMatchObject({ reporterName: 'DCSS TEST', reporterAddress: 'PO BOX 1 SACRAMENTO CA' });
  });

  it.each([
    [0, '11'], [29, '11'], [30, '71'], [59, '71'], [60, '78'], [89, '78'], [90, '80'], [119, '80'],
    [120, '82'], [149, '82'], [150, '83'], [179, '83'], [180, '84'], [900, '84'],
  ])('status by the case days delinquent: %i days → %s', (days, status) => {
    obligor();
    const due = days === 0 ? null : addDays(NOV, -days);
    openCase('C1', { oldest_unpaid_due_date: due });
    const b = bases(runMetro2(w, NOV)).get('C1')!;
    expect(b.accountStatus).toBe(status);
    expect(JSON.parse(only(NOV).facts).daysDelinquent).toBe(days);
    if (status === '11') {
      // current: amount past due 0 and DOFD zero-filled, even with a due date 29 days old
      expect(b).toMatchObject({ amountPastDue: 0, dateOfFirstDelinquency: null, currentBalance: 5100 });
    } else {
      expect(b).toMatchObject({ amountPastDue: 5100, dateOfFirstDelinquency: due, currentBalance: 5100 });
    }
  });

  it("uses each case's own days delinquent, not the obligor's maximum", () => {
    obligor();
    openCase('C1', { oldest_unpaid_due_date: addDays(NOV, -200) });
    openCase('C2', { oldest_unpaid_due_date: addDays(NOV, -10) });
    const b = bases(runMetro2(w, NOV));
    expect(b.get('C1')!.accountStatus).toBe('84');
    expect(b.get('C2')!.accountStatus).toBe('11');
  });

  it('reports a delinquent case with less than $1 owed as current (a past-due status needs an amount past due)', async () => {
    obligor();
    // only foster-care arrears (no longer enforced, DOMAIN 4) behind a 200-day-old unpaid due date
    openCase('C1', { arrears_family: 0, arrears_state: 0, arrears_foster_care: 40000, arrears_interest: 0, oldest_unpaid_due_date: addDays(NOV, -200) });
    // 75 cents owed, 100 days: whole dollars 0
    openCase('C2', { arrears_family: 75, arrears_interest: 0, oldest_unpaid_due_date: addDays(NOV, -100) });
    // $1.00 owed, 100 days: still 80
    openCase('C3', { arrears_family: 100, arrears_interest: 0, oldest_unpaid_due_date: addDays(NOV, -100) });
    const night = runMetro2(w, NOV);
    const b = bases(night);
    for (const id of ['C1', 'C2']) {
      expect(b.get(id)).toMatchObject({ accountStatus: '11', currentBalance: 0, amountPastDue: 0, dateOfFirstDelinquency: null });
    }
    expect(b.get('C3')).toMatchObject({ accountStatus: '80', currentBalance: 1, amountPastDue: 1, dateOfFirstDelinquency: addDays(NOV, -100) });
    // the file the writer produced passes the Metro 2 validator
    const result = await validateFile(writeTemp(night.file!.content as readonly string[]), 'metro2');
    expect(result.errors).toEqual([]);
  });

  it('writes base segments sorted by consumer account number, with every trailer total computed', () => {
    obligor();
    obligor({ ssn: null, phone: '9165550000' }, 'P2'); // identified by the date of birth alone
    openCase('C3', { oldest_unpaid_due_date: null });
    openCase('C10', { oldest_unpaid_due_date: addDays(NOV, -45) });
    openCase('C2', { oldest_unpaid_due_date: null }, 'P2');
    const night = runMetro2(w, NOV);
    expect(night.records.filter((r) => r.name === 'base').map((r) => r.values.consumerAccountNumber)).toEqual(['C10', 'C2', 'C3']);
    const trailer = night.records.at(-1)!.values;
    expect(trailer).toMatchObject({
      totalBaseRecords: '000000003',
      blockCount: '000000005',
      totalStatusCode11: '000000002',
      totalStatusCode71: '000000001',
      totalStatusCode84: '000000000',
      totalSsnBase: '000000002',
      totalSsnAllSegments: '000000002',
      totalDobBase: '000000003',
      totalDobAllSegments: '000000003',
      totalTelephoneAllSegments: '000000001',
      totalJ1Segments: '000000000',
    });
    expect(night.file?.controls).toMatchObject({ 'trailer.totalBaseRecords': '000000003', 'trailer.blockCount': '000000005' });
  });

  it('reports the actual payment only when the last payment falls in the month of D', () => {
    obligor();
    openCase('C1', { last_payment_date: '2026-11-01', last_payment_amount: 30050 });
    openCase('C2', { last_payment_date: '2026-10-31', last_payment_amount: 30050 });
    const b = bases(runMetro2(w, NOV));
    expect(b.get('C1')).toMatchObject({ actualPaymentAmount: 300, dateOfLastPayment: '2026-11-01' });
    expect(b.get('C2')).toMatchObject({ actualPaymentAmount: 0, dateOfLastPayment: '2026-10-31' });
  });

  it.each([
    ['7', 'A'],
    ['11', 'B'],
    ['12', 'C'],
    ['13', 'D'],
  ])('active bankruptcy chapter %s sets the consumer information indicator %s', (chapter, cii) => {
    obligor();
    openCase('C1', { bankruptcy_filed_date: '2026-10-01', bankruptcy_chapter: chapter });
    expect(bases(runMetro2(w, NOV)).get('C1')!.consumerInformationIndicator).toBe(cii);
  });

  it('leaves the indicator blank once the bankruptcy has closed, and before it is filed', () => {
    obligor();
    openCase('C1', { bankruptcy_filed_date: '2026-01-01', bankruptcy_chapter: '13', bankruptcy_closed_date: '2026-11-30' });
    openCase('C2', { bankruptcy_filed_date: '2026-12-01', bankruptcy_chapter: '7' });
    const b = bases(runMetro2(w, NOV));
    expect(b.get('C1')!.consumerInformationIndicator).toBeNull();
    expect(b.get('C2')!.consumerInformationIndicator).toBeNull();
    expect(metro2Decisions(NOV).every((d) => d.outcome === 'ISSUE')).toBe(true);
  });

  it('sets the indicator in one month and blanks it the month after the bankruptcy closes', () => {
    obligor();
    openCase('C1', { bankruptcy_filed_date: '2026-10-01', bankruptcy_chapter: '7' });
    expect(bases(runMetro2(w, NOV)).get('C1')!.consumerInformationIndicator).toBe('A');
    update('ce_cases', 'C1', { bankruptcy_closed_date: '2026-12-15' });
    expect(bases(runMetro2(w, '2026-12-31')).get('C1')!.consumerInformationIndicator).toBeNull();
  });

  it.each([
    ['JR', 'J'],
    ['Sr.', 'S'],
    ['II', '2'],
    ['III', '3'],
    ['IV', '4'],
    ['IX', '9'],
    ['ESQ', null],
    [null, null],
  ])('generation code from suffix %s → %s', (suffix, code) => {
    expect(generationCode(suffix)).toBe(code);
    obligor({ suffix });
    openCase('C1');
    expect(bases(runMetro2(w, NOV)).get('C1')!.generationCode).toBe(code);
  });
});

describe('metro2: suppression', () => {
  it('NOT_NOTICED_30_DAYS: the notice must be at least 30 days before D on the first report', () => {
    obligor();
    openCase('C1', { credit_notice_sent_date: addDays(NOV, -30) });
    runMetro2(w, NOV);
    expect(only(NOV)).toMatchObject({ outcome: 'ISSUE' });

    w = new World();
    obligor();
    openCase('C1', { credit_notice_sent_date: addDays(NOV, -29) });
    runMetro2(w, NOV);
    const d = only(NOV);
    expect(d).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'NOT_NOTICED_30_DAYS', amount_cents: null });
    expect(JSON.parse(d.facts)).toMatchObject({ creditNoticeSentDate: '2026-11-01', noticeCutoff: '2026-10-31', noticeDays: 30, firstReport: true });
    expect(ledger()).toEqual([]);
  });

  it("NOT_NOTICED_30_DAYS uses the obligor's latest notice over the open cases", () => {
    obligor();
    openCase('C1', { credit_notice_sent_date: null });
    openCase('C2', { credit_notice_sent_date: '2026-09-01' });
    runMetro2(w, NOV);
    expect(metro2Decisions(NOV).map((d) => d.outcome)).toEqual(['ISSUE', 'ISSUE']);
  });

  it('needs the notice only for the first report', () => {
    obligor();
    openCase('C1');
    runMetro2(w, '2026-10-31');
    update('ce_cases', 'C1', { credit_notice_sent_date: null });
    runMetro2(w, NOV);
    expect(only(NOV)).toMatchObject({ outcome: 'ISSUE' });
    expect(JSON.parse(only(NOV).facts)).toMatchObject({ firstReport: false, lastReportedDate: '2026-10-31' });
  });

  it('NOT_NOTICED_30_DAYS with no notice at all', () => {
    obligor();
    openCase('C1', { credit_notice_sent_date: null });
    runMetro2(w, NOV);
    expect(only(NOV)).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'NOT_NOTICED_30_DAYS' });
  });

  it('INCARCERATION_RELIEF: still in custody more than 90 days', () => {
    obligor({ incarcerated_since: addDays(NOV, -91) });
    openCase('C1');
    runMetro2(w, NOV);
    const d = only(NOV);
    expect(d).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'INCARCERATION_RELIEF' });
    expect(JSON.parse(d.facts)).toMatchObject({ inCustody: true, incarceratedSince: addDays(NOV, -91), incarcerationReliefDays: 90 });
  });

  it('reports an obligor in custody exactly 90 days, and one released (the post-release window does not apply)', () => {
    obligor({ incarcerated_since: addDays(NOV, -90) });
    obligor({ incarcerated_since: '2025-01-01', released_on: '2026-10-01' }, 'P2');
    openCase('C1');
    openCase('C2', {}, 'P2');
    runMetro2(w, NOV);
    expect(metro2Decisions(NOV).map((d) => [d.subject_key, d.outcome])).toEqual([
      ['C1', 'ISSUE'],
      ['C2', 'ISSUE'],
    ]);
  });

  it('NO_ORDER_DATE', () => {
    obligor();
    openCase('C1', { order_date: null });
    runMetro2(w, NOV);
    expect(only(NOV)).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'NO_ORDER_DATE' });
  });

  it.each(['address_line1', 'city', 'state', 'zip'])('NO_ADDRESS without %s', (column) => {
    obligor({ [column]: column === 'city' ? '  ' : null });
    openCase('C1');
    runMetro2(w, NOV);
    expect(only(NOV)).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'NO_ADDRESS' });
  });

  it('NO_IDENTITY: neither SSN nor date of birth (the bureaus cannot match the consumer)', () => {
    obligor({ ssn: null, dob: null });
    openCase('C1');
    runMetro2(w, NOV);
    expect(only(NOV)).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'NO_IDENTITY' });
  });

  it('DECEASED suppresses the report of an open case (gate "all")', () => {
    obligor({ deceased_on: '2026-11-01' });
    openCase('C1');
    runMetro2(w, NOV);
    expect(only(NOV)).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'DECEASED' });
  });

  it('applies the reasons in order: notice before incarceration before order date before address', () => {
    obligor({ incarcerated_since: '2025-01-01', city: null });
    openCase('C1', { credit_notice_sent_date: null, order_date: null });
    runMetro2(w, NOV);
    expect(only(NOV).reason_codes).toBe('NOT_NOTICED_30_DAYS');
    update('ce_cases', 'C1', { credit_notice_sent_date: '2026-01-01' });
    runMetro2(w, NOV);
    expect(only(NOV).reason_codes).toBe('INCARCERATION_RELIEF');
    update('ce_participants', 'P1', { incarcerated_since: null });
    runMetro2(w, NOV);
    expect(only(NOV).reason_codes).toBe('NO_ORDER_DATE');
    update('ce_cases', 'C1', { order_date: '2020-01-01' });
    runMetro2(w, NOV);
    expect(only(NOV).reason_codes).toBe('NO_ADDRESS');
  });

  it('does not report a case without an order, or a closed case never reported', () => {
    obligor();
    openCase('C1', { order_id: null });
    openCase('C2', { status: 'CLOSED', closure_reason: 'PAID' });
    runMetro2(w, NOV);
    expect(metro2Decisions(NOV)).toEqual([]);
  });
});

describe('metro2: closed cases', () => {
  it('reports 13 once after closing, with balance and past due 0, rating from the last status and the first date seen closed', () => {
    obligor();
    openCase('C1', { oldest_unpaid_due_date: addDays(NOV, -75) }); // 78 in November
    runMetro2(w, NOV);
    // closes on 2026-12-08: seen closed first on the nightly of 12-09 (not a month end: no file)
    runMetro2(w, '2026-12-08');
    update('ce_cases', 'C1', { status: 'CLOSED', closure_reason: 'PAID', oldest_unpaid_due_date: null });
    const seen = runMetro2(w, '2026-12-09');
    expect(seen.file).toBeUndefined();
    expect(seen.summary.closuresSeen).toBe(1);
    runMetro2(w, '2026-12-10');
    const dec = runMetro2(w, '2026-12-31');
    const b = bases(dec).get('C1')!;
    expect(b).toMatchObject({
      accountStatus: '13',
      paymentRating: '2',
      currentBalance: 0,
      amountPastDue: 0,
      scheduledMonthlyPaymentAmount: 0,
      dateClosed: '2026-12-09',
      // rating 2: the DOFD of the last report stays
      dateOfFirstDelinquency: addDays(NOV, -75),
      paymentHistoryProfile: `2${'B'.repeat(23)}`,
    });
    expect(only('2026-12-31')).toMatchObject({ outcome: 'ISSUE', amount_cents: 0 });
    expect(JSON.parse(only('2026-12-31').facts)).toMatchObject({ action: 'CLOSE', lastReportedStatus: '78' });
    // reported once: the next month the case is no longer a subject
    runMetro2(w, '2027-01-31');
    expect(metro2Decisions('2027-01-31')).toEqual([]);
    expect(ledger().map((l) => l.account_status)).toEqual(['78', '13']);
  });

  it('rates a closed case 0 when its last report was 11, with DOFD zero-filled, even when the obligor has no open case left', () => {
    obligor();
    openCase('C1', { oldest_unpaid_due_date: null });
    runMetro2(w, NOV);
    update('ce_cases', 'C1', { status: 'CLOSED', closure_reason: 'EMANCIPATED' });
    const dec = runMetro2(w, '2026-12-31');
    expect(bases(dec).get('C1')).toMatchObject({ accountStatus: '13', paymentRating: '0', dateOfFirstDelinquency: null, dateClosed: '2026-12-31' });
  });

  it.each([
    ['71', '1', 45],
    ['80', '3', 100],
    ['82', '4', 130],
    ['83', '5', 160],
    ['84', '6', 200],
  ])('closed after status %s → rating %s', (status, rating, days) => {
    obligor();
    openCase('C1', { oldest_unpaid_due_date: addDays(NOV, -days) });
    expect(bases(runMetro2(w, NOV)).get('C1')!.accountStatus).toBe(status);
    update('ce_cases', 'C1', { status: 'CLOSED', closure_reason: 'OTHER' });
    expect(bases(runMetro2(w, '2026-12-31')).get('C1')).toMatchObject({ accountStatus: '13', paymentRating: rating });
  });

  it('reports DA for a case withdrawn by the court', () => {
    obligor();
    openCase('C1');
    runMetro2(w, NOV);
    update('ce_cases', 'C1', { status: 'CLOSED', closure_reason: 'WITHDRAWN_BY_COURT' });
    const b = bases(runMetro2(w, '2026-12-31')).get('C1')!;
    expect(b).toMatchObject({ accountStatus: 'DA', paymentRating: null, currentBalance: 0, amountPastDue: 0, dateClosed: '2026-12-31' });
    expect(JSON.parse(only('2026-12-31').facts)).toMatchObject({ action: 'DELETE' });
  });

  it('gives a closed case its final report even when the obligor is deceased, in custody or no longer noticed', () => {
    obligor();
    openCase('C1');
    runMetro2(w, NOV);
    update('ce_cases', 'C1', { status: 'CLOSED', closure_reason: 'PAID', credit_notice_sent_date: null });
    update('ce_participants', 'P1', { deceased_on: '2026-12-01', incarcerated_since: '2026-01-01' });
    runMetro2(w, '2026-12-31');
    expect(only('2026-12-31')).toMatchObject({ outcome: 'ISSUE' });
  });

  it('forgets the closure date when the case reopens', () => {
    obligor();
    openCase('C1');
    runMetro2(w, NOV);
    update('ce_cases', 'C1', { status: 'CLOSED', closure_reason: 'PAID' });
    runMetro2(w, '2026-12-05');
    expect(w.db.prepare('SELECT closed_since FROM metro2_case_state').all()).toEqual([{ closed_since: '2026-12-05' }]);
    update('ce_cases', 'C1', { status: 'OPEN', closure_reason: null });
    runMetro2(w, '2026-12-06');
    expect(w.db.prepare('SELECT closed_since FROM metro2_case_state').all()).toEqual([]);
    update('ce_cases', 'C1', { status: 'CLOSED', closure_reason: 'PAID' });
    runMetro2(w, '2026-12-20');
    expect(bases(runMetro2(w, '2026-12-31')).get('C1')!.dateClosed).toBe('2026-12-20');
  });
});

describe('metro2: payment history profile', () => {
  it('is built from earlier months: position 1 = the month before D, a month with no report → B', () => {
    obligor();
    // July: 11; August: 78; September: not reported (no address); October: 84; November: D
    openCase('C1', { oldest_unpaid_due_date: null });
    runMetro2(w, '2026-07-31');
    update('ce_cases', 'C1', { oldest_unpaid_due_date: '2026-06-20' });
    runMetro2(w, '2026-08-31');
    update('ce_participants', 'P1', { city: null });
    runMetro2(w, '2026-09-30');
    expect(only('2026-09-30').reason_codes).toBe('NO_ADDRESS');
    update('ce_participants', 'P1', { city: 'LOS ANGELES' });
    update('ce_cases', 'C1', { oldest_unpaid_due_date: '2026-04-01' });
    runMetro2(w, '2026-10-31');
    const nov = runMetro2(w, NOV);
    expect(bases(nov).get('C1')!.paymentHistoryProfile).toBe(`6B20${'B'.repeat(20)}`);
    expect(JSON.parse(only(NOV).facts).paymentHistoryProfile).toBe(`6B20${'B'.repeat(20)}`);
  });

  it('takes the latest report of a month and ignores reports older than 24 months', () => {
    obligor();
    openCase('C1', { oldest_unpaid_due_date: null, credit_notice_sent_date: '2024-01-01' });
    runMetro2(w, '2024-10-31'); // 25 months before November 2026: outside the profile
    runMetro2(w, '2024-11-30'); // 24 months before: position 24
    runMetro2(w, '2026-10-15', RUN_METRO2); // 11, superseded by the month end of October
    update('ce_cases', 'C1', { oldest_unpaid_due_date: addDays('2026-10-31', -40) });
    runMetro2(w, '2026-10-31');
    const php = bases(runMetro2(w, NOV)).get('C1')!.paymentHistoryProfile as string;
    expect(php).toHaveLength(24);
    expect(php[0]).toBe('1');
    expect(php.slice(1, 23)).toBe('B'.repeat(22));
    expect(php[23]).toBe('0');
  });
});

describe('metro2: decide without the writer', () => {
  it('records one decision per subject and one ledger row per ISSUE', () => {
    obligor();
    openCase('C1');
    openCase('C2', { order_date: null });
    computeDerivedFacts(w.db, NOV, config);
    decideMetro2(w.db, NOV, config, NIGHTLY);
    expect(metro2Decisions(NOV).map((d) => [d.subject_key, d.outcome, d.reason_codes])).toEqual([
      ['C1', 'ISSUE', ''],
      ['C2', 'SUPPRESS', 'NO_ORDER_DATE'],
    ]);
    expect(ledger('C1')).toEqual([{ business_date: NOV, account_status: '84', payment_rating: '', current_balance: 5100, amount_past_due: 5100, date_closed: null }]);
    expect(ledger('C2')).toEqual([]);
  });

  it('turns a segment that cannot be written into SUPPRESS UNWRITABLE_VALUE and drops its ledger row', () => {
    obligor();
    openCase('C1');
    openCase('C2', { arrears_family: 1_000_000_000_000_00 }); // 10 digits of dollars: does not fit N(9)
    const night = runMetro2(w, NOV);
    expect(night.unwritable).toBe(1);
    expect(metro2Decisions(NOV).find((d) => d.subject_key === 'C2')).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'UNWRITABLE_VALUE' });
    expect(ledger('C2')).toEqual([]);
    expect([...bases(night).keys()]).toEqual(['C1']);
  });
});
