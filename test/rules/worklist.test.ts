/**
 * Worklist mechanism (DOMAIN 6.2 TSP and DIR PD / LS, 6.11) on tiny tables: obligor P1 (SSN
 * 111223333) with open case C1 — total $5,100.00, 172 days delinquent, CSWN current.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { computeDerivedFacts } from '../../src/rules/derived.ts';
import { decideWorklist, summarizeWorklist } from '../../src/rules/worklist.ts';
import { MECHANISMS } from '../../src/interfaces.ts';
import { caseRow, D, decisions, person, World } from '../helpers/world.ts';
import { addDir, addTsp, SSN } from '../helpers/matchIwo.ts';

const config = parseConfig({});
let w: World;

type Over = Record<string, string | number | null>;

function obligor(personOver: Over = {}, caseOver: Over = {}): void {
  w.addPerson(person('P1', { ssn: SSN, ...personOver }));
  w.addCase(caseRow('C1', 'P1', caseOver));
}

function decide() {
  computeDerivedFacts(w.db, D, config);
  decideWorklist(w.db, D, config);
  return summarizeWorklist(w.db, D);
}

function rows() {
  return decisions(w.db, 'worklist').map((d) => [d.subject_key, d.outcome, d.reason_codes, d.amount_cents]);
}

function tasks() {
  return w.db
    .prepare('SELECT task_id, mechanism, task_type, case_id, lcsa_code, person_id, source_interface, source_file, source_line, amount_cents FROM tasks ORDER BY task_id')
    .all() as Array<Record<string, unknown>>;
}

beforeEach(() => {
  w = new World();
});

describe('worklist registration', () => {
  it('is a mechanism fed by tsp and dir-wc, writing only tasks', () => {
    const m = MECHANISMS.find((x) => x.id === 'worklist');
    expect(m).toMatchObject({ inputs: ['tsp', 'dir-wc'], outputs: [] });
  });
});

describe('TSP manual levy', () => {
  it('raises TSP_MANUAL_LEVY for min(balance, total) on the primary case', () => {
    obligor();
    const f = w.addFile('tsp', 'tsp-a.txt');
    addTsp(w, f, { tspAccountNumber: 'TSPSMALL', accountBalance: 300000 });
    addTsp(w, f, { tspAccountNumber: 'TSPBIG', accountBalance: 900000 });
    const summary = decide();
    expect(rows()).toEqual([
      ['tsp|tsp-a.txt:1', 'TASK', '', 300000],
      ['tsp|tsp-a.txt:2', 'TASK', '', 510000],
    ]);
    const sha8 = (w.db.prepare('SELECT substr(sha256, 1, 8) AS s FROM inbound_files WHERE file_id = ?').get(f) as { s: string }).s;
    expect(tasks()).toEqual([
      { task_id: `tsp-20261120-${sha8}-1`, mechanism: 'worklist', task_type: 'TSP_MANUAL_LEVY', case_id: 'C1', lcsa_code: '037', person_id: 'P1', source_interface: 'tsp', source_file: 'tsp-a.txt', source_line: 1, amount_cents: 300000 },
      { task_id: `tsp-20261120-${sha8}-2`, mechanism: 'worklist', task_type: 'TSP_MANUAL_LEVY', case_id: 'C1', lcsa_code: '037', person_id: 'P1', source_interface: 'tsp', source_file: 'tsp-a.txt', source_line: 2, amount_cents: 510000 },
    ]);
    expect(JSON.parse(decisions(w.db, 'worklist')[0]!.facts)).toMatchObject({ taskType: 'TSP_MANUAL_LEVY', balanceCents: 300000, totalCents: 510000, accountNumberLast4: 'MALL' });
    expect(summary).toEqual({ evaluated: 2, tasks: { TSP_MANUAL_LEVY: 2 }, taskCents: 810000, suppressed: {} });
  });

  it('NO_BALANCE, NOT_DELINQUENT and NOTHING_OWED', () => {
    obligor();
    w.addPerson(person('P2', { ssn: '222334444' })).addCase(caseRow('C2', 'P2', { oldest_unpaid_due_date: '2026-11-01' }));
    w.addPerson(person('P3', { ssn: '333445555' })).addCase(caseRow('C3', 'P3', { arrears_family: 0, arrears_interest: 0 }));
    const f = w.addFile('tsp', 'tsp-a.txt');
    addTsp(w, f, { tspAccountNumber: 'A', accountBalance: 0 });
    addTsp(w, f, { tspAccountNumber: 'B', ssn: '222334444' }); // 19 days delinquent: compliant
    addTsp(w, f, { tspAccountNumber: 'C', ssn: '333445555' });
    const summary = decide();
    expect(rows()).toEqual([
      ['tsp|tsp-a.txt:1', 'SUPPRESS', 'NO_BALANCE', null],
      ['tsp|tsp-a.txt:2', 'SUPPRESS', 'NOT_DELINQUENT', null],
      ['tsp|tsp-a.txt:3', 'SUPPRESS', 'NOTHING_OWED', null],
    ]);
    expect(tasks()).toEqual([]);
    expect(summary.suppressed).toEqual({ NO_BALANCE: 1, NOT_DELINQUENT: 1, NOTHING_OWED: 1 });
  });

  const gates: Array<[string, Over, Over]> = [
    ['DECEASED', { deceased_on: '2026-11-01' }, {}],
    ['NO_OPEN_CASE', {}, { status: 'CLOSED' }],
    ['BANKRUPTCY_STAY', {}, { bankruptcy_filed_date: '2026-11-01' }],
  ];
  for (const [reason, p, c] of gates) {
    it(`gate ${reason}`, () => {
      obligor(p, c);
      addTsp(w, w.addFile('tsp', 'tsp-a.txt'));
      decide();
      expect(rows()).toEqual([['tsp|tsp-a.txt:1', 'SUPPRESS', reason, null]]);
    });
  }

  it('has no CSWN gate (outside the case system)', () => {
    obligor({}, { cswn_sent_date: null });
    addTsp(w, w.addFile('tsp', 'tsp-a.txt'));
    decide();
    expect(rows()).toEqual([['tsp|tsp-a.txt:1', 'TASK', '', 300000]]);
  });

  it('acts on records loaded on D only, and on the later record of an account', () => {
    obligor();
    addTsp(w, w.addFile('tsp', 'tsp-old.txt', '2026-08-20'));
    const f = w.addFile('tsp', 'tsp-a.txt');
    addTsp(w, f, { accountBalance: 100000 });
    addTsp(w, f, { accountBalance: 200000 });
    decide();
    expect(rows()).toEqual([['tsp|tsp-a.txt:2', 'TASK', '', 200000]]);
  });
});

describe('DIR PD / LS lien review', () => {
  it('raises DIR_PD_LIEN_REVIEW for min(award, total), any status; TD and DB records are not the worklist\'s', () => {
    obligor();
    const f = w.addFile('dir-wc', 'dir-a.txt');
    addDir(w, f, { claimNumber: 'PD1', benefitType: 'PD', awardAmount: 250000, claimStatus: 'C' });
    addDir(w, f, { claimNumber: 'LS1', benefitType: 'LS', awardAmount: 2000000, claimStatus: 'O' });
    addDir(w, f, { claimNumber: 'TD1', benefitType: 'TD' });
    addDir(w, f, { claimNumber: 'DB1', benefitType: 'DB', awardAmount: 100000 });
    decide();
    expect(rows()).toEqual([
      ['dir-wc|dir-a.txt:1', 'TASK', '', 250000],
      ['dir-wc|dir-a.txt:2', 'TASK', '', 510000],
    ]);
    expect(tasks().map((t) => [t.task_type, t.case_id, t.lcsa_code, t.person_id, t.source_interface, t.source_line])).toEqual([
      ['DIR_PD_LIEN_REVIEW', 'C1', '037', 'P1', 'dir-wc', 1],
      ['DIR_PD_LIEN_REVIEW', 'C1', '037', 'P1', 'dir-wc', 2],
    ]);
  });

  const gates: Array<[string, Over, Over]> = [
    ['DECEASED', { deceased_on: '2026-11-01' }, {}],
    ['NO_OPEN_CASE', {}, { status: 'CLOSED' }],
    ['NO_CURRENT_CSWN', {}, { cswn_sent_date: '2025-11-19' }],
    ['BANKRUPTCY_STAY', {}, { bankruptcy_filed_date: '2026-11-01' }],
  ];
  for (const [reason, p, c] of gates) {
    it(`gate ${reason}`, () => {
      obligor(p, c);
      addDir(w, w.addFile('dir-wc', 'dir-a.txt'), { benefitType: 'PD', awardAmount: 250000 });
      decide();
      expect(rows()).toEqual([['dir-wc|dir-a.txt:1', 'SUPPRESS', reason, null]]);
      expect(tasks()).toEqual([]);
    });
  }

  it('NOTHING_OWED when the obligor total is 0', () => {
    obligor({}, { arrears_family: 0, arrears_interest: 0 });
    addDir(w, w.addFile('dir-wc', 'dir-a.txt'), { benefitType: 'PD', awardAmount: 250000 });
    decide();
    expect(rows()).toEqual([['dir-wc|dir-a.txt:1', 'SUPPRESS', 'NOTHING_OWED', null]]);
  });
});

describe('ambiguous SSNs and reruns', () => {
  it('TSP and DIR PD records on a shared SSN raise task OTHER without person, case or LCSA', () => {
    obligor();
    w.addPerson(person('P9', { ssn: SSN }));
    addTsp(w, w.addFile('tsp', 'tsp-a.txt'));
    const f = w.addFile('dir-wc', 'dir-a.txt');
    addDir(w, f, { benefitType: 'PD', awardAmount: 250000 });
    addDir(w, f, { benefitType: 'TD' }); // the IWO mechanism's
    const summary = decide();
    expect(tasks().map((t) => [t.task_type, t.case_id, t.lcsa_code, t.person_id, t.source_interface, t.source_line, t.amount_cents])).toEqual([
      ['OTHER', null, null, null, 'dir-wc', 1, 250000],
      ['OTHER', null, null, null, 'tsp', 1, 300000],
    ]);
    expect(rows()).toEqual([
      ['dir-wc|dir-a.txt:1', 'TASK', 'AMBIGUOUS_SSN', 250000],
      ['tsp|tsp-a.txt:1', 'TASK', 'AMBIGUOUS_SSN', 300000],
    ]);
    expect(summary).toMatchObject({ evaluated: 0, tasks: { OTHER: 2 } });
  });

  it('a rerun of D replaces its decisions and tasks', () => {
    obligor();
    addTsp(w, w.addFile('tsp', 'tsp-a.txt'));
    decide();
    decide();
    expect(rows()).toEqual([['tsp|tsp-a.txt:1', 'TASK', '', 300000]]);
    expect(tasks()).toHaveLength(1);
  });
});
