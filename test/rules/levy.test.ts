/**
 * Bank levy rules (DOMAIN 6.4) on tiny tables: one obligor who would be levied, and one change per
 * test that makes exactly one reason decide. Dates are relative to D = 2026-11-20.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { computeDerivedFacts } from '../../src/rules/derived.ts';
import { decideLevy, LEVY_REASONS, summarizeLevy } from '../../src/rules/levy.ts';
import { summarizeInboundMatches } from '../../src/rules/matching.ts';
import { FIXED_WIDTH_INBOUND } from '../../src/interfaces.ts';
import { caseRow, D, decisions, person, World } from '../helpers/world.ts';
import type { FidmAccount, Institution } from '../helpers/world.ts';

const config = parseConfig({});
const SSN = '111223333';
const BANK: Institution = { fein: '941111111' };

let w: World;

/** The default world: P1 owes $5,000.00 principal + $100.00 interest, 172 days delinquent. */
function obligor(personOver: Record<string, string | number | null> = {}, caseOver: Record<string, string | number | null> = {}): void {
  w.addPerson(person('P1', { ssn: SSN, ...personOver }));
  w.addCase(caseRow('C1', 'P1', caseOver));
}

function fidm(accounts: Array<Partial<FidmAccount>>, inst: Institution = BANK, file = 'fidm-a.txt'): number[] {
  const id = w.addFile('fidm', file);
  return w.addFidmBlock(id, inst, accounts.map((a, i) => ({ ssn: SSN, account: `ACCT${i + 1}`, ...a })));
}

function decide() {
  computeDerivedFacts(w.db, D, config);
  decideLevy(w.db, D, config);
  return summarizeLevy(w.db, D);
}

function only() {
  const rows = decisions(w.db).filter((r) => r.outcome !== 'TASK');
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

function tasks() {
  return w.db.prepare('SELECT task_id, task_type, case_id, lcsa_code, person_id, source_interface, source_file, source_line, amount_cents FROM tasks ORDER BY task_id').all() as Array<Record<string, unknown>>;
}

beforeEach(() => {
  w = new World();
});

describe('levy: an eligible account', () => {
  it('is issued for min(total, balance) naming the primary case', () => {
    obligor();
    fidm([{ balance: 2000 }]);
    const summary = decide();
    const d = only();
    expect(d).toMatchObject({ outcome: 'ISSUE', reason_codes: '', amount_cents: 200000, case_id: 'C1', person_id: 'P1' });
    const facts = JSON.parse(d.facts);
    expect(facts).toMatchObject({ fein: '941111111', balanceCents: 200000, principalCents: 500000, totalCents: 510000, daysDelinquent: 172, lcsaCode: '037' });
    expect(JSON.parse(d.sources)).toEqual([{ interface: 'fidm', file: 'fidm-a.txt', line: 2 }]);
    expect(summary).toMatchObject({ issued: 1, levyCents: 200000, accounts: 1 });
    const ledger = w.db.prepare('SELECT person_id, fein, account_number, case_id, amount_cents FROM levy_ledger').all();
    expect(ledger).toEqual([{ person_id: 'P1', fein: '941111111', account_number: 'ACCT1', case_id: 'C1', amount_cents: 200000 }]);
  });

  it('levies at most the obligor total', () => {
    obligor();
    fidm([{ balance: 9000 }]);
    decide();
    expect(only()).toMatchObject({ outcome: 'ISSUE', amount_cents: 510000 });
  });
});

describe('levy: gates (DOMAIN 5)', () => {
  it('DECEASED on or before D', () => {
    obligor({ deceased_on: D });
    fidm([{}]);
    decide();
    expect(only()).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'DECEASED' });
  });

  it('NO_OPEN_CASE for a closed case, an open case without order, and an obligee-only person', () => {
    w.addPerson(person('P1', { ssn: '111223333' })).addCase(caseRow('C1', 'P1', { status: 'CLOSED', closure_reason: 'PAID' }));
    w.addPerson(person('P2', { ssn: '222334444' })).addCase(caseRow('C2', 'P2', { order_id: null }));
    w.addPerson(person('P3', { ssn: '333445555' })).addPerson(person('P4')).addCase(caseRow('C4', 'P4', { obligee_person_id: 'P3' }));
    const f = w.addFile('fidm', 'f.txt');
    w.addFidmBlock(f, BANK, [
      { ssn: '111223333', account: 'A1' },
      { ssn: '222334444', account: 'A2' },
      { ssn: '333445555', account: 'A3' },
    ]);
    decide();
    expect(decisions(w.db).map((r) => [r.person_id, r.reason_codes])).toEqual([
      ['P1', 'NO_OPEN_CASE'],
      ['P2', 'NO_OPEN_CASE'],
      ['P3', 'NO_OPEN_CASE'],
    ]);
  });

  it('NO_CURRENT_CSWN when the latest notice is older than 365 days (365 itself is current)', () => {
    obligor({}, { cswn_sent_date: '2025-11-19' });
    w.addPerson(person('P2', { ssn: '222334444' })).addCase(caseRow('C2', 'P2', { cswn_sent_date: '2025-11-20' }));
    const f = w.addFile('fidm', 'f.txt');
    w.addFidmBlock(f, BANK, [
      { ssn: SSN, account: 'A1' },
      { ssn: '222334444', account: 'A2' },
    ]);
    decide();
    expect(decisions(w.db).map((r) => [r.person_id, r.outcome, r.reason_codes])).toEqual([
      ['P2', 'ISSUE', ''],
      ['P1', 'SUPPRESS', 'NO_CURRENT_CSWN'],
    ]);
  });

  it('NO_CURRENT_CSWN when no notice was ever sent', () => {
    obligor({}, { cswn_sent_date: null });
    fidm([{}]);
    decide();
    expect(only().reason_codes).toBe('NO_CURRENT_CSWN');
  });

  it('BANKRUPTCY_STAY while filed and not closed by D; a stay closed on D no longer applies', () => {
    obligor({}, { bankruptcy_filed_date: '2026-01-05', bankruptcy_chapter: '13' });
    w.addPerson(person('P2', { ssn: '222334444' })).addCase(
      caseRow('C2', 'P2', { bankruptcy_filed_date: '2026-01-05', bankruptcy_chapter: '7', bankruptcy_closed_date: D }),
    );
    const f = w.addFile('fidm', 'f.txt');
    w.addFidmBlock(f, BANK, [
      { ssn: SSN, account: 'A1' },
      { ssn: '222334444', account: 'A2' },
    ]);
    decide();
    expect(decisions(w.db).map((r) => [r.person_id, r.reason_codes])).toEqual([
      ['P2', ''],
      ['P1', 'BANKRUPTCY_STAY'],
    ]);
  });

  it('INCARCERATION_RELIEF: in custody more than 90 days, or within 10 months of a release month since 2024', () => {
    const people: Array<[string, string | null, string | null, boolean]> = [
      ['P1', '2026-08-21', null, true], // 91 days in custody
      ['P2', '2026-08-22', null, false], // 90 days: not more than 90
      ['P3', '2025-01-01', '2026-06-15', true], // released: relief until 2027-03-31
      ['P4', '2024-01-01', '2026-01-10', false], // relief ended 2026-10-31
      ['P5', '2023-01-01', '2023-12-31', false], // released before 2024-01-01
      ['P6', '2026-10-01', '2025-05-01', false], // re-incarcerated 50 days ago: in custody, not > 90
    ];
    const f = w.addFile('fidm', 'f.txt');
    const accounts: FidmAccount[] = [];
    people.forEach(([id, since, released], i) => {
      const ssn = `10000000${i}`;
      w.addPerson(person(id, { ssn, incarcerated_since: since, released_on: released })).addCase(caseRow(`C${i}`, id));
      accounts.push({ ssn, account: `A${i}` });
    });
    w.addFidmBlock(f, BANK, accounts);
    decide();
    const byPerson = Object.fromEntries(decisions(w.db).map((r) => [r.person_id, r.reason_codes]));
    for (const [id, , , relief] of people) expect(byPerson[id], id).toBe(relief ? 'INCARCERATION_RELIEF' : '');
  });

  it('DRP_COMPLIANT on any open case; a defaulted plan does not suppress', () => {
    obligor({}, { drp_status: 'ACTIVE_COMPLIANT' });
    w.addPerson(person('P2', { ssn: '222334444' })).addCase(caseRow('C2', 'P2', { drp_status: 'ACTIVE_DEFAULTED' }));
    const f = w.addFile('fidm', 'f.txt');
    w.addFidmBlock(f, BANK, [
      { ssn: SSN, account: 'A1' },
      { ssn: '222334444', account: 'A2' },
    ]);
    decide();
    expect(decisions(w.db).map((r) => [r.person_id, r.reason_codes])).toEqual([
      ['P2', ''],
      ['P1', 'DRP_COMPLIANT'],
    ]);
  });

  it('applies the first failing gate: deceased before bankruptcy', () => {
    obligor({ deceased_on: '2026-01-01' }, { bankruptcy_filed_date: '2026-01-05' });
    fidm([{}]);
    decide();
    expect(only().reason_codes).toBe('DECEASED');
  });
});

describe('levy: obligor and account reasons (DOMAIN 6.4 order)', () => {
  it.each([
    ['SSI_RECIPIENT', { receives_ssi: 'Y' }],
    ['UIB_DIB_RECIPIENT', { receives_uib: 'Y' }],
    ['UIB_DIB_RECIPIENT', { receives_dib: 'Y' }],
  ])('%s from the participant flags', (reason, over) => {
    obligor(over);
    fidm([{}]);
    decide();
    expect(only().reason_codes).toBe(reason);
  });

  it('NOT_DELINQUENT at 30 days, levied at 31', () => {
    obligor({}, { oldest_unpaid_due_date: '2026-10-21' });
    w.addPerson(person('P2', { ssn: '222334444' })).addCase(caseRow('C2', 'P2', { oldest_unpaid_due_date: '2026-10-20' }));
    const f = w.addFile('fidm', 'f.txt');
    w.addFidmBlock(f, BANK, [
      { ssn: SSN, account: 'A1' },
      { ssn: '222334444', account: 'A2' },
    ]);
    decide();
    expect(decisions(w.db).map((r) => [r.person_id, r.reason_codes])).toEqual([
      ['P2', ''],
      ['P1', 'NOT_DELINQUENT'],
    ]);
  });

  it('NOT_DELINQUENT uses the maximum over the open cases', () => {
    obligor({}, { oldest_unpaid_due_date: null });
    w.addCase(caseRow('C9', 'P1', { oldest_unpaid_due_date: '2026-01-01', arrears_family: 1000 }));
    fidm([{}]);
    decide();
    expect(only()).toMatchObject({ outcome: 'ISSUE', case_id: 'C1' });
  });

  it('BELOW_ARREARS_THRESHOLD at principal $100.00, levied at $100.01 (interest does not count)', () => {
    obligor({}, { arrears_family: 10000, arrears_interest: 99999 });
    w.addPerson(person('P2', { ssn: '222334444' })).addCase(caseRow('C2', 'P2', { arrears_family: 10001, arrears_interest: 0 }));
    const f = w.addFile('fidm', 'f.txt');
    w.addFidmBlock(f, BANK, [
      { ssn: SSN, account: 'A1' },
      { ssn: '222334444', account: 'A2' },
    ]);
    decide();
    expect(decisions(w.db).map((r) => [r.person_id, r.reason_codes, r.amount_cents])).toEqual([
      ['P2', '', 10001],
      ['P1', 'BELOW_ARREARS_THRESHOLD', null],
    ]);
  });

  it('principal excludes foster-care arrears (from 2023-12-01) and AB 135 state arrears', () => {
    obligor({}, { arrears_family: 0, arrears_state: 50000, arrears_foster_care: 45000 }); // 50.00 enforceable
    w.addPerson(person('P2', { ssn: '222334444' })).addCase(
      caseRow('C2', 'P2', { arrears_family: 5000, arrears_state: 900000, ab135_uncollectible: 'Y' }),
    );
    const f = w.addFile('fidm', 'f.txt');
    w.addFidmBlock(f, BANK, [
      { ssn: SSN, account: 'A1' },
      { ssn: '222334444', account: 'A2' },
    ]);
    decide();
    expect(decisions(w.db).map((r) => r.reason_codes)).toEqual(['BELOW_ARREARS_THRESHOLD', 'BELOW_ARREARS_THRESHOLD']);
  });

  it('ACCOUNT_CLOSED for MSFIDM account status 1', () => {
    obligor();
    w.addMsfidm(w.addFile('msfidm', 'ms.txt'), { fein: '131111111' }, { ssn: SSN, account: 'M1', accountStatus: '1' });
    decide();
    expect(only().reason_codes).toBe('ACCOUNT_CLOSED');
  });

  it('TRUST_ACCOUNT for any trust indicator but 0, blank included', () => {
    obligor();
    fidm([{ trust: '1' }, { trust: null }, { trust: '6' }]);
    decide();
    expect(decisions(w.db).map((r) => r.reason_codes)).toEqual(['TRUST_ACCOUNT', 'TRUST_ACCOUNT', 'TRUST_ACCOUNT']);
  });

  it('RETIREMENT_ACCOUNT for types 12 and 14, each with a review task', () => {
    obligor();
    const lines = fidm([{ accountType: '12', balance: 800 }, { accountType: '14' }]);
    decide();
    const rows = decisions(w.db);
    expect(rows.filter((r) => r.outcome === 'SUPPRESS').map((r) => r.reason_codes)).toEqual(['RETIREMENT_ACCOUNT', 'RETIREMENT_ACCOUNT']);
    expect(rows.filter((r) => r.outcome === 'TASK')).toHaveLength(2);
    const t = tasks();
    expect(t.map((x) => x.task_type)).toEqual(['FIDM_RETIREMENT_ACCOUNT_REVIEW', 'FIDM_RETIREMENT_ACCOUNT_REVIEW']);
    const sha8 = (w.db.prepare(`SELECT substr(sha256, 1, 8) AS s FROM inbound_files WHERE file = 'fidm-a.txt'`).get() as { s: string }).s;
    expect(t[0]).toEqual({
      task_id: `fidm-20261120-${sha8}-${lines[0]}`,
      task_type: 'FIDM_RETIREMENT_ACCOUNT_REVIEW',
      case_id: 'C1',
      lcsa_code: '037',
      person_id: 'P1',
      source_interface: 'fidm',
      source_file: 'fidm-a.txt',
      source_line: lines[0],
      amount_cents: 80000,
    });
  });

  it('NAME_MISMATCH for match flag 2 with a task; a blank flag is no mismatch', () => {
    obligor();
    fidm([{ matchFlag: '2' }, { matchFlag: null, balance: 100 }]);
    decide();
    const rows = decisions(w.db);
    expect(rows.map((r) => [r.outcome, r.reason_codes])).toEqual([
      ['ISSUE', ''],
      ['SUPPRESS', 'NAME_MISMATCH'],
      ['TASK', 'NAME_MISMATCH'],
    ]);
    expect(tasks().map((t) => t.task_type)).toEqual(['FIDM_NAME_MISMATCH']);
  });

  it('BELOW_BALANCE_THRESHOLD under $100; blank, not-provided and negative balances count as 0', () => {
    obligor();
    fidm([{ balance: 99 }, { balance: 100 }, { balance: null }, { balance: 5000, balanceIndicator: '0' }, { balance: -121 }]);
    decide();
    expect(decisions(w.db).map((r) => [r.subject_key.split('|')[2], r.reason_codes])).toEqual([
      ['ACCT2', ''],
      ['ACCT1', 'BELOW_BALANCE_THRESHOLD'],
      ['ACCT3', 'BELOW_BALANCE_THRESHOLD'],
      ['ACCT4', 'BELOW_BALANCE_THRESHOLD'],
      ['ACCT5', 'BELOW_BALANCE_THRESHOLD'],
    ]);
  });

  it('RECENTLY_LEVIED within the 90 days before D (same FEIN and account, any obligor); not on D itself', () => {
    obligor();
    w.addLedger('2026-08-22', 'P-OTHER', BANK.fein, 'ACCT1'); // 90 days before D
    w.addLedger('2026-08-21', 'P1', BANK.fein, 'ACCT2'); // 91 days before D
    w.addLedger('2026-10-01', 'P1', '999999999', 'ACCT3'); // another institution
    fidm([{}, {}, {}]);
    decide();
    expect(decisions(w.db).map((r) => [r.subject_key.split('|')[2], r.reason_codes])).toEqual([
      ['ACCT2', ''],
      ['ACCT3', ''],
      ['ACCT1', 'RECENTLY_LEVIED'],
    ]);
  });

  it('INSTITUTION_INCOMPLETE when the latest A record lacks street, city, state or ZIP, with a task OTHER', () => {
    obligor();
    fidm([{}], { fein: '942222222', city: null });
    decide();
    expect(only().reason_codes).toBe('INSTITUTION_INCOMPLETE');
    expect(tasks()).toMatchObject([{ task_type: 'OTHER', case_id: 'C1', person_id: 'P1', amount_cents: 200000 }]);
  });

  it('takes the institution address from the latest FIDM A record, else MSFIDM', () => {
    obligor();
    const old = w.addFile('fidm', 'old.txt', '2026-09-15');
    w.addFidmBlock(old, { fein: '943333333', street: '1 OLD RD' }, []);
    const f = w.addFile('fidm', 'new.txt');
    w.addFidmBlock(f, { fein: '943333333', street: '2 NEW RD' }, [{ ssn: SSN, account: 'A1' }]);
    w.addMsfidm(w.addFile('msfidm', 'ms.txt'), { fein: '943333333', street: '3 MS RD' }, { ssn: SSN, account: 'A2' });
    w.addMsfidm(w.addFile('msfidm', 'ms2.txt'), { fein: '134444444', street: '4 WALL ST' }, { ssn: SSN, account: 'A3' });
    decide();
    const streets = decisions(w.db).map((r) => [r.subject_key.split('|')[2], JSON.parse(r.facts).institution.street]);
    expect(streets).toEqual([
      ['A3', '4 WALL ST'],
      ['A1', '2 NEW RD'],
      ['A2', '2 NEW RD'],
    ]);
  });
});

describe('levy: allocation, de-duplication, matching', () => {
  it('allocates min(total, eligible sum) by balance descending, then FEIN, then account; the rest ARREARS_COVERED', () => {
    obligor(); // total 5,100.00
    const f = w.addFile('fidm', 'f.txt');
    w.addFidmBlock(f, { fein: '941111111' }, [
      { ssn: SSN, account: 'B', balance: 2000 },
      { ssn: SSN, account: 'A', balance: 2000 },
      { ssn: SSN, account: 'C', balance: 500 },
    ]);
    w.addFidmBlock(f, { fein: '940000000' }, [
      { ssn: SSN, account: 'Z', balance: 2000 },
      { ssn: SSN, account: 'Y', balance: 99 }, // not eligible: does not take part
    ]);
    decide();
    const got = decisions(w.db)
      .map((r) => [r.subject_key.split('|').slice(1).join('/'), r.outcome, r.reason_codes, r.amount_cents])
      .sort();
    expect(got).toEqual([
      ['940000000/Y', 'SUPPRESS', 'BELOW_BALANCE_THRESHOLD', null],
      ['940000000/Z', 'ISSUE', '', 200000], // 2000 ties: FEIN 940… first
      ['941111111/A', 'ISSUE', '', 200000], // then account A before B
      ['941111111/B', 'ISSUE', '', 110000], // partial: 5100 − 4000
      ['941111111/C', 'SUPPRESS', 'ARREARS_COVERED', null],
    ]);
    expect(w.db.prepare('SELECT sum(amount_cents) AS s FROM levy_ledger').get()).toEqual({ s: 510000 });
  });

  it('one account for the same key in FIDM and MSFIDM, or twice in one file: FIDM wins, then greater file, then line', () => {
    obligor();
    const f1 = w.addFile('fidm', 'a.txt');
    w.addFidmBlock(f1, BANK, [{ ssn: SSN, account: 'X1', balance: 700 }, { ssn: SSN, account: 'X1', balance: 800 }]);
    const f2 = w.addFile('fidm', 'b.txt');
    w.addFidmBlock(f2, BANK, [{ ssn: SSN, account: 'X2', balance: 300 }]);
    const m = w.addFile('msfidm', 'z.txt');
    w.addMsfidm(m, BANK, { ssn: SSN, account: 'X2', balance: 4000 });
    w.addMsfidm(m, { fein: '139999999' }, { ssn: SSN, account: 'X3', balance: 1000 });
    decide();
    const rows = decisions(w.db);
    expect(rows.map((r) => [r.subject_key.split('|')[2], r.amount_cents])).toEqual([
      ['X3', 100000],
      ['X1', 80000], // the later line of a.txt
      ['X2', 30000], // FIDM b.txt over MSFIDM
    ]);
    expect(JSON.parse(rows[1]!.sources)).toEqual([
      { interface: 'fidm', file: 'a.txt', line: 3 },
      { interface: 'fidm', file: 'a.txt', line: 2 },
    ]);
    expect(JSON.parse(rows[2]!.sources)[1]).toEqual({ interface: 'msfidm', file: 'z.txt', line: 1 });
  });

  it('an SSN shared by two people is never matched: a task OTHER per record without person or case', () => {
    obligor();
    w.addPerson(person('P2', { ssn: SSN })).addCase(caseRow('C2', 'P2'));
    fidm([{}, {}]);
    decide();
    expect(decisions(w.db).filter((r) => r.outcome !== 'TASK')).toEqual([]);
    expect(tasks().map((t) => [t.task_type, t.person_id, t.case_id, t.lcsa_code])).toEqual([
      ['OTHER', null, null, null],
      ['OTHER', null, null, null],
    ]);
    expect(summarizeInboundMatches(w.db, D, FIXED_WIDTH_INBOUND).fidm).toEqual({ records: 2, matched: 0, noMatch: 0, ambiguous: 2 });
  });

  it('an SSN of no participant is counted as no match, without a decision', () => {
    obligor();
    fidm([{ ssn: '999887777' }]);
    decide();
    expect(decisions(w.db)).toEqual([]);
    expect(summarizeInboundMatches(w.db, D, FIXED_WIDTH_INBOUND).fidm).toEqual({ records: 1, matched: 0, noMatch: 1, ambiguous: 0 });
  });

  it('names the open case with the largest principal (ties: lowest case id) and its LCSA', () => {
    obligor({}, { arrears_family: 100000 });
    w.addCase(caseRow('C0', 'P1', { arrears_family: 100000, lcsa_code: '019' }));
    w.addCase(caseRow('C9', 'P1', { arrears_family: 90000 }));
    fidm([{}]);
    decide();
    const d = only();
    expect(d.case_id).toBe('C0');
    expect(JSON.parse(d.facts)).toMatchObject({ lcsaCode: '019', principalCents: 290000 });
  });

  it('only acts on records loaded on D', () => {
    obligor();
    const old = w.addFile('fidm', 'old.txt', '2026-09-15');
    w.addFidmBlock(old, BANK, [{ ssn: SSN, account: 'OLD' }]);
    decide();
    expect(decisions(w.db)).toEqual([]);
  });

  it('a rerun of D replaces its decisions, tasks and ledger rows', () => {
    obligor();
    fidm([{}, { accountType: '12' }]);
    decide();
    decide();
    expect(decisions(w.db)).toHaveLength(3);
    expect(w.db.prepare('SELECT count(*) AS n FROM levy_ledger').get()).toEqual({ n: 1 });
    expect(tasks()).toHaveLength(1);
  });

  it('every reason code of DOMAIN 6.4 is known to the mechanism', () => {
    expect(LEVY_REASONS).toEqual([
      'DECEASED',
      'NO_OPEN_CASE',
      'NO_CURRENT_CSWN',
      'BANKRUPTCY_STAY',
      'INCARCERATION_RELIEF',
      'DRP_COMPLIANT',
      'SSI_RECIPIENT',
      'UIB_DIB_RECIPIENT',
      'NOT_DELINQUENT',
      'BELOW_ARREARS_THRESHOLD',
      'ACCOUNT_CLOSED',
      'TRUST_ACCOUNT',
      'RETIREMENT_ACCOUNT',
      'NAME_MISMATCH',
      'BELOW_BALANCE_THRESHOLD',
      'RECENTLY_LEVIED',
      'INSTITUTION_INCOMPLETE',
      'ARREARS_COVERED',
    ]);
  });
});
