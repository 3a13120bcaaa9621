/**
 * CSLN insurance claim matches (issue 12, DOMAIN 6.2 "Insurance") and one claim, one IWO across
 * ocss-im and csln. Obligor P1 (SSN 111223333), open case C1, total $5,100.00, CSWN current; one
 * or two claim reports per test. Two-night tests run D1 = 2026-11-13 then D = 2026-11-20.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { computeDerivedFacts } from '../../src/rules/derived.ts';
import { decideIwo } from '../../src/rules/iwo.ts';
import { CSLN_IWO_REASONS, DUPLICATE_MATCH } from '../../src/rules/iwoCsln.ts';
import { caseRow, D, decisions, person, World } from '../helpers/world.ts';
import { addInsurance, iwoLedger, SSN } from '../helpers/matchIwo.ts';

const config = parseConfig({});
const D1 = '2026-11-13';

type Row = Record<string, string | number | null>;
let w: World;

function addCsln(fileId: number, over: Row = {}): number {
  return w.addStaged('csln', 'detail', fileId, {
    recordType: 'D', matchDate: '2026-11-18', claimantSsn: SSN, claimantLastName: 'GARCIA', claimantFirstName: 'MARIA',
    claimantDob: '1980-01-01', insurerFein: '136000001', insurerName: 'GOOD HANDS INSURANCE CO',
    insurerAddressLine1: '2775 SANDERS RD', insurerAddressLine2: null, insurerCity: 'NORTHBROOK', insurerState: 'IL',
    insurerZip: '60062', claimNumber: 'BI-77', claimType: 'BI', claimStatus: 'O', dateOfLoss: '2026-08-01',
    expectedPaymentAmount: 300000, expectedPaymentDate: '2026-12-15', ...over,
  });
}

function obligor(personOver: Row = {}, caseOver: Row = {}): void {
  w.addPerson(person('P1', { ssn: SSN, ...personOver }));
  w.addCase(caseRow('C1', 'P1', caseOver));
}

function decide(date = D): void {
  computeDerivedFacts(w.db, date, config);
  decideIwo(w.db, date, config);
}

const iwo = (date = D) => decisions(w.db, 'iwo', date);
const brief = (date = D) => iwo(date).map((d) => [d.subject_key, d.outcome, d.reason_codes, d.amount_cents]);
const tasks = () =>
  w.db.prepare('SELECT task_type, case_id, person_id, source_interface, source_file, source_line, amount_cents FROM tasks ORDER BY task_id').all();

beforeEach(() => {
  w = new World();
});

describe('CSLN matches (treated like the OCSS insurance match)', () => {
  it('LUM to the insurer for min(total, expected payment), CCPA 0, ledger claim key FEIN|claim', () => {
    obligor();
    addCsln(w.addFile('csln', 'csln-a.txt'), { expectedPaymentAmount: 900000 });
    decide();
    expect(brief()).toEqual([['csln|P1|136000001|BI-77', 'ISSUE', '', 510000]]);
    const [row] = iwoLedger(w, D);
    expect(row).toMatchObject({ source: 'csln', action: 'LUM', fein: '136000001', ledger_key: 'P1|136000001|BI-77' });
    expect(row!.dtl).toMatchObject({ documentActionCode: 'LUM', employerName: 'GOOD HANDS INSURANCE CO', lumpSumPaymentAmount: 510000, ccpaPercentLimit: 0 });
    expect(w.db.prepare('SELECT claim_key FROM iwo_ledger').get()).toEqual({ claim_key: '136000001|BI-77' });
    expect(JSON.parse(iwo()[0]!.facts).record).toMatchObject({ claimType: 'BI', claimStatus: 'O', estimatedPaymentCents: 900000, expectedPaymentDate: '2026-12-15' });
  });

  it('$1,000.00 qualifies; $999.99 is CLAIM_BELOW_THRESHOLD', () => {
    obligor();
    const f = w.addFile('csln', 'csln-a.txt');
    addCsln(f, { claimNumber: 'AT', expectedPaymentAmount: 100000 });
    addCsln(f, { claimNumber: 'BELOW', expectedPaymentAmount: 99999 });
    decide();
    expect(brief()).toEqual([
      ['csln|P1|136000001|AT', 'ISSUE', '', 100000],
      ['csln|P1|136000001|BELOW', 'SUPPRESS', 'CLAIM_BELOW_THRESHOLD', null],
    ]);
  });

  it('open (O) and settling (S) pay; closed (C), denied (D) and paid (P) are CLAIM_CLOSED', () => {
    obligor();
    const f = w.addFile('csln', 'csln-a.txt');
    for (const s of ['O', 'S', 'C', 'D', 'P']) addCsln(f, { claimNumber: `ST-${s}`, claimStatus: s });
    decide();
    expect(brief()).toEqual([
      ['csln|P1|136000001|ST-O', 'ISSUE', '', 300000],
      ['csln|P1|136000001|ST-S', 'ISSUE', '', 300000],
      ['csln|P1|136000001|ST-C', 'SUPPRESS', 'CLAIM_CLOSED', null],
      ['csln|P1|136000001|ST-D', 'SUPPRESS', 'CLAIM_CLOSED', null],
      ['csln|P1|136000001|ST-P', 'SUPPRESS', 'CLAIM_CLOSED', null],
    ]);
  });

  it('every claim type code is accepted alike (bodily injury, WC, life, annuity, disability, liability)', () => {
    obligor();
    const f = w.addFile('csln', 'csln-a.txt');
    for (const t of ['BI', 'WC', 'LI', 'AN', 'DI', 'LB']) addCsln(f, { claimNumber: `T-${t}`, claimType: t });
    decide();
    expect(iwo().map((d) => d.outcome)).toEqual(['ISSUE', 'ISSUE', 'ISSUE', 'ISSUE', 'ISSUE', 'ISSUE']);
  });

  it('NOTHING_OWED when the obligor total is 0', () => {
    obligor({}, { arrears_family: 0, arrears_interest: 0 });
    addCsln(w.addFile('csln', 'csln-a.txt'));
    decide();
    expect(brief()).toEqual([['csln|P1|136000001|BI-77', 'SUPPRESS', 'NOTHING_OWED', null]]);
  });

  it.each([
    ['DECEASED', { deceased_on: '2026-10-01' }, {}],
    ['NO_CURRENT_CSWN', {}, { cswn_sent_date: '2025-01-01' }],
    ['BANKRUPTCY_STAY', {}, { bankruptcy_filed_date: '2026-10-01', bankruptcy_chapter: '7' }],
    ['NO_OPEN_CASE', {}, { status: 'CLOSED', closure_reason: 'PAID' }],
  ] as const)('the same gates: %s', (gate, personOver, caseOver) => {
    obligor(personOver, caseOver);
    addCsln(w.addFile('csln', 'csln-a.txt'));
    decide();
    expect(brief()).toEqual([['csln|P1|136000001|BI-77', 'SUPPRESS', gate, null]]);
  });

  it('an insurer without a FEIN (blank or zeros): SUPPRESS INSURER_NOT_FEIN and task INSURANCE_SETTLEMENT_FOLLOWUP', () => {
    obligor();
    const f = w.addFile('csln', 'csln-a.txt');
    addCsln(f, { insurerFein: null, claimNumber: 'NOFEIN' });
    addCsln(f, { insurerFein: '000000000', claimNumber: 'ZEROS' });
    decide();
    expect(iwo().filter((d) => d.outcome === 'SUPPRESS').map((d) => [d.subject_key, d.reason_codes])).toEqual([
      ['csln|P1|000000000|ZEROS', 'INSURER_NOT_FEIN'],
      ['csln|P1||NOFEIN', 'INSURER_NOT_FEIN'],
    ]);
    expect(tasks()).toEqual([
      { task_type: 'INSURANCE_SETTLEMENT_FOLLOWUP', case_id: 'C1', person_id: 'P1', source_interface: 'csln', source_file: 'csln-a.txt', source_line: 1, amount_cents: 300000 },
      { task_type: 'INSURANCE_SETTLEMENT_FOLLOWUP', case_id: 'C1', person_id: 'P1', source_interface: 'csln', source_file: 'csln-a.txt', source_line: 2, amount_cents: 300000 },
    ]);
    expect(iwoLedger(w, D)).toEqual([]);
  });

  it('an insurer without a complete address: SUPPRESS EMPLOYER_INCOMPLETE and the same task', () => {
    obligor();
    addCsln(w.addFile('csln', 'csln-a.txt'), { insurerCity: null });
    decide();
    expect(brief()).toEqual([
      ['csln|P1|136000001|BI-77', 'SUPPRESS', 'EMPLOYER_INCOMPLETE', null],
      ['csln|P1|136000001|BI-77', 'TASK', 'EMPLOYER_INCOMPLETE', 300000],
    ]);
  });

  it('a claimant SSN shared by two participants: task OTHER AMBIGUOUS_SSN, no decision for either', () => {
    obligor();
    w.addPerson(person('P9', { ssn: SSN }));
    addCsln(w.addFile('csln', 'csln-a.txt'));
    decide();
    expect(brief()).toEqual([['AMBIGUOUS_SSN|csln:csln-a.txt:1', 'TASK', 'AMBIGUOUS_SSN', 300000]]);
  });

  it('the same claim from CSLN again on a later night is NO_CHANGE (lump sum already sent), no DUPLICATE_MATCH', () => {
    obligor();
    addCsln(w.addFile('csln', 'csln-1.txt', D1));
    decide(D1);
    addCsln(w.addFile('csln', 'csln-2.txt'), { claimStatus: 'S' });
    decide();
    expect(brief()).toEqual([['csln|P1|136000001|BI-77', 'NO_CHANGE', '', null]]);
  });
});

describe('one claim, one IWO (ocss-im and csln)', () => {
  it('DUPLICATE_MATCH is declared', () => {
    expect(CSLN_IWO_REASONS).toContain(DUPLICATE_MATCH);
  });

  it('same night: OCSS goes first; the CSLN report of the claim is NO_CHANGE DUPLICATE_MATCH naming it (claim number in any case)', () => {
    obligor();
    addCsln(w.addFile('csln', 'a-csln.txt'), { claimNumber: 'bi-77' });
    addInsurance(w, w.addFile('ocss-im', 'z-im.txt'));
    decide();
    expect(brief()).toEqual([
      ['ocss-im|P1|136000001|BI-77', 'ISSUE', '', 300000],
      ['csln|P1|136000001|bi-77', 'NO_CHANGE', DUPLICATE_MATCH, null],
    ]);
    const dup = iwo().find((d) => d.outcome === 'NO_CHANGE')!;
    expect(JSON.parse(dup.facts).duplicateOf).toEqual({
      source: 'ocss-im', businessDate: D, subjectKey: 'ocss-im|P1|136000001|BI-77', record: { interface: 'ocss-im', file: 'z-im.txt', line: 1 },
    });
    expect(JSON.parse(dup.sources)).toEqual([{ interface: 'csln', file: 'a-csln.txt', line: 1 }, { interface: 'ocss-im', file: 'z-im.txt', line: 1 }]);
    expect(iwoLedger(w, D).map((l) => [l.source, l.action])).toEqual([['ocss-im', 'LUM']]);
  });

  it('same night: a suppressed OCSS report (closed) is no duplicate source; the CSLN report gets the LUM', () => {
    obligor();
    addCsln(w.addFile('csln', 'csln-a.txt'), { claimStatus: 'S' });
    addInsurance(w, w.addFile('ocss-im', 'im-a.txt'), { claimStatus: 'C' });
    decide();
    expect(brief()).toEqual([
      ['csln|P1|136000001|BI-77', 'ISSUE', '', 300000],
      ['ocss-im|P1|136000001|BI-77', 'SUPPRESS', 'CLAIM_CLOSED', null],
    ]);
  });

  it('same night: two CSLN files reporting the claim under different obligor records → the earlier file wins', () => {
    obligor();
    w.addPerson(person('P2', { ssn: '222334444' })).addCase(caseRow('C2', 'P2'));
    addCsln(w.addFile('csln', 'csln-b.txt'), { claimantSsn: '222334444' });
    addCsln(w.addFile('csln', 'csln-a.txt'));
    decide();
    expect(brief()).toEqual([
      ['csln|P1|136000001|BI-77', 'ISSUE', '', 300000],
      ['csln|P2|136000001|BI-77', 'NO_CHANGE', DUPLICATE_MATCH, null],
    ]);
  });

  it('across nights: OCSS sent the LUM on D1; CSLN reporting the claim on D is NO_CHANGE DUPLICATE_MATCH naming the D1 report', () => {
    obligor();
    addInsurance(w, w.addFile('ocss-im', 'im-1.txt', D1));
    decide(D1);
    addCsln(w.addFile('csln', 'csln-2.txt'), { expectedPaymentAmount: 400000 });
    decide();
    expect(brief()).toEqual([['csln|P1|136000001|BI-77', 'NO_CHANGE', DUPLICATE_MATCH, null]]);
    const facts = JSON.parse(iwo()[0]!.facts);
    expect(facts.duplicateOf).toMatchObject({ source: 'ocss-im', businessDate: D1, subjectKey: 'ocss-im|P1|136000001|BI-77' });
    expect(JSON.parse(iwo()[0]!.sources)).toEqual([{ interface: 'csln', file: 'csln-2.txt', line: 1 }, { interface: 'ocss-im', file: 'im-1.txt', line: 1 }]);
    expect(iwoLedger(w, D)).toEqual([]);
  });

  it('across nights the other way: CSLN on D1, OCSS on D → the OCSS report is the duplicate', () => {
    obligor();
    addCsln(w.addFile('csln', 'csln-1.txt', D1));
    decide(D1);
    addInsurance(w, w.addFile('ocss-im', 'im-2.txt'));
    decide();
    expect(brief()).toEqual([['ocss-im|P1|136000001|BI-77', 'NO_CHANGE', DUPLICATE_MATCH, null]]);
    expect(JSON.parse(iwo()[0]!.facts).duplicateOf).toMatchObject({ source: 'csln', businessDate: D1 });
  });

  it('a rerun of D decides the same (the claim keys of D are replaced with its ledger rows)', () => {
    obligor();
    addCsln(w.addFile('csln', 'csln-a.txt'));
    addInsurance(w, w.addFile('ocss-im', 'im-a.txt'));
    decide();
    const first = brief();
    decide();
    expect(brief()).toEqual(first);
    expect(w.db.prepare('SELECT source, claim_key FROM iwo_ledger').all()).toEqual([{ source: 'ocss-im', claim_key: '136000001|BI-77' }]);
  });
});
