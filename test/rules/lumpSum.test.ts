/**
 * Lump-sum IWOs from employers' lump-sum reports (issue 12 section 4), through the match IWOs of
 * the IWO mechanism: obligor P1 (SSN 111223333), open case C1 with total $5,100.00, employer
 * E1 (FEIN 941111111) on file; one report per test (a $4,000.00 bonus payable 2026-12-04).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import type { Config } from '../../src/config.ts';
import { computeDerivedFacts } from '../../src/rules/derived.ts';
import { decideMatchIwos } from '../../src/rules/iwoMatch.ts';
import { caseRow, D, decisions, person, World } from '../helpers/world.ts';
import { addLumpSum, iwoLedger, SSN } from '../helpers/matchIwo.ts';

const defaults = parseConfig({});
const D1 = '2026-11-13';
let w: World;

function obligor(personOver: Record<string, string | number | null> = {}, caseOver: Record<string, string | number | null> = {}): void {
  w.addPerson(person('P1', { ssn: SSN, ...personOver }));
  w.addCase(caseRow('C1', 'P1', caseOver));
  w.addEmployer('E1');
}

function decide(date = D, config: Config = defaults): void {
  computeDerivedFacts(w.db, date, config);
  decideMatchIwos(w.db, date, config);
}

function lump(date = D) {
  return decisions(w.db, 'iwo', date).filter((r) => r.subject_key.startsWith('lump-sum|'));
}

function tasks(date = D) {
  return w.db.prepare('SELECT task_type, case_id, person_id, source_interface, source_line, amount_cents FROM tasks WHERE business_date = ? ORDER BY task_id').all(date);
}

beforeEach(() => {
  w = new World();
});

describe('lump-sum reports → LUM e-IWO to the employer', () => {
  it('min(total, 50% of the gross): $4,000.00 bonus → LUM $2,000.00 to the employer on file, CCPA 50, once-only key', () => {
    obligor();
    addLumpSum(w, w.addFile('lump-sum', 'LUMP_20261120.txt'));
    decide();
    const [d] = lump();
    expect(d).toMatchObject({ subject_key: 'lump-sum|P1|941111111|2026-12-04|BON', outcome: 'ISSUE', reason_codes: '', amount_cents: 200000, case_id: 'C1' });
    expect(JSON.parse(d!.facts)).toMatchObject({ action: 'LUM', percentApplied: 50, totalCents: 510000, record: { grossCents: 400000, percentOfGrossCents: 200000 } });
    const [l] = iwoLedger(w, D);
    expect(l).toMatchObject({ source: 'lump-sum', action: 'LUM', fein: '941111111', case_id: 'C1' });
    expect(l!.dtl).toMatchObject({ documentActionCode: 'LUM', lumpSumPaymentAmount: 200000, ccpaPercentLimit: 50, employerName: 'ACME WIDGETS INC', employerCity: 'FRESNO', employerZip5: '93721' });
    expect(tasks()).toEqual([]);
  });

  it('the obligor total caps it: $20,000.00 severance → LUM $5,100.00 (total), not $10,000.00', () => {
    obligor();
    addLumpSum(w, w.addFile('lump-sum', 'L.txt'), { paymentType: 'SEV', grossAmount: 2000000 });
    decide();
    expect(lump()[0]).toMatchObject({ outcome: 'ISSUE', amount_cents: 510000 });
  });

  it('lumpSum.withholdPercent is configurable: 25% of $4,000.00 = $1,000.00', () => {
    obligor();
    addLumpSum(w, w.addFile('lump-sum', 'L.txt'));
    decide(D, parseConfig({ lumpSum: { withholdPercent: 25 } }));
    expect(lump()[0]).toMatchObject({ outcome: 'ISSUE', amount_cents: 100000 });
    expect(iwoLedger(w, D)[0]!.dtl).toMatchObject({ ccpaPercentLimit: 25 });
  });

  it('NO_ARREARS: an obligor who owes nothing → NO_CHANGE NO_ARREARS, nothing sent, no task', () => {
    obligor({}, { arrears_family: 0, arrears_interest: 0 });
    addLumpSum(w, w.addFile('lump-sum', 'L.txt'));
    decide();
    expect(lump()).toEqual([expect.objectContaining({ outcome: 'NO_CHANGE', reason_codes: 'NO_ARREARS', amount_cents: null })]);
    expect(iwoLedger(w, D)).toEqual([]);
    expect(tasks()).toEqual([]);
  });

  it('PAYMENT_DATE_PASSED: a payment date before D → task LUMP_SUM_LATE_REPORT instead of an IWO; on D itself the LUM goes', () => {
    obligor();
    const f = w.addFile('lump-sum', 'L.txt');
    addLumpSum(w, f, { paymentType: 'VAC', expectedPaymentDate: '2026-11-19' });
    addLumpSum(w, f, { paymentType: 'COM', expectedPaymentDate: D });
    decide();
    const rows = lump().filter((r) => r.outcome !== 'TASK');
    expect(rows.map((r) => [r.subject_key, r.outcome, r.reason_codes])).toEqual([
      ['lump-sum|P1|941111111|2026-11-20|COM', 'ISSUE', ''],
      ['lump-sum|P1|941111111|2026-11-19|VAC', 'SUPPRESS', 'PAYMENT_DATE_PASSED'],
    ]);
    expect(tasks()).toEqual([{ task_type: 'LUMP_SUM_LATE_REPORT', case_id: 'C1', person_id: 'P1', source_interface: 'lump-sum', source_line: 1, amount_cents: 200000 }]);
    expect(iwoLedger(w, D).map((l) => l.ledger_key)).toEqual(['P1|941111111|2026-11-20|COM']);
  });

  it('once per (FEIN, SSN, payment date, payment type): the same report on a later night is NO_CHANGE; another type is a new LUM', () => {
    obligor();
    addLumpSum(w, w.addFile('lump-sum', 'L1.txt', D1));
    decide(D1);
    expect(lump(D1)[0]).toMatchObject({ outcome: 'ISSUE' });
    const f = w.addFile('lump-sum', 'L2.txt');
    addLumpSum(w, f);
    addLumpSum(w, f, { paymentType: 'RET' });
    decide();
    expect(lump().map((r) => [r.subject_key, r.outcome, r.reason_codes])).toEqual([
      ['lump-sum|P1|941111111|2026-12-04|RET', 'ISSUE', ''],
      ['lump-sum|P1|941111111|2026-12-04|BON', 'NO_CHANGE', ''],
    ]);
    expect(JSON.parse(lump()[1]!.facts)).toMatchObject({ lumpSumSent: 1 });
    expect(iwoLedger(w, D).map((l) => l.ledger_key)).toEqual(['P1|941111111|2026-12-04|RET']);
  });

  it.each([
    ['DECEASED', { deceased_on: '2026-10-01' }, {}],
    ['BANKRUPTCY_STAY', {}, { bankruptcy_filed_date: '2026-10-01', bankruptcy_chapter: '13' }],
    ['NO_OPEN_CASE', {}, { status: 'CLOSED', closure_reason: 'OTHER' }],
  ])('gate %s → SUPPRESS, nothing sent', (gate, p, c) => {
    obligor(p, c);
    addLumpSum(w, w.addFile('lump-sum', 'L.txt'));
    decide();
    expect(lump()).toEqual([expect.objectContaining({ outcome: 'SUPPRESS', reason_codes: gate })]);
    expect(iwoLedger(w, D)).toEqual([]);
  });

  it('no CSWN gate: a lapsed warning notice does not stop a lump sum the employer reported', () => {
    obligor({}, { cswn_sent_date: '2024-01-01' });
    addLumpSum(w, w.addFile('lump-sum', 'L.txt'));
    decide();
    expect(lump()[0]).toMatchObject({ outcome: 'ISSUE', amount_cents: 200000 });
  });

  it('NO_LUMP_SUM: a gross amount of 0 leaves nothing to withhold', () => {
    obligor();
    addLumpSum(w, w.addFile('lump-sum', 'L.txt'), { paymentType: 'OTH', grossAmount: 0 });
    decide();
    expect(lump()[0]).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'NO_LUMP_SUM' });
  });

  it('EMPLOYER_INCOMPLETE: a FEIN with no employer on file (no address for the e-IWO) → task OTHER; zeros FEIN → NO_FEIN', () => {
    obligor();
    const f = w.addFile('lump-sum', 'L.txt');
    addLumpSum(w, f, { employerFein: '952222222' });
    addLumpSum(w, f, { employerFein: '000000000', paymentType: 'COM' });
    decide();
    expect(lump().filter((r) => r.outcome !== 'TASK').map((r) => [r.subject_key, r.outcome, r.reason_codes])).toEqual([
      ['lump-sum|P1|000000000|2026-12-04|COM', 'SUPPRESS', 'NO_FEIN'],
      ['lump-sum|P1|952222222|2026-12-04|BON', 'SUPPRESS', 'EMPLOYER_INCOMPLETE'],
    ]);
    expect(tasks().map((t) => (t as { task_type: string }).task_type)).toEqual(['OTHER', 'OTHER']);
  });

  it('an ambiguous SSN: no decision for a person, one task OTHER', () => {
    obligor();
    w.addPerson(person('P2', { ssn: SSN }));
    addLumpSum(w, w.addFile('lump-sum', 'L.txt'));
    decide();
    expect(decisions(w.db, 'iwo').map((r) => [r.subject_key, r.outcome, r.reason_codes])).toEqual([['AMBIGUOUS_SSN|lump-sum:L.txt:1', 'TASK', 'AMBIGUOUS_SSN']]);
    expect(tasks()).toEqual([{ task_type: 'OTHER', case_id: null, person_id: null, source_interface: 'lump-sum', source_line: 1, amount_cents: 400000 }]);
  });
});
