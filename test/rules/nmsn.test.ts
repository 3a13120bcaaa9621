/**
 * NMSN rules (DOMAIN 6.3) on tiny tables: one case that gets a notice by default, one change per
 * test. Dates relative to D = 2026-11-20.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { computeDerivedFacts } from '../../src/rules/derived.ts';
import { decideNmsn, NMSN_REASONS, summarizeNmsn } from '../../src/rules/nmsn.ts';
import { caseRow, D, decisions, person, World } from '../helpers/world.ts';

type Over = Record<string, string | number | null>;
const config = parseConfig({});
const FEIN = '941111111';
let w: World;

/** P1 with case C1: medical support ordered, no coverage on file, employer E1 (FEIN 941111111), one child. */
function world(personOver: Over = {}, caseOver: Over = {}, employerOver: Over = {}): void {
  w.addPerson(person('P1', { ssn: '111223333', ...personOver }));
  w.addEmployer('E1', employerOver);
  w.addCase(caseRow('C1', 'P1', { medical_support_ordered: 'Y', medical_coverage_on_file: 'N', employer_id: 'E1', ...caseOver }));
  w.addChild('C1', 1);
}

function decide(date = D) {
  computeDerivedFacts(w.db, date, config);
  decideNmsn(w.db, date, config);
  return summarizeNmsn(w.db, date);
}

function only(date = D) {
  const rows = decisions(w.db, 'nmsn', date);
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

function ledger() {
  return w.db.prepare('SELECT business_date, case_id, fein, employer_id, person_id, order_id FROM nmsn_ledger ORDER BY business_date, case_id').all();
}

beforeEach(() => {
  w = new World();
});

describe('nmsn: a case that needs a notice', () => {
  it('NO_SSN: an obligor without a usable SSN gets no nmsn (the record identifies him by SSN), not an unwritable record', () => {
    world({ ssn: null });
    decide();
    expect(only()).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'NO_SSN' });
  });

  it('is issued once for (case, FEIN), naming the first six children by numeric child_seq', () => {
    world();
    // seq 10 sorts before 2 as text; numerically it is the 7th child and is left off
    for (const seq of [10, 3, 2, 6, 5, 4]) w.addChild('C1', seq, { line: 100 + seq });
    const summary = decide();
    const d = only();
    expect(d).toMatchObject({ subject_key: `C1|${FEIN}`, person_id: 'P1', case_id: 'C1', outcome: 'ISSUE', reason_codes: '', amount_cents: null });
    const facts = JSON.parse(d.facts);
    expect(facts).toMatchObject({ employerId: 'E1', fein: FEIN, orderId: 'ORD-C1', firstSentOn: null, documentDate: D });
    expect(facts.children.map((c: { seq: number }) => c.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    const sources = JSON.parse(d.sources) as Array<{ file: string; line: number }>;
    expect(sources.map((s) => s.file)).toEqual(['cases.csv', 'participants.csv', 'employers.csv', ...Array(6).fill('children.csv')]);
    expect(sources.slice(4).map((s) => s.line)).toEqual([102, 103, 104, 105, 106]);
    expect(ledger()).toEqual([{ business_date: D, case_id: 'C1', fein: FEIN, employer_id: 'E1', person_id: 'P1', order_id: 'ORD-C1' }]);
    expect(summary).toMatchObject({ evaluated: 1, issued: 1, noChange: 0, suppressed: {} });
  });

  it('evaluates only cases meeting the medical-support conditions and naming an employer', () => {
    w.addPerson(person('P1', { ssn: '111223333' })).addEmployer('E1');
    w.addCase(caseRow('C1', 'P1', { medical_support_ordered: 'N', medical_coverage_on_file: 'N', employer_id: 'E1' }));
    w.addCase(caseRow('C2', 'P1', { medical_support_ordered: 'Y', medical_coverage_on_file: 'Y', employer_id: 'E1' }));
    w.addCase(caseRow('C3', 'P1', { medical_support_ordered: 'Y', medical_coverage_on_file: 'N', employer_id: null }));
    decide();
    expect(decisions(w.db, 'nmsn')).toEqual([]);
    expect(ledger()).toEqual([]);
  });
});

describe('nmsn: gates (DOMAIN 5) and NO_FEIN, in order', () => {
  it('DECEASED on or before D', () => {
    world({ deceased_on: D });
    decide();
    expect(only()).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'DECEASED', amount_cents: null });
    expect(ledger()).toEqual([]);
  });

  it('NO_OPEN_CASE for a closed case or an open case without an order, even when the obligor has another open case', () => {
    world({}, { status: 'CLOSED', closure_reason: 'PAID' });
    w.addCase(caseRow('C2', 'P1', { medical_support_ordered: 'Y', medical_coverage_on_file: 'N', employer_id: 'E1', order_id: null }));
    w.addCase(caseRow('C3', 'P1')); // open, no medical support: keeps the obligor's open case count at 1
    decide();
    expect(decisions(w.db, 'nmsn').map((r) => [r.subject_key, r.outcome, r.reason_codes])).toEqual([
      [`C1|${FEIN}`, 'SUPPRESS', 'NO_OPEN_CASE'],
      [`C2|${FEIN}`, 'SUPPRESS', 'NO_OPEN_CASE'],
    ]);
  });

  it('BANKRUPTCY_STAY while a stay is active (filed on or before D, not closed by D)', () => {
    world({}, { bankruptcy_filed_date: '2026-11-20', bankruptcy_chapter: '13' });
    decide();
    expect(only().reason_codes).toBe('BANKRUPTCY_STAY');
  });

  it('no stay once the bankruptcy closed on or before D', () => {
    world({}, { bankruptcy_filed_date: '2026-01-01', bankruptcy_chapter: '7', bankruptcy_closed_date: D });
    decide();
    expect(only()).toMatchObject({ outcome: 'ISSUE', reason_codes: '' });
  });

  it('INCARCERATION_RELIEF when in custody for more than 90 days', () => {
    world({ incarcerated_since: '2026-08-21' }); // 91 days before D
    decide();
    expect(only().reason_codes).toBe('INCARCERATION_RELIEF');
  });

  it('NO_FEIN for an employer without FEIN (subject key with an empty FEIN)', () => {
    world({}, {}, { fein: null });
    decide();
    expect(only()).toMatchObject({ subject_key: 'C1|', outcome: 'SUPPRESS', reason_codes: 'NO_FEIN' });
    expect(ledger()).toEqual([]);
  });

  it('applies the first failing reason: DECEASED before BANKRUPTCY_STAY, gates before NO_FEIN', () => {
    world({ deceased_on: '2026-01-01' }, { bankruptcy_filed_date: '2026-01-01', bankruptcy_chapter: '7' });
    w.addPerson(person('P2', { ssn: '222334444', incarcerated_since: '2026-01-01' })).addEmployer('E2', { fein: null });
    w.addCase(caseRow('C2', 'P2', { medical_support_ordered: 'Y', medical_coverage_on_file: 'N', employer_id: 'E2' }));
    decide();
    expect(decisions(w.db, 'nmsn').map((r) => [r.subject_key, r.reason_codes])).toEqual([
      [`C1|${FEIN}`, 'DECEASED'],
      ['C2|', 'INCARCERATION_RELIEF'],
    ]);
    expect(NMSN_REASONS).toEqual(['DECEASED', 'NO_OPEN_CASE', 'BANKRUPTCY_STAY', 'INCARCERATION_RELIEF', 'NO_FEIN', 'NO_SSN', 'EMPLOYER_INCOMPLETE', 'NO_CHILD_ON_FILE']);
  });
});

describe('nmsn: never repeated, never terminated', () => {
  it('NO_CHANGE when the (case, FEIN) was sent on an earlier date', () => {
    world();
    w.addRow('nmsn_ledger', { business_date: '2024-02-01', case_id: 'C1', fein: FEIN, employer_id: 'E1', person_id: 'P1', order_id: 'ORD-C1', children: '[]', decision_id: 0 });
    const summary = decide();
    const d = only();
    expect(d).toMatchObject({ outcome: 'NO_CHANGE', reason_codes: '' });
    expect(JSON.parse(d.facts).firstSentOn).toBe('2024-02-01');
    expect(summary).toMatchObject({ issued: 0, noChange: 1 });
    expect(ledger()).toHaveLength(1); // no new ledger row
  });

  it('a new FEIN (the obligor changed employer) gets its own notice', () => {
    world({}, {}, { fein: '952222222' });
    w.addRow('nmsn_ledger', { business_date: '2026-01-05', case_id: 'C1', fein: FEIN, employer_id: 'E0', person_id: 'P1', order_id: 'ORD-C1', children: '[]', decision_id: 0 });
    decide();
    expect(only()).toMatchObject({ subject_key: 'C1|952222222', outcome: 'ISSUE' });
  });

  it('is sent on the first date and NO_CHANGE on the next; a rerun of D does not block itself; nothing is terminated', () => {
    world();
    decide('2026-09-15');
    expect(only('2026-09-15').outcome).toBe('ISSUE');
    decide('2026-09-15'); // rerun of the same date replaces its own rows
    expect(only('2026-09-15').outcome).toBe('ISSUE');
    expect(ledger()).toHaveLength(1);

    // the case closes on D: the notice is not terminated (a SUPPRESS row, no ledger change)
    w.db.prepare("UPDATE ce_cases SET status = 'CLOSED', closure_reason = 'PAID'").run();
    decide();
    expect(only()).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'NO_OPEN_CASE' });
    w.db.prepare("UPDATE ce_cases SET status = 'OPEN', closure_reason = NULL").run();
    decide();
    expect(only()).toMatchObject({ outcome: 'NO_CHANGE' });
    expect(ledger()).toEqual([{ business_date: '2026-09-15', case_id: 'C1', fein: FEIN, employer_id: 'E1', person_id: 'P1', order_id: 'ORD-C1' }]);
  });
});
