/**
 * The CSLN listing (issue 12, outbound csln-submission) on tiny tables. Default obligor: principal
 * $5,000.00, interest $100.00 (total $5,100.00), CSWN current. D = 2026-11-20 is a Friday: the tests
 * set csln.submissionWeekday FRI (due) unless they test the weekday itself.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import type { RunContext } from '../../src/interfaces.ts';
import { computeDerivedFacts } from '../../src/rules/derived.ts';
import { cslnDue, CSLN_REASONS, decideCsln, summarizeCsln, weekdayOf } from '../../src/rules/csln.ts';
import { caseRow, D, decisions, person, World } from '../helpers/world.ts';

const friday = parseConfig({ csln: { submissionWeekday: 'FRI' } });
const nightly: RunContext = { command: 'nightly', requested: [] };
const SSN = '111223333';
type Over = Record<string, string | number | null>;
let w: World;

function obligor(id = 'P1', ssn = SSN, personOver: Over = {}, caseOver: Over = {}): void {
  w.addPerson(person(id, { ssn, ...personOver }));
  w.addCase(caseRow(`C${id.slice(1)}`, id, caseOver));
}

function night(date = D, config = friday, ctx = nightly) {
  computeDerivedFacts(w.db, date, config);
  decideCsln(w.db, date, config, ctx);
  return summarizeCsln(w.db, date);
}

const brief = (date = D) =>
  decisions(w.db, 'csln', date).map((d) => [d.subject_key, d.outcome, d.reason_codes, d.amount_cents, JSON.parse(d.facts).action]);

function ledger() {
  return w.db
    .prepare('SELECT business_date, person_id, action, certified, amount_cents, case_id, lcsa_code FROM csln_ledger ORDER BY business_date, person_id')
    .all();
}

function update(caseId: string, set: Over): void {
  const cols = Object.keys(set);
  w.db.prepare(`UPDATE ce_cases SET ${cols.map((c) => `${c} = ?`).join(', ')} WHERE case_id = ?`).run(...cols.map((c) => set[c] ?? null), caseId);
}

beforeEach(() => {
  w = new World();
});

describe('csln: when the submission is due', () => {
  it('the configured weekday (default SAT), or run csln-submission on any other night', () => {
    expect(weekdayOf('2026-11-20')).toBe('FRI');
    expect(weekdayOf('2026-11-28')).toBe('SAT');
    const def = parseConfig({});
    expect(def.csln).toEqual({ submissionWeekday: 'SAT', minPrincipalCents: 50_000 });
    expect(cslnDue('2026-11-28', def, nightly)).toBe('WEEKDAY');
    expect(cslnDue('2026-11-20', def, nightly)).toBe('NOT_DUE');
    expect(cslnDue('2026-11-20', def, { command: 'run', requested: ['csln-submission'] })).toBe('REQUESTED');
    expect(cslnDue('2026-11-20', def, { command: 'run', requested: ['csln'] })).toBe('NOT_DUE');
  });

  it('a night that is not due decides nothing and says why; an earlier run csln-submission of D stands', () => {
    obligor();
    const s = night(D, parseConfig({}));
    expect(s).toMatchObject({ produced: false, due: 'NOT_DUE', evaluated: 0 });
    expect(s.reason).toContain('not produced');
    expect(decisions(w.db, 'csln')).toEqual([]);
    night(D, parseConfig({}), { command: 'run', requested: ['csln-submission'] });
    expect(brief()).toEqual([['P1', 'ISSUE', '', 510000, 'A']]);
    const again = night(D, parseConfig({}));
    expect(again).toMatchObject({ due: 'REQUESTED', produced: true }); // the date's file is the requested one
    expect(brief()).toEqual([['P1', 'ISSUE', '', 510000, 'A']]);
  });
});

describe('csln: listing', () => {
  it('A: one record per obligor, amount = total, the primary case and LCSA', () => {
    obligor();
    const s = night();
    expect(s).toMatchObject({ produced: true, due: 'WEEKDAY', issued: 1 });
    expect(brief()).toEqual([['P1', 'ISSUE', '', 510000, 'A']]);
    expect(ledger()).toEqual([{ business_date: D, person_id: 'P1', action: 'A', certified: 1, amount_cents: 510000, case_id: 'C1', lcsa_code: '037' }]);
    expect(JSON.parse(decisions(w.db, 'csln')[0]!.facts)).toMatchObject({ principalCents: 500000, minPrincipalCents: 50_000, due: 'WEEKDAY' });
  });

  it('principal $500.00 is listed; $499.99 is BELOW_ARREARS_THRESHOLD; the threshold is configurable', () => {
    obligor('P1', SSN, {}, { arrears_family: 50000, arrears_interest: 0 });
    obligor('P2', '222334444', {}, { arrears_family: 49999, arrears_interest: 0 });
    night();
    expect(brief()).toEqual([
      ['P1', 'ISSUE', '', 50000, 'A'],
      ['P2', 'SUPPRESS', 'BELOW_ARREARS_THRESHOLD', null, null],
    ]);
    const w2 = w;
    w = new World();
    obligor('P2', '222334444', {}, { arrears_family: 49999, arrears_interest: 0 });
    night(D, parseConfig({ csln: { submissionWeekday: 'FRI', minPrincipalCents: 40_000 } }));
    expect(brief()).toEqual([['P2', 'ISSUE', '', 49999, 'A']]);
    w2.db.close();
  });

  it.each([
    ['DECEASED', { deceased_on: '2026-10-01' }, {}],
    ['NO_CURRENT_CSWN', {}, { cswn_sent_date: '2025-01-01' }],
    ['BANKRUPTCY_STAY', {}, { bankruptcy_filed_date: '2026-10-01', bankruptcy_chapter: '13' }],
    ['NO_OPEN_CASE', {}, { status: 'CLOSED', closure_reason: 'PAID' }],
  ] as const)('the non-discretionary gates: %s', (gate, personOver, caseOver) => {
    obligor('P1', SSN, personOver, caseOver);
    night();
    expect(brief()).toEqual([['P1', 'SUPPRESS', gate, null, null]]);
  });

  it('NO_SSN and AMBIGUOUS_SSN: the record is keyed by SSN', () => {
    obligor('P1', null as unknown as string);
    obligor('P2', '222334444');
    w.addPerson(person('P9', { ssn: '222334444' }));
    night();
    expect(brief()).toEqual([
      ['P1', 'SUPPRESS', 'NO_SSN', null, null],
      ['P2', 'SUPPRESS', 'AMBIGUOUS_SSN', null, null],
    ]);
  });

  it('C when the total changed by the next due night, NO_CHANGE when not, D (amount 0) when no longer eligible', () => {
    obligor('P1');
    obligor('P2', '222334444');
    obligor('P3', '333445555');
    night('2026-11-13');
    update('C1', { arrears_family: 400000 });          // total 4,100.00
    update('C3', { arrears_family: 40000, arrears_interest: 0 }); // principal 400.00 < 500.00
    night();
    expect(brief()).toEqual([
      ['P1', 'AMEND', '', 410000, 'C'],
      ['P2', 'NO_CHANGE', '', 510000, null], // the listed amount, unchanged (as FTB)
      ['P3', 'TERMINATE', 'BELOW_ARREARS_THRESHOLD', 0, 'D'],
    ]);
    expect(ledger().filter((l) => (l as { business_date: string }).business_date === D)).toEqual([
      { business_date: D, person_id: 'P1', action: 'C', certified: 1, amount_cents: 410000, case_id: 'C1', lcsa_code: '037' },
      { business_date: D, person_id: 'P3', action: 'D', certified: 0, amount_cents: 0, case_id: 'C3', lcsa_code: '037' },
    ]);
  });

  it('a listed obligor whose case closed is deleted with NO_OPEN_CASE, under the case last listed', () => {
    obligor();
    night('2026-11-13');
    update('C1', { status: 'CLOSED', closure_reason: 'PAID' });
    night();
    expect(brief()).toEqual([['P1', 'TERMINATE', 'NO_OPEN_CASE', 0, 'D']]);
    expect(decisions(w.db, 'csln')[0]!.case_id).toBe('C1');
  });

  it('a rerun of a due night replaces its decisions and ledger rows', () => {
    obligor();
    night();
    night();
    expect(brief()).toEqual([['P1', 'ISSUE', '', 510000, 'A']]);
    expect(ledger()).toHaveLength(1);
  });

  it('declares its reasons in order', () => {
    expect(CSLN_REASONS).toEqual(['DECEASED', 'NO_OPEN_CASE', 'NO_CURRENT_CSWN', 'BANKRUPTCY_STAY', 'BELOW_ARREARS_THRESHOLD', 'NO_SSN', 'AMBIGUOUS_SSN', 'SSN_CHANGED']);
  });
});
