/**
 * Employer non-compliance (22 CCR 116108, FC 5241) on tiny tables: employer e-IWOs written straight
 * into iwo_ledger (with their ORG decision and e-IWO output), SDU receipts into sdu_receipts.
 * Obligor P1 on open case C1, employer FEIN 941111111; D = 2026-11-20, so an ORG of 2026-10-06 is
 * 45 days old and one of 2026-10-07 is 44.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import type { Config } from '../../src/config.ts';
import { computeDerivedFacts } from '../../src/rules/derived.ts';
import { decideCompliance } from '../../src/rules/compliance.ts';
import { caseRow, D, decisions, person, World } from '../helpers/world.ts';

const defaults = parseConfig({});
const FEIN = '941111111';
const DAY45 = '2026-10-06';
const DAY44 = '2026-10-07';
let w: World;
let fileId: number;
let receiptSeq = 0;
let eiwoLine = 3;

function obligor(id = 'P1', caseId = 'C1', caseOver: Record<string, string | number | null> = {}): void {
  w.addPerson(person(id, { ssn: `9${id.replace(/\D/g, '').padStart(8, '0')}` }));
  w.addCase(caseRow(caseId, id, caseOver));
}

/** An employer IWO document of `date` (ORG, AMD or TRM) with its decision and e-IWO output record. */
function iwo(date: string, action: string, caseId = 'C1', fein = FEIN, personId = 'P1'): void {
  const line = eiwoLine++;
  const decisionId = Number(
    w.db
      .prepare(
        `INSERT INTO decisions (business_date, mechanism, subject_key, person_id, case_id, outcome, reason_codes, facts, sources, output_ref)
         VALUES (?, 'iwo', ?, ?, ?, 'ISSUE', '', '{}', '[]', ?)`,
      )
      .run(date, `employer|${caseId}|${fein}`, personId, caseId, `eiwo.txt:${line}`).lastInsertRowid,
  );
  w.db
    .prepare(
      `INSERT OR IGNORE INTO output_files (business_date, interface, file, bytes, sha256, records, controls, truncated)
       VALUES (?, 'eiwo', 'eiwo.txt', 0, ?, '{}', '{}', 0)`,
    )
    .run(date, `${date.replace(/-/g, '')}aaaaaaaa`);
  w.addRow('iwo_ledger', {
    business_date: date, source: 'employer', ledger_key: `${caseId}|${fein}`, action, person_id: personId, case_id: caseId,
    lcsa_code: '037', fein, current_support_cents: action === 'TRM' ? 0 : 50000, arrears_payment_cents: action === 'TRM' ? 0 : 10000,
    dtl_values: '{}', decision_id: decisionId,
  });
}

function receipt(over: Record<string, string | number | null>): string {
  const id = over.receipt_id === undefined ? `R${++receiptSeq}` : String(over.receipt_id);
  w.addRow('sdu_receipts', {
    receipt_id: id, receipt_date: '2026-11-01', business_date: '2026-11-02', case_id: 'C1', obligor_person_id: 'P1',
    amount_cents: 25000, source_type: 'WAGE', remitter_fein: FEIN, document_ref: null, reverses_receipt_id: null,
    file_id: fileId, line: receiptSeq, ...over,
  });
  return id;
}

function decide(date = D, config: Config = defaults): void {
  computeDerivedFacts(w.db, date, config);
  decideCompliance(w.db, date, config);
}

function rows(date = D) {
  return decisions(w.db, 'compliance', date).map((r) => [r.subject_key, r.outcome, r.reason_codes]);
}

function facts(subject: string, date = D): Record<string, unknown> {
  return JSON.parse(decisions(w.db, 'compliance', date).find((r) => r.subject_key === subject)!.facts) as Record<string, unknown>;
}

function tasks(date = D) {
  return w.db
    .prepare('SELECT task_id, task_type, case_id, lcsa_code, person_id, source_interface, source_file, source_line, amount_cents, detail FROM tasks WHERE business_date = ? ORDER BY task_id')
    .all(date) as Array<Record<string, string | number | null>>;
}

beforeEach(() => {
  w = new World();
  fileId = w.addFile('sdu-payments', 'SDU.txt', '2026-11-02');
  receiptSeq = 0;
  eiwoLine = 3;
  obligor();
});

describe('EMPLOYER_NONCOMPLIANCE: no WAGE receipt from the FEIN since the ORG', () => {
  it('44 days after the ORG: not evaluated yet; 45 days: TASK NO_WAGE_RECEIPT and one task naming the e-IWO ORG record', () => {
    obligor('P2', 'C2');
    iwo(DAY44, 'ORG', 'C2', FEIN, 'P2');
    iwo(DAY45, 'ORG');
    decide();
    expect(rows()).toEqual([['C1|941111111', 'TASK', 'NO_WAGE_RECEIPT']]);
    expect(tasks()).toEqual([
      {
        task_id: 'eiwo-20261120-20261006-4', task_type: 'EMPLOYER_NONCOMPLIANCE', case_id: 'C1', lcsa_code: '037', person_id: 'P1',
        source_interface: 'eiwo', source_file: 'eiwo.txt', source_line: 4, amount_cents: 60000,
        detail: 'e-IWO ORG of 2026-10-06 to FEIN 941111111: no WAGE receipt on C1 since then (45 days)',
      },
    ]);
    expect(facts('C1|941111111')).toMatchObject({ orgDate: DAY45, dueDate: '2026-11-20', daysSinceOrg: 45, noWageDays: 45,
      receiptsLookedAt: { sourceType: 'WAGE', caseId: 'C1', receiptDateFrom: DAY45, loadedUpTo: D, count: 0, listed: [] } });
    expect(w.db.prepare('SELECT business_date, ledger_key, org_date FROM compliance_ledger').all()).toEqual([{ business_date: D, ledger_key: 'C1|941111111', org_date: DAY45 }]);
  });

  it('compliance.noWageDays is configurable: 30 days makes the 44-day-old order due', () => {
    iwo(DAY44, 'ORG');
    decide(D, parseConfig({ compliance: { noWageDays: 30 } }));
    expect(rows()).toEqual([['C1|941111111', 'TASK', 'NO_WAGE_RECEIPT']]);
  });

  it('a WAGE receipt from the FEIN on the case since the ORG → NO_CHANGE WAGE_RECEIVED naming it, no task', () => {
    iwo(DAY45, 'ORG');
    receipt({ receipt_id: 'R-OK', receipt_date: DAY45 });
    decide();
    expect(rows()).toEqual([['C1|941111111', 'NO_CHANGE', 'WAGE_RECEIVED']]);
    expect(facts('C1|941111111')).toMatchObject({ countingReceipt: { receiptId: 'R-OK', receiptDate: DAY45, amountCents: 25000 } });
    expect(tasks()).toEqual([]);
  });

  it('receipts that do not count: another FEIN, another source, before the ORG, reversed, loaded after D; all listed as looked at', () => {
    iwo(DAY45, 'ORG');
    receipt({ remitter_fein: '952222222' });
    receipt({ source_type: 'NCP', remitter_fein: null });
    receipt({ receipt_date: '2026-10-05' });
    const bounced = receipt({});
    receipt({ amount_cents: -25000, reverses_receipt_id: bounced, receipt_date: '2026-11-05', business_date: '2026-11-06' });
    receipt({ business_date: '2026-11-21' });
    receipt({ case_id: 'C9' });
    decide();
    expect(rows()).toEqual([['C1|941111111', 'TASK', 'NO_WAGE_RECEIPT']]);
    const looked = facts('C1|941111111').receiptsLookedAt as { count: number; listed: Array<Record<string, unknown>> };
    expect(looked.count).toBe(2);
    expect(looked.listed).toEqual([
      { receiptId: 'R1', receiptDate: '2026-11-01', remitterFein: '952222222', amountCents: 25000, reversed: false, fromEmployer: false },
      { receiptId: 'R4', receiptDate: '2026-11-01', remitterFein: FEIN, amountCents: 25000, reversed: true, fromEmployer: true },
    ]);
  });

  it('once per IWO: the next night is NO_CHANGE FAILURE_ALREADY_RAISED, no second task; an AMD does not restart it', () => {
    iwo(DAY45, 'ORG');
    decide();
    iwo('2026-11-20', 'AMD');
    decide('2026-11-21');
    expect(rows('2026-11-21')).toEqual([['C1|941111111', 'NO_CHANGE', 'FAILURE_ALREADY_RAISED']]);
    expect(facts('C1|941111111', '2026-11-21')).toMatchObject({ failureRaisedOn: D, orgDate: DAY45 });
    expect(tasks('2026-11-21')).toEqual([]);
  });

  it('raised again only after a new ORG (the employer ended and re-served), once that ORG is 45 days old', () => {
    iwo('2026-08-01', 'ORG');
    decide('2026-09-15');
    iwo('2026-09-20', 'TRM');
    iwo('2026-10-06', 'ORG');
    decide('2026-11-19');
    expect(rows('2026-11-19')).toEqual([]);
    decide(D);
    expect(rows(D)).toEqual([['C1|941111111', 'TASK', 'NO_WAGE_RECEIPT']]);
    expect(w.db.prepare('SELECT business_date, org_date FROM compliance_ledger ORDER BY 1').all()).toEqual([
      { business_date: '2026-09-15', org_date: '2026-08-01' },
      { business_date: D, org_date: DAY45 },
    ]);
  });

  it('a receipt arriving later closes nothing by itself: WAGE_RECEIVED with the failure raised earlier, which stays counted', () => {
    iwo(DAY45, 'ORG');
    decide();
    receipt({ receipt_id: 'R-LATE', receipt_date: '2026-11-20', business_date: '2026-11-21' });
    decide('2026-11-21');
    expect(rows('2026-11-21')).toEqual([['C1|941111111', 'NO_CHANGE', 'WAGE_RECEIVED']]);
    expect(facts('C1|941111111', '2026-11-21')).toMatchObject({ failureRaisedOn: D, countingReceipt: { receiptId: 'R-LATE' } });
    expect(w.db.prepare('SELECT count(*) AS n FROM compliance_ledger').get()).toEqual({ n: 1 });
    expect(tasks(D)).toHaveLength(1);
  });

  it('not evaluated: an order terminated, or a case no longer open', () => {
    obligor('P2', 'C2', { status: 'CLOSED', closure_reason: 'OTHER' });
    iwo('2026-09-01', 'ORG');
    iwo('2026-11-01', 'TRM');
    iwo('2026-09-01', 'ORG', 'C2', FEIN, 'P2');
    decide();
    expect(rows()).toEqual([]);
  });

  it('a rerun of D replaces D’s rows: same decisions, tasks and ledger', () => {
    iwo(DAY45, 'ORG');
    decide();
    const first = [rows(), tasks(), w.db.prepare('SELECT * FROM compliance_ledger').all()];
    decide();
    expect([rows(), tasks(), w.db.prepare('SELECT business_date, ledger_key, org_date, case_id, fein, person_id FROM compliance_ledger').all()]).toEqual([
      first[0], first[1], (first[2] as Array<Record<string, unknown>>).map(({ decision_id: _, ...r }) => r),
    ]);
  });
});

describe('EMPLOYER_OSC_CANDIDATE: 3 or more failures of one FEIN in the last 12 months', () => {
  /** A failure raised on `date` for case `caseId` of the FEIN (an earlier night's ledger row). */
  function pastFailure(date: string, caseId: string, fein = FEIN): void {
    w.addRow('compliance_ledger', { business_date: date, ledger_key: `${caseId}|${fein}`, org_date: '2025-01-01', case_id: caseId, fein, person_id: 'PX', decision_id: 0 });
  }

  it('3 in 12 months (two earlier, one tonight; the earliest exactly 12 months back) → one task naming the cases', () => {
    pastFailure('2025-11-20', 'C7');
    pastFailure('2026-06-01', 'C8');
    iwo(DAY45, 'ORG');
    decide();
    expect(rows()).toEqual([
      ['C1|941111111', 'TASK', 'NO_WAGE_RECEIPT'],
      ['employer|941111111', 'TASK', 'OSC_FAILURES'],
    ]);
    const osc = tasks().find((t) => t.task_type === 'EMPLOYER_OSC_CANDIDATE')!;
    expect(osc).toMatchObject({ task_id: 'eiwo-20261120-20261006-3-OSC', case_id: 'C1', lcsa_code: '037', person_id: null, source_file: 'eiwo.txt', source_line: 3, amount_cents: null,
      detail: 'FEIN 941111111: 3 e-IWOs without a WAGE receipt raised since 2025-11-20 (order to show cause, FC 5241): C1 C7 C8' });
    expect(facts('employer|941111111')).toMatchObject({ fein: FEIN, failures: 3, minFailures: 3, months: 12, windowFrom: '2025-11-20', cases: ['C1', 'C7', 'C8'] });
    expect(w.db.prepare('SELECT business_date, fein, failures, cases FROM employer_osc_ledger').all()).toEqual([{ business_date: D, fein: FEIN, failures: 3, cases: '["C1","C7","C8"]' }]);
  });

  it('3 in 13 months is not 3 in 12: the failure of 2025-11-19 is outside the window', () => {
    pastFailure('2025-11-19', 'C7');
    pastFailure('2026-06-01', 'C8');
    iwo(DAY45, 'ORG');
    decide();
    expect(rows()).toEqual([['C1|941111111', 'TASK', 'NO_WAGE_RECEIPT']]);
  });

  it('failures of another FEIN do not add up; compliance.oscFailures and oscMonths are configurable', () => {
    pastFailure('2026-06-01', 'C7', '952222222');
    pastFailure('2026-06-01', 'C8');
    iwo(DAY45, 'ORG');
    decide();
    expect(rows().filter((r) => r[0]!.startsWith('employer|'))).toEqual([]);
    decide(D, parseConfig({ compliance: { oscFailures: 2 } }));
    expect(rows().filter((r) => r[0]!.startsWith('employer|'))).toEqual([['employer|941111111', 'TASK', 'OSC_FAILURES']]);
    decide(D, parseConfig({ compliance: { oscFailures: 2, oscMonths: 3 } }));
    expect(rows().filter((r) => r[0]!.startsWith('employer|'))).toEqual([]);
  });

  it('once per 12 months: named again within the window → NO_CHANGE OSC_ALREADY_RAISED; after 12 months with 3 new failures → a new task', () => {
    pastFailure('2026-06-01', 'C7');
    pastFailure('2026-06-02', 'C8');
    iwo(DAY45, 'ORG');
    decide();
    decide('2026-11-21');
    expect(rows('2026-11-21')).toEqual([
      ['C1|941111111', 'NO_CHANGE', 'FAILURE_ALREADY_RAISED'],
      ['employer|941111111', 'NO_CHANGE', 'OSC_ALREADY_RAISED'],
    ]);
    expect(facts('employer|941111111', '2026-11-21')).toMatchObject({ namedOn: D });
    expect(tasks('2026-11-21')).toEqual([]);
    pastFailure('2027-10-01', 'C7');
    pastFailure('2027-10-02', 'C8');
    pastFailure('2027-11-01', 'C9');
    decide('2027-11-21');
    expect(rows('2027-11-21')).toContainEqual(['employer|941111111', 'TASK', 'OSC_FAILURES']);
  });
});
