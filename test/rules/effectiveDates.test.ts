/**
 * Policy effective dates come from configuration (DOMAIN 7): the same data judged on business dates
 * either side of each change, and the change moved by configuration. SB 1055 (2025-01-01 and the
 * 2027-01-01 commercial-license change) is covered the same way in license.test.ts.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { computeDerivedFacts } from '../../src/rules/derived.ts';
import { caseRow, person, World } from '../helpers/world.ts';

let w: World;

beforeEach(() => {
  w = new World();
});

function caseFact(d: string, overrides: Record<string, unknown> = {}): { foster_excluded: number; state_enforceable: number; principal: number } {
  computeDerivedFacts(w.db, d, parseConfig(overrides));
  return w.db.prepare('SELECT foster_excluded, state_enforceable, principal FROM case_facts WHERE case_id = ?').get('C1') as {
    foster_excluded: number;
    state_enforceable: number;
    principal: number;
  };
}

function relief(d: string, overrides: Record<string, unknown> = {}): number {
  computeDerivedFacts(w.db, d, parseConfig(overrides));
  return (w.db.prepare('SELECT incarceration_relief AS r FROM obligor_facts WHERE person_id = ?').get('P1') as { r: number }).r;
}

describe('foster-care arrears (no longer enforced from 2023-12-01)', () => {
  beforeEach(() => {
    w.addPerson(person('P1')).addCase(caseRow('C1', 'P1', { arrears_state: 300000, arrears_foster_care: 100000, arrears_family: 50000 }));
  });

  it('are enforced on 2023-11-30 and excluded on 2023-12-01', () => {
    expect(caseFact('2023-11-30')).toEqual({ foster_excluded: 0, state_enforceable: 300000, principal: 350000 });
    expect(caseFact('2023-12-01')).toEqual({ foster_excluded: 100000, state_enforceable: 200000, principal: 250000 });
  });

  it('move with derived.fosterCareExclusionFrom', () => {
    const later = { derived: { fosterCareExclusionFrom: '2024-06-01' } };
    expect(caseFact('2023-12-01', later).foster_excluded).toBe(0);
    expect(caseFact('2024-06-01', later).foster_excluded).toBe(100000);
  });
});

describe('post-release incarceration relief (releases from 2024-01-01, FC 4007.5)', () => {
  it('a release on 2023-12-31 gives none, one on 2024-01-01 gives relief until the end of October', () => {
    w.addPerson(person('P1', { incarcerated_since: '2023-01-01', released_on: '2023-12-31' })).addCase(caseRow('C1', 'P1'));
    expect(relief('2024-02-01')).toBe(0);
    w.db.prepare(`UPDATE ce_participants SET released_on = '2024-01-01'`).run();
    expect(relief('2024-02-01')).toBe(1);
    expect(relief('2024-10-31')).toBe(1); // first day of the release month + 10 months = 2024-11-01
    expect(relief('2024-11-01')).toBe(0);
  });

  it('move with derived.incarcerationReleaseReliefFrom and the length with ...Months', () => {
    w.addPerson(person('P1', { incarcerated_since: '2023-01-01', released_on: '2024-03-15' })).addCase(caseRow('C1', 'P1'));
    expect(relief('2024-04-01')).toBe(1);
    expect(relief('2024-04-01', { derived: { incarcerationReleaseReliefFrom: '2024-07-01' } })).toBe(0);
    expect(relief('2024-12-31', { derived: { incarcerationReleaseReliefMonths: 12 } })).toBe(1);
    expect(relief('2025-03-01', { derived: { incarcerationReleaseReliefMonths: 12 } })).toBe(0);
  });
});
