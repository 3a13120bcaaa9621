/**
 * Federal offset and passport certification (DOMAIN 6.6) on tiny tables: one obligor with a
 * pre-offset notice and a current CSWN, one change per test. D = 2026-11-20; multi-night tests
 * move the case extract between nights and decide again (the ledger carries the state).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import type { Config } from '../../src/config.ts';
import { computeDerivedFacts } from '../../src/rules/derived.ts';
import { decideFop, fopExclusions, summarizeFop } from '../../src/rules/fop.ts';
import { caseRow, D, decisions, person, World } from '../helpers/world.ts';

const config = parseConfig({});
const SSN = '111223333';
type Over = Record<string, string | number | null>;

let w: World;

/** P1 owes N = $5,000.00 (family), A = 0, 172 days delinquent, PON 2026-01-15, CSWN 2026-03-01. */
function obligor(personOver: Over = {}, caseOver: Over = {}): void {
  w.addPerson(person('P1', { ssn: SSN, ...personOver }));
  w.addCase(caseRow('C1', 'P1', { pon_sent_date: '2026-01-15', ...caseOver }));
}

function night(date = D, cfg: Config = config) {
  computeDerivedFacts(w.db, date, cfg);
  decideFop(w.db, date, cfg);
  return summarizeFop(w.db, date);
}

function rows(date = D) {
  return decisions(w.db, 'fop', date).filter((r) => r.outcome !== 'TASK');
}

function one(date = D, type = 'N') {
  const r = rows(date).filter((x) => x.subject_key === `P1|${type}`);
  expect(r).toHaveLength(1);
  return { ...r[0]!, f: JSON.parse(r[0]!.facts) };
}

function updateCase(set: Over, caseId = 'C1'): void {
  const cols = Object.keys(set);
  w.db.prepare(`UPDATE ce_cases SET ${cols.map((c) => `${c} = ?`).join(', ')} WHERE case_id = ?`).run(...cols.map((c) => set[c] ?? null), caseId);
}

function updatePerson(set: Over, personId = 'P1'): void {
  const cols = Object.keys(set);
  w.db.prepare(`UPDATE ce_participants SET ${cols.map((c) => `${c} = ?`).join(', ')} WHERE person_id = ?`).run(...cols.map((c) => set[c] ?? null), personId);
}

function ledger(type = 'N') {
  return w.db
    .prepare(
      `SELECT business_date, action, certified, sent_date, ssn, case_id, last_name, first_name, address_line1, city, zip,
              amount_dollars, exclusions, pon_date, rejected, error_codes, reject_source
       FROM fop_ledger WHERE person_id = 'P1' AND case_type = ? ORDER BY business_date`,
    )
    .all(type) as Array<Record<string, unknown>>;
}

/** oldest unpaid due date giving `days` days delinquent on D. */
function delinquent(days: number): string {
  const d = new Date(`${D}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

function reject(date: string, codes: string[], caseType = 'N', ssn = SSN): { file: string; line: number } {
  const file = `FOP_REJ_${date.replace(/-/g, '')}_${caseType}_${ssn.slice(-4)}.txt`;
  const id = w.addFile('fop-rejects', file, date);
  const codeCols = Object.fromEntries([1, 2, 3, 4, 5, 6].map((i) => [`errorCode${i}`, codes[i - 1] ?? '00']));
  const line = w.addStaged('fop-rejects', caseType === 'A' ? 'tanfDetail' : 'nonTanfDetail', id, {
    submittingState: 'CA',
    ssn,
    caseId: 'C1',
    lastName: 'GARCIA',
    transactionType: 'A',
    caseType,
    ...codeCols,
  });
  return { file, line };
}

beforeEach(() => {
  w = new World();
});

describe('fop: certification (A)', () => {
  it('adds a record per case type with every A field, amount in whole dollars', () => {
    obligor({}, { arrears_state: 300099, arrears_family: 500050 });
    const s = night();
    const n = one(D, 'N');
    const a = one(D, 'A');
    expect(n).toMatchObject({ outcome: 'ISSUE', reason_codes: '', amount_cents: 500000, case_id: 'C1', person_id: 'P1' });
    expect(a).toMatchObject({ outcome: 'ISSUE', amount_cents: 300000 });
    expect(n.f).toMatchObject({ action: 'A', caseType: 'N', amountCents: 500050, amountDollars: 5000, exclusions: '', tax: true, adm: true, pas: true, preOffsetNoticeDate: '2026-01-15' });
    expect(JSON.parse(n.sources)).toEqual([
      { interface: 'case-extract', file: 'participants.csv', line: 0 },
      { interface: 'case-extract', file: 'cases.csv', line: 0 },
    ]);
    expect(ledger('N')).toEqual([
      {
        business_date: D, action: 'A', certified: 1, sent_date: D, ssn: SSN, case_id: 'C1', last_name: 'GARCIA', first_name: 'MARIA',
        address_line1: '1 MAIN ST', city: 'LOS ANGELES', zip: '90012', amount_dollars: 5000, exclusions: '', pon_date: '2026-01-15',
        rejected: 0, error_codes: null, reject_source: null,
      },
    ]);
    expect(s).toMatchObject({ issued: 2, transactions: { A: 2 }, certifiedDollars: { A: 3000, N: 5000 } });
  });

  it('drops the cents ($150.99 is certified as $150; $149.99 is below the $150 TAX threshold)', () => {
    obligor({}, { arrears_family: 0, arrears_state: 15099, oldest_unpaid_due_date: delinquent(29) });
    w.addPerson(person('P2', { ssn: '222334444' })).addCase(caseRow('C2', 'P2', { pon_sent_date: '2026-01-15', arrears_family: 0, arrears_state: 14999, oldest_unpaid_due_date: delinquent(29) }));
    night();
    expect(one(D, 'A')).toMatchObject({ outcome: 'ISSUE', amount_cents: 15000 });
    expect(rows().find((r) => r.subject_key === 'P2|A')).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'BELOW_ARREARS_THRESHOLD' });
  });

  it('a type whose amount is 0 has no record and no decision, also while PAS holds', () => {
    obligor({}, { arrears_state: 0, arrears_family: 400000 });
    night();
    expect(rows().map((r) => r.subject_key)).toEqual(['P1|N']);
    expect(one().f.pas).toBe(true);
  });

  it('sums each type across the obligor’s open cases and names the primary case', () => {
    obligor({}, { arrears_family: 30000, arrears_state: 0 });
    w.addCase(caseRow('C2', 'P1', { arrears_family: 30000, arrears_state: 0, pon_sent_date: null }));
    w.addCase(caseRow('C3', 'P1', { status: 'CLOSED', arrears_family: 900000 }));
    night();
    // $600 ≥ $500: TAX on the sum; the closed case counts for nothing
    expect(one()).toMatchObject({ outcome: 'ISSUE', amount_cents: 60000, case_id: 'C1' });
  });
});

describe('fop: gates and reasons', () => {
  it('DECEASED', () => {
    obligor({ deceased_on: '2026-11-01' });
    night();
    expect(one()).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'DECEASED' });
  });

  it('NO_OPEN_CASE: arrears on a closed case only', () => {
    obligor({}, { status: 'CLOSED', closure_reason: 'PAID' });
    night();
    expect(one()).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'NO_OPEN_CASE' });
  });

  it('NO_CURRENT_CSWN', () => {
    obligor({}, { cswn_sent_date: '2025-11-19' });
    night();
    expect(one()).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'NO_CURRENT_CSWN' });
  });

  it('BANKRUPTCY_STAY', () => {
    obligor({}, { bankruptcy_filed_date: '2026-10-01', bankruptcy_chapter: '13' });
    night();
    expect(one()).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'BANKRUPTCY_STAY' });
  });

  it('incarceration relief and a compliant DRP plan do not suppress federal offset', () => {
    obligor({ incarcerated_since: '2026-01-01' }, { drp_status: 'ACTIVE_COMPLIANT' });
    night();
    expect(one()).toMatchObject({ outcome: 'ISSUE' });
  });

  it('NO_PRE_OFFSET_NOTICE: none sent, or sent after D', () => {
    obligor({}, { pon_sent_date: null });
    w.addPerson(person('P2', { ssn: '222334444' })).addCase(caseRow('C2', 'P2', { pon_sent_date: '2026-11-21' }));
    night();
    expect(rows().map((r) => [r.subject_key, r.outcome, r.reason_codes])).toEqual([
      ['P1|N', 'SUPPRESS', 'NO_PRE_OFFSET_NOTICE'],
      ['P2|N', 'SUPPRESS', 'NO_PRE_OFFSET_NOTICE'],
    ]);
  });

  it('gates come before NO_PRE_OFFSET_NOTICE', () => {
    obligor({ deceased_on: '2026-11-01' }, { pon_sent_date: null });
    night();
    expect(one().reason_codes).toBe('DECEASED');
  });

  it('BELOW_ARREARS_THRESHOLD when none of TAX, ADM, PAS holds', () => {
    obligor({}, { arrears_family: 49999, oldest_unpaid_due_date: delinquent(29) });
    night();
    expect(one()).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'BELOW_ARREARS_THRESHOLD', amount_cents: null });
    expect(one().f).toMatchObject({ tax: false, adm: false, pas: false, amountDollars: 499 });
  });

  it('NO_SSN and AMBIGUOUS_SSN: a certification is keyed by SSN', () => {
    obligor({ ssn: null });
    w.addPerson(person('P2', { ssn: '555667777' })).addCase(caseRow('C2', 'P2', { pon_sent_date: '2026-01-15' }));
    w.addPerson(person('P3', { ssn: '555667777' }));
    night();
    expect(rows().map((r) => [r.subject_key, r.reason_codes])).toEqual([
      ['P1|N', 'NO_SSN'],
      ['P2|N', 'AMBIGUOUS_SSN'],
    ]);
  });

  it('SSN_CHANGED: the old key is deleted, the new one added the next night', () => {
    obligor();
    night('2026-11-19');
    updatePerson({ ssn: '999887777' });
    night(D);
    // the D names its cause in reason_codes, as IWO TRM and license R rows do
    expect(one(D)).toMatchObject({ outcome: 'TERMINATE', reason_codes: 'SSN_CHANGED' });
    expect(one(D).f).toMatchObject({ action: 'D', reason: 'SSN_CHANGED' });
    night('2026-11-21');
    expect(one('2026-11-21')).toMatchObject({ outcome: 'ISSUE' });
    expect(ledger().map((l) => [l.action, l.ssn])).toEqual([
      ['A', SSN],
      ['D', SSN],
      ['A', '999887777'],
    ]);
  });
});

describe('fop: TAX, ADM and PAS thresholds', () => {
  // 29 days delinquent: ADM does not hold, so TAX alone decides
  it('TAX on A: $149 no, $150 yes', () => {
    obligor({}, { arrears_family: 0, arrears_state: 14900, oldest_unpaid_due_date: delinquent(29) });
    night('2026-11-20');
    expect(one(D, 'A').reason_codes).toBe('BELOW_ARREARS_THRESHOLD');
    updateCase({ arrears_state: 15000, oldest_unpaid_due_date: '2026-10-23' });
    night('2026-11-21');
    expect(one('2026-11-21', 'A')).toMatchObject({ outcome: 'ISSUE', amount_cents: 15000 });
    expect(one('2026-11-21', 'A').f).toMatchObject({ tax: true, adm: false, exclusions: 'ADM,RET,SAL,VEN,PAS', taxMinCents: 15000 });
  });

  it('TAX on N: $499 no, $500 yes', () => {
    obligor({}, { arrears_family: 49900, oldest_unpaid_due_date: delinquent(29) });
    night();
    expect(one().reason_codes).toBe('BELOW_ARREARS_THRESHOLD');
    updateCase({ arrears_family: 50000, oldest_unpaid_due_date: '2026-10-23' });
    night('2026-11-21');
    expect(one('2026-11-21')).toMatchObject({ outcome: 'ISSUE', amount_cents: 50000 });
    expect(one('2026-11-21').f).toMatchObject({ exclusions: 'ADM,RET,SAL,VEN,PAS', taxMinCents: 50000 });
  });

  it('TAX is judged per type: $140 A + $400 N ($540) qualifies neither for TAX', () => {
    obligor({}, { arrears_family: 40000, arrears_state: 14000, oldest_unpaid_due_date: delinquent(29) });
    night();
    expect(rows().map((r) => r.reason_codes)).toEqual(['BELOW_ARREARS_THRESHOLD', 'BELOW_ARREARS_THRESHOLD']);
  });

  it('ADM: $25 and 30 days yes; $24.99 or 29 days no', () => {
    obligor({}, { arrears_family: 2500, oldest_unpaid_due_date: delinquent(30) });
    w.addPerson(person('P2', { ssn: '222334444' })).addCase(caseRow('C2', 'P2', { pon_sent_date: '2026-01-15', arrears_family: 2499, oldest_unpaid_due_date: delinquent(30) }));
    w.addPerson(person('P3', { ssn: '333445555' })).addCase(caseRow('C3', 'P3', { pon_sent_date: '2026-01-15', arrears_family: 2500, oldest_unpaid_due_date: delinquent(29) }));
    night();
    expect(rows().map((r) => [r.subject_key, r.outcome, r.reason_codes, JSON.parse(r.facts).exclusions])).toEqual([
      ['P1|N', 'ISSUE', '', 'TAX,PAS'],
      ['P2|N', 'SUPPRESS', 'BELOW_ARREARS_THRESHOLD', 'ADM,RET,SAL,VEN,TAX,PAS'],
      ['P3|N', 'SUPPRESS', 'BELOW_ARREARS_THRESHOLD', 'ADM,RET,SAL,VEN,TAX,PAS'],
    ]);
    expect(one().f).toMatchObject({ adm: true, daysDelinquent: 30, admMinCents: 2500, admMinDaysDelinquent: 30 });
  });

  it('PAS: A + N of $2,500 no, $2,501 yes (judged on the obligor, both records)', () => {
    obligor({}, { arrears_state: 150000, arrears_family: 100000 });
    w.addPerson(person('P2', { ssn: '222334444' })).addCase(caseRow('C2', 'P2', { pon_sent_date: '2026-01-15', arrears_state: 150000, arrears_family: 100100 }));
    night();
    expect(rows().map((r) => [r.subject_key, JSON.parse(r.facts).exclusions, r.amount_cents])).toEqual([
      ['P1|A', 'PAS', 150000],
      ['P1|N', 'PAS', 100000],
      ['P2|A', '', 150000],
      ['P2|N', '', 100100],
    ]);
  });

  it('PAS compares A + N in whole dollars: $1,250.50 + $1,250.50 is $1,250 + $1,250 = $2,500, not above $2,500', () => {
    // DOMAIN 6.6: A and N are whole dollars (cents dropped) — the amounts OCSS is certified with
    obligor({}, { arrears_state: 125050, arrears_family: 125050 });
    night();
    expect(rows().map((r) => [r.subject_key, JSON.parse(r.facts).exclusions, r.amount_cents])).toEqual([
      ['P1|A', 'PAS', 125000],
      ['P1|N', 'PAS', 125000],
    ]);
    expect(one(D, 'A').f).toMatchObject({ principalCents: 250100, principalDollars: 2500, pas: false });
  });

  it('PAS hysteresis: once certified it stays at $100 (a new obligor at $100 gets none) and goes at $0', () => {
    obligor({}, { arrears_family: 300000 });
    w.addPerson(person('P2', { ssn: '222334444' })).addCase(caseRow('C2', 'P2', { pon_sent_date: '2026-01-15', arrears_family: 10000 }));
    night('2026-11-19');
    expect(one('2026-11-19').f.exclusions).toBe('');
    updateCase({ arrears_family: 10000 });
    night('2026-11-20');
    // $100: TAX no, ADM yes, PAS stays certified → amount first (M), exclusions the next night (R)
    expect(one('2026-11-20')).toMatchObject({ outcome: 'AMEND', amount_cents: 10000 });
    expect(one('2026-11-20').f).toMatchObject({ action: 'M', exclusions: 'TAX', pas: true, pasPreviouslyCertified: true });
    night('2026-11-21');
    expect(one('2026-11-21').f).toMatchObject({ action: 'R', exclusions: 'TAX' });
    expect(rows('2026-11-19').find((r) => r.subject_key === 'P2|N')!.facts).toContain('"exclusions":"TAX,PAS"');
    updateCase({ arrears_family: 0 });
    night('2026-11-22');
    // a D caused by a data change (amount 0) names that cause too, like a gate would
    expect(one('2026-11-22')).toMatchObject({ outcome: 'TERMINATE', reason_codes: 'BELOW_ARREARS_THRESHOLD', amount_cents: null });
    expect(one('2026-11-22').f).toMatchObject({ action: 'D', reason: 'BELOW_ARREARS_THRESHOLD' });
    updateCase({ arrears_family: 10000 });
    night('2026-11-23');
    // released at $0: back at $100 the obligor is certified again without PAS
    expect(one('2026-11-23').f).toMatchObject({ action: 'A', exclusions: 'TAX,PAS', pas: false });
  });

  it('PAS held through the other case type: A paid off, N of $50 keeps PAS', () => {
    obligor({}, { arrears_state: 300000, arrears_family: 5000 });
    night('2026-11-19');
    expect(one('2026-11-19', 'N').f.exclusions).toBe('TAX');
    updateCase({ arrears_state: 0 });
    night('2026-11-20');
    expect(one('2026-11-20', 'A')).toMatchObject({ outcome: 'TERMINATE' });
    expect(one('2026-11-20', 'N')).toMatchObject({ outcome: 'NO_CHANGE', reason_codes: '' });
    night('2026-11-21');
    expect(one('2026-11-21', 'N').f).toMatchObject({ pas: true, exclusions: 'TAX' });
  });

  it('an approved passport appeal on any open case removes PAS, even from a certified obligor', () => {
    obligor({}, { arrears_family: 300000 });
    w.addCase(caseRow('C2', 'P1', { arrears_family: 0, arrears_interest: 0 }));
    night('2026-11-19');
    updateCase({ passport_appeal_approved: 'Y' }, 'C2');
    night('2026-11-20');
    expect(one('2026-11-20')).toMatchObject({ outcome: 'AMEND', amount_cents: null });
    expect(one('2026-11-20').f).toMatchObject({ action: 'R', exclusions: 'PAS', passportAppealApproved: true });
  });
});

describe('fop: exclusion indicators', () => {
  it('list what does not hold in the order ADM,RET,SAL,VEN,TAX,PAS', () => {
    expect(fopExclusions({ adm: true, tax: true, pas: true })).toBe('');
    expect(fopExclusions({ adm: false, tax: true, pas: true })).toBe('ADM,RET,SAL,VEN');
    expect(fopExclusions({ adm: false, tax: true, pas: false })).toBe('ADM,RET,SAL,VEN,PAS');
    expect(fopExclusions({ adm: true, tax: false, pas: false })).toBe('TAX,PAS');
    expect(fopExclusions({ adm: true, tax: false, pas: true })).toBe('TAX');
    expect(fopExclusions({ adm: true, tax: true, pas: false })).toBe('PAS');
  });

  it('the rules write the same strings', () => {
    obligor({}, { arrears_family: 300000, oldest_unpaid_due_date: delinquent(10) });
    night();
    expect(one().f).toMatchObject({ adm: false, tax: true, pas: true, exclusions: 'ADM,RET,SAL,VEN' });
  });
});

describe('fop: ledger deltas', () => {
  it('B > Z > M > R, one transaction per record per night, then NO_CHANGE', () => {
    obligor();
    night('2026-11-16');
    updatePerson({ last_name: 'Lopez', address_line1: '9 Oak Ave', zip: '90013-1234' });
    updateCase({ arrears_family: 600000, passport_appeal_approved: 'Y' });
    const seen: Array<[string, string, number | null]> = [];
    for (const date of ['2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21']) {
      night(date);
      const r = one(date);
      seen.push([r.outcome, r.f.action, r.amount_cents]);
    }
    expect(seen).toEqual([
      ['AMEND', 'B', null],
      ['AMEND', 'Z', null],
      ['AMEND', 'M', 600000],
      ['AMEND', 'R', null],
      ['NO_CHANGE', null, null],
    ]);
    expect(one('2026-11-17').f.pending).toEqual(['B', 'Z', 'M', 'R']);
    const l = ledger();
    expect(l.map((x) => [x.action, x.last_name, x.address_line1, x.zip, x.amount_dollars, x.exclusions])).toEqual([
      ['A', 'GARCIA', '1 MAIN ST', '90012', 5000, ''],
      ['B', 'LOPEZ', '1 MAIN ST', '90012', 5000, ''],
      ['Z', 'LOPEZ', '9 OAK AVE', '900131234', 5000, ''],
      ['M', 'LOPEZ', '9 OAK AVE', '900131234', 6000, ''],
      ['R', 'LOPEZ', '9 OAK AVE', '900131234', 6000, 'PAS'],
    ]);
  });

  it('D when no longer eligible (reason stated), A again when eligible again; a rerun replaces D', () => {
    obligor();
    night('2026-11-19');
    updateCase({ bankruptcy_filed_date: '2026-11-01', bankruptcy_chapter: '7' });
    night(D);
    night(D);
    expect(one()).toMatchObject({ outcome: 'TERMINATE', reason_codes: 'BANKRUPTCY_STAY', amount_cents: null });
    expect(one().f.action).toBe('D');
    night('2026-11-21');
    expect(one('2026-11-21')).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'BANKRUPTCY_STAY' });
    updateCase({ bankruptcy_closed_date: '2026-11-21' });
    night('2026-11-22');
    expect(one('2026-11-22')).toMatchObject({ outcome: 'ISSUE', amount_cents: 500000 });
    expect(ledger().map((l) => [l.business_date, l.action, l.certified, l.amount_dollars])).toEqual([
      ['2026-11-19', 'A', 1, 5000],
      [D, 'D', 0, 0],
      ['2026-11-22', 'A', 1, 5000],
    ]);
  });

  it('the foster-care exclusion date changes the A amount (2023-11-30 vs 2023-12-01)', () => {
    const caseOver = {
      arrears_family: 0, arrears_state: 300000, arrears_foster_care: 100000,
      cswn_sent_date: '2023-06-01', pon_sent_date: '2023-06-01', oldest_unpaid_due_date: '2023-01-01',
    };
    obligor({}, caseOver);
    night('2023-11-30');
    expect(one('2023-11-30', 'A')).toMatchObject({ outcome: 'ISSUE', amount_cents: 300000 });
    night('2023-12-01');
    expect(one('2023-12-01', 'A')).toMatchObject({ outcome: 'AMEND', amount_cents: 200000 });
    // the date is configuration
    w = new World();
    obligor({}, caseOver);
    night('2023-12-01', parseConfig({ derived: { fosterCareExclusionFrom: '2023-12-02' } }));
    expect(one('2023-12-01', 'A')).toMatchObject({ outcome: 'ISSUE', amount_cents: 300000 });
  });
});

describe('fop: OCSS rejects (fop-rejects)', () => {
  it('marks the entry rejected with a task, does not re-send it (NO_CHANGE), and sends A when its data changes', () => {
    obligor();
    night('2026-11-18');
    const src = reject('2026-11-19', ['12', '17']);
    night('2026-11-19');
    expect(one('2026-11-19')).toMatchObject({ outcome: 'NO_CHANGE', reason_codes: '', amount_cents: null });
    expect(one('2026-11-19').f).toMatchObject({ action: null, rejected: true });
    expect(one('2026-11-19').f.reject).toMatchObject({ file: src.file, line: src.line, errorCodes: ['12', '17', '00', '00', '00', '00'] });
    expect(JSON.parse(one('2026-11-19').sources)).toContainEqual({ interface: 'fop-rejects', file: src.file, line: src.line });
    const task = decisions(w.db, 'fop', '2026-11-19').filter((r) => r.outcome === 'TASK');
    expect(task).toHaveLength(1);
    expect(task[0]).toMatchObject({ subject_key: 'P1|N', reason_codes: 'FOP_REJECTED', case_id: 'C1', amount_cents: null });
    expect(w.db.prepare(`SELECT task_type, source_interface, source_file, source_line, lcsa_code FROM tasks WHERE business_date = '2026-11-19'`).all()).toEqual([
      { task_type: 'FOP_REJECT', source_interface: 'fop-rejects', source_file: src.file, source_line: src.line, lcsa_code: '037' },
    ]);
    expect(ledger().at(-1)).toMatchObject({ action: null, certified: 1, sent_date: '2026-11-18', rejected: 1, reject_source: `${src.file}:${src.line}` });

    expect(night('2026-11-20')).toMatchObject({ noChange: 1, rejectedNotResent: 1, rejectsApplied: 0 });
    expect(one('2026-11-20')).toMatchObject({ outcome: 'NO_CHANGE', reason_codes: '' });
    expect(one('2026-11-20').f).toMatchObject({ rejected: true, reject: null });
    expect(decisions(w.db, 'fop', '2026-11-20').filter((r) => r.outcome === 'TASK')).toHaveLength(0);
    expect(ledger()).toHaveLength(2);

    updateCase({ arrears_family: 510000 });
    night('2026-11-21');
    expect(one('2026-11-21')).toMatchObject({ outcome: 'ISSUE', amount_cents: 510000 });
    expect(ledger().at(-1)).toMatchObject({ action: 'A', rejected: 0, amount_dollars: 5100 });
    night('2026-11-22');
    expect(one('2026-11-22').outcome).toBe('NO_CHANGE');
    expect(one('2026-11-22').f.rejected).toBe(false);
  });

  it('a rejected entry that is no longer eligible is deleted', () => {
    obligor();
    night('2026-11-18');
    reject('2026-11-19', ['12']);
    night('2026-11-19');
    updatePerson({ deceased_on: '2026-11-19' });
    night(D);
    expect(one()).toMatchObject({ outcome: 'TERMINATE', reason_codes: 'DECEASED' });
  });

  it('warning 47 alone does not reject; 47 among errors does', () => {
    obligor({}, { arrears_state: 300000 });
    night('2026-11-18');
    reject('2026-11-19', ['47'], 'N');
    reject('2026-11-19', ['47', '05'], 'A');
    night('2026-11-19');
    expect(one('2026-11-19', 'N').f).toMatchObject({ rejected: false, reject: null });
    expect(one('2026-11-19', 'A').f).toMatchObject({ rejected: true, reject: { errorCodes: ['47', '05', '00', '00', '00', '00'] } });
    expect(w.db.prepare('SELECT task_type, amount_cents FROM tasks').all()).toEqual([{ task_type: 'FOP_REJECT', amount_cents: null }]);
  });

  it('a reject loaded before the entry was last sent, or for another SSN, is ignored', () => {
    obligor();
    reject('2026-11-18', ['12']);
    night('2026-11-18');
    reject('2026-11-19', ['12'], 'N', '999999999');
    night('2026-11-19');
    expect(one('2026-11-18').outcome).toBe('ISSUE');
    expect(one('2026-11-19').outcome).toBe('NO_CHANGE');
    expect(w.db.prepare('SELECT count(*) AS n FROM tasks').get()).toEqual({ n: 0 });
  });
});

describe('fop: summary', () => {
  it('reports the fop-collections records loaded on D', () => {
    obligor();
    const id = w.addFile('fop-collections', 'FOP_COLL.txt');
    w.addStaged('fop-collections', 'tanfDetail', id, { ssn: SSN, caseType: 'A', collectionAmount: 12550, adjustmentAmount: 0, certifiedArrearageAmount: 100000, offsetType: 'TAX' });
    w.addStaged('fop-collections', 'nonTanfDetail', id, { ssn: SSN, caseType: 'N', collectionAmount: 0, adjustmentAmount: -30625, certifiedArrearageAmount: 100000, offsetType: 'TAX' });
    const old = w.addFile('fop-collections', 'FOP_COLL_OLD.txt', '2026-11-13');
    w.addStaged('fop-collections', 'nonTanfDetail', old, { ssn: SSN, caseType: 'N', collectionAmount: 999, adjustmentAmount: 0, offsetType: 'TAX' });
    const s = night();
    expect(s.collections).toEqual({ records: 2, tanf: 1, nonTanf: 1, collectionCents: 12550, adjustmentCents: -30625 });
    expect(s).toMatchObject({ evaluated: 1, issued: 1, tasks: 0 });
  });
});
