/**
 * FTB intercept certification (DOMAIN 6.7) on tiny tables. Default obligor: principal $5,000.00,
 * interest $100.00 (total $5,100.00), CSWN current. Multi-night tests change the case extract
 * between nights; the ledger carries the certified state.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { computeDerivedFacts } from '../../src/rules/derived.ts';
import { decideFtb, summarizeFtb } from '../../src/rules/ftb.ts';
import { caseRow, D, decisions, person, World } from '../helpers/world.ts';

const config = parseConfig({});
const SSN = '111223333';
type Over = Record<string, string | number | null>;
let w: World;

function obligor(personOver: Over = {}, caseOver: Over = {}): void {
  w.addPerson(person('P1', { ssn: SSN, ...personOver }));
  w.addCase(caseRow('C1', 'P1', caseOver));
}

function night(date = D) {
  computeDerivedFacts(w.db, date, config);
  decideFtb(w.db, date, config);
  return summarizeFtb(w.db, date);
}

function one(date = D, personId = 'P1') {
  const r = decisions(w.db, 'ftb', date).filter((x) => x.subject_key === personId);
  expect(r).toHaveLength(1);
  return { ...r[0]!, f: JSON.parse(r[0]!.facts) };
}

function update(table: 'ce_cases' | 'ce_participants', key: string, set: Over): void {
  const cols = Object.keys(set);
  const id = table === 'ce_cases' ? 'case_id' : 'person_id';
  w.db.prepare(`UPDATE ${table} SET ${cols.map((c) => `${c} = ?`).join(', ')} WHERE ${id} = ?`).run(...cols.map((c) => set[c] ?? null), key);
}

function ledger() {
  return w.db
    .prepare('SELECT business_date, action, certified, ssn, last_name, case_id, lcsa_code, amount_cents FROM ftb_ledger ORDER BY business_date')
    .all() as Array<Record<string, unknown>>;
}

beforeEach(() => {
  w = new World();
});

describe('ftb: certification', () => {
  it('A: one record per obligor, amount = total, debt type CS, the primary case', () => {
    obligor();
    w.addCase(caseRow('C0', 'P1', { arrears_family: 10000, lcsa_code: '001' }));
    const s = night();
    const r = one();
    expect(r).toMatchObject({ outcome: 'ISSUE', reason_codes: '', amount_cents: 520000 + 10000, case_id: 'C1' });
    expect(r.f).toMatchObject({ action: 'A', debtType: 'CS', principalCents: 510000, totalCents: 530000, lcsaCode: '037' });
    expect(JSON.parse(r.sources)).toEqual([
      { interface: 'case-extract', file: 'participants.csv', line: 0 },
      { interface: 'case-extract', file: 'cases.csv', line: 0 },
      { interface: 'case-extract', file: 'cases.csv', line: 0 },
    ]);
    expect(ledger()).toEqual([{ business_date: D, action: 'A', certified: 1, ssn: SSN, last_name: 'GARCIA', case_id: 'C1', lcsa_code: '037', amount_cents: 530000 }]);
    expect(s).toMatchObject({ evaluated: 1, issued: 1, amountCents: 530000 });
  });

  it('NO_CHANGE the next night; a name change sends nothing; M when the total changes', () => {
    obligor();
    night('2026-11-19');
    update('ce_participants', 'P1', { last_name: 'LOPEZ' });
    night('2026-11-20');
    expect(one('2026-11-20')).toMatchObject({ outcome: 'NO_CHANGE', reason_codes: '', amount_cents: 510000 });
    expect(one('2026-11-20').f.nameChanged).toBe(true);
    update('ce_cases', 'C1', { arrears_interest: 12345 });
    night('2026-11-21');
    expect(one('2026-11-21')).toMatchObject({ outcome: 'AMEND', amount_cents: 512345 });
    expect(ledger().map((l) => [l.action, l.amount_cents, l.last_name])).toEqual([
      ['A', 510000, 'GARCIA'],
      ['M', 512345, 'LOPEZ'],
    ]);
  });

  it('D (amount 0) when principal reaches 0, even with interest left; A again later', () => {
    obligor();
    night('2026-11-19');
    update('ce_cases', 'C1', { arrears_family: 0 });
    const s = night('2026-11-20');
    // the D names its cause in reason_codes, as IWO TRM and license R rows do
    expect(one('2026-11-20')).toMatchObject({ outcome: 'TERMINATE', reason_codes: 'BELOW_ARREARS_THRESHOLD', amount_cents: 0, case_id: 'C1' });
    expect(one('2026-11-20').f).toMatchObject({ action: 'D', reason: 'BELOW_ARREARS_THRESHOLD' });
    expect(s).toMatchObject({ terminated: 1 });
    night('2026-11-21');
    expect(decisions(w.db, 'ftb', '2026-11-21')).toEqual([]);
    update('ce_cases', 'C1', { arrears_family: 100 });
    night('2026-11-22');
    expect(one('2026-11-22')).toMatchObject({ outcome: 'ISSUE', amount_cents: 10100 });
    expect(ledger().map((l) => [l.action, l.certified, l.amount_cents])).toEqual([
      ['A', 1, 510000],
      ['D', 0, 0],
      ['A', 1, 10100],
    ]);
  });

  it('an M names the primary case of D, not a case closed since the A (DOMAIN 4)', () => {
    obligor();
    w.addCase(caseRow('C2', 'P1', { lcsa_code: '059', arrears_family: 100000, arrears_interest: 0 }));
    night('2026-11-19');
    expect(ledger()[0]).toMatchObject({ action: 'A', case_id: 'C1', lcsa_code: '037' });
    update('ce_cases', 'C1', { status: 'CLOSED', closure_reason: 'PAID' });
    night('2026-11-20');
    expect(one('2026-11-20')).toMatchObject({ outcome: 'AMEND', amount_cents: 100000, case_id: 'C2' });
    expect(ledger().at(-1)).toMatchObject({ action: 'M', case_id: 'C2', lcsa_code: '059' });
  });

  it('an obligor with interest only is never certified', () => {
    obligor({}, { arrears_family: 0 });
    night();
    expect(decisions(w.db, 'ftb')).toEqual([]);
  });

  it('a rerun of D replaces D’s decisions and ledger rows', () => {
    obligor();
    night();
    night();
    expect(decisions(w.db, 'ftb')).toHaveLength(1);
    expect(ledger()).toHaveLength(1);
  });
});

describe('ftb: gates', () => {
  const cases: Array<[string, Over, Over]> = [
    ['DECEASED', { deceased_on: '2026-11-20' }, {}],
    ['NO_OPEN_CASE', {}, { status: 'CLOSED', closure_reason: 'PAID' }],
    ['NO_CURRENT_CSWN', {}, { cswn_sent_date: null }],
    ['BANKRUPTCY_STAY', {}, { bankruptcy_filed_date: '2026-11-20', bankruptcy_chapter: '7' }],
  ];
  for (const [reason, p, c] of cases) {
    it(`${reason} suppresses a new certification and deletes a certified one`, () => {
      obligor(p, c);
      night();
      expect(one()).toMatchObject({ outcome: 'SUPPRESS', reason_codes: reason, amount_cents: null });
      w = new World();
      obligor();
      night('2026-11-19');
      if (Object.keys(p).length) update('ce_participants', 'P1', p);
      if (Object.keys(c).length) update('ce_cases', 'C1', c);
      night();
      expect(one()).toMatchObject({ outcome: 'TERMINATE', reason_codes: reason, amount_cents: 0 });
      expect(ledger().at(-1)).toMatchObject({ action: 'D', certified: 0, amount_cents: 0, case_id: 'C1', lcsa_code: '037' });
    });
  }

  it('incarceration relief and DRP do not suppress the FTB intercept', () => {
    obligor({ incarcerated_since: '2026-01-01' }, { drp_status: 'ACTIVE_COMPLIANT' });
    night();
    expect(one().outcome).toBe('ISSUE');
  });

  it('NO_SSN, AMBIGUOUS_SSN', () => {
    obligor({ ssn: null });
    w.addPerson(person('P2', { ssn: '555667777' })).addCase(caseRow('C2', 'P2'));
    w.addPerson(person('P3', { ssn: '555667777' }));
    night();
    expect(decisions(w.db, 'ftb').map((r) => [r.subject_key, r.reason_codes])).toEqual([
      ['P1', 'NO_SSN'],
      ['P2', 'AMBIGUOUS_SSN'],
    ]);
  });
});

describe('ftb: summary', () => {
  it('reports the C collection records loaded on D', () => {
    obligor();
    const id = w.addFile('ftb', 'FTB_IIC.txt');
    w.addStaged('ftb', 'intercept', id, { recordType: 'C', ssn: SSN, lastName: 'GARCIA', firstName: 'MARIA', interceptSource: 'R', offsetDate: '2026-11-10', amountIntercepted: 45025, ftbReference: 'R1' });
    w.addStaged('ftb', 'intercept', id, { recordType: 'C', ssn: '900999001', lastName: 'NOBODY', firstName: 'X', interceptSource: 'L', offsetDate: '2026-11-10', amountIntercepted: 10000, ftbReference: 'R2' });
    w.addStaged('ftb', 'income', id, { recordType: 'I', ssn: SSN, lastName: 'GARCIA', firstName: 'MARIA', taxYear: '2025', filingStatus: 'S', householdAdjustedGrossIncome: 100, householdSize: '1' });
    expect(night().collections).toEqual({ records: 2, amountCents: 55025 });
  });
});
