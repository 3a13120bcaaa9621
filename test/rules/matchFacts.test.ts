/**
 * Facts from staged match records across nights (DOMAIN 4): EDD claims and UIB/DIB receipt (which
 * suppresses levies), household income for SB 1055, FOP rejects per (SSN, case type).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { computeDerivedFacts } from '../../src/rules/derived.ts';
import { decideLevy } from '../../src/rules/levy.ts';
import { caseRow, D, decisions, person, World } from '../helpers/world.ts';

const config = parseConfig({});
let w: World;

beforeEach(() => {
  w = new World();
});

function edd(fileId: number, ssn: string, claimId: string, claimType: string, claimStatus: string): void {
  w.addStaged('edd', 'detail', fileId, { recordType: 'D', ssn, lastName: 'X', firstName: 'Y', claimType, claimId, claimStatus, weeklyBenefitAmount: 45000 });
}

function facts(sql: string): unknown[] {
  computeDerivedFacts(w.db, D, config);
  return w.db.prepare(sql).all();
}

describe('EDD claims and UIB/DIB receipt', () => {
  beforeEach(() => {
    ['P1', 'P2', 'P3', 'P4'].forEach((p, i) => w.addPerson(person(p, { ssn: `20000000${i}` })).addCase(caseRow(`C${i}`, p)));
  });

  it('an active U or D claim makes a recipient; a later E/T record of the claim supersedes it; PFL never counts', () => {
    const early = w.addFile('edd', 'edd-0915.txt', '2026-09-15');
    edd(early, '200000000', 'U1', 'U', 'A'); // P1: still active
    edd(early, '200000001', 'D2', 'D', 'A'); // P2: terminated on D
    edd(early, '200000002', 'P3', 'P', 'A'); // P3: paid family leave
    const now = w.addFile('edd', 'edd-1120.txt');
    edd(now, '200000001', 'D2', 'D', 'T');
    const later = w.addFile('edd', 'edd-1201.txt', '2026-12-01'); // not yet loaded on D
    edd(later, '200000003', 'U4', 'U', 'A');
    expect(facts('SELECT person_id, uib_dib_recipient AS r FROM obligor_facts ORDER BY person_id')).toEqual([
      { person_id: 'P1', r: 1 },
      { person_id: 'P2', r: 0 },
      { person_id: 'P3', r: 0 },
      { person_id: 'P4', r: 0 },
    ]);
  });

  it('suppresses the levy of a claimant as UIB_DIB_RECIPIENT', () => {
    edd(w.addFile('edd', 'edd.txt'), '200000000', 'U1', 'U', 'A');
    const f = w.addFile('fidm', 'f.txt');
    w.addFidmBlock(f, { fein: '941111111' }, [
      { ssn: '200000000', account: 'A1' },
      { ssn: '200000001', account: 'A2' },
    ]);
    computeDerivedFacts(w.db, D, config);
    decideLevy(w.db, D, config);
    expect(decisions(w.db).map((r) => [r.person_id, r.reason_codes])).toEqual([
      ['P2', ''],
      ['P1', 'UIB_DIB_RECIPIENT'],
    ]);
  });
});

describe('household income (SB 1055)', () => {
  it('takes the newer of the case extract income and the FTB income record with the highest tax year', () => {
    w.addPerson(person('P1', { ssn: '300000001', household_income_annual: 4000000, income_verified_date: '2026-03-01' }));
    w.addPerson(person('P2', { ssn: '300000002', household_income_annual: 5000000, income_verified_date: '2025-06-30' }));
    w.addPerson(person('P3', { ssn: '300000003' }));
    w.addPerson(person('P4', { ssn: '300000004', household_income_annual: 7000000 }));
    const f = w.addFile('ftb', 'ftb.txt');
    const income = (ssn: string, taxYear: string, cents: number) =>
      w.addStaged('ftb', 'income', f, { recordType: 'I', ssn, lastName: 'X', firstName: 'Y', taxYear, filingStatus: 'S', householdAdjustedGrossIncome: cents });
    income('300000001', '2025', 9900000); // dated 2025-12-31: older than the extract's 2026-03-01
    income('300000002', '2024', 1000000);
    income('300000002', '2025', 2000000); // highest tax year, 2025-12-31: newer than 2025-06-30
    income('300000003', '2023', 3000000);
    income('300000004', '2022', 6000000); // the extract's income has no date: FTB wins
    expect(facts('SELECT person_id, income_cents, as_of FROM household_income ORDER BY person_id')).toEqual([
      { person_id: 'P1', income_cents: 4000000, as_of: '2026-03-01' },
      { person_id: 'P2', income_cents: 2000000, as_of: '2025-12-31' },
      { person_id: 'P3', income_cents: 3000000, as_of: '2023-12-31' },
      { person_id: 'P4', income_cents: 6000000, as_of: '2022-12-31' },
    ]);
  });
});

describe('FOP rejects per (SSN, case type)', () => {
  it('keeps the latest reject of each SSN and case type with its error codes', () => {
    w.addPerson(person('P1', { ssn: '400000001' }));
    const old = w.addFile('fop-rejects', 'rej-1.txt', '2026-10-01');
    const now = w.addFile('fop-rejects', 'rej-2.txt');
    const rej = (fileId: number, record: string, caseType: string, codes: Array<string | null>) =>
      w.addStaged('fop-rejects', record, fileId, {
        submittingState: 'CA', ssn: '400000001', caseId: 'C1', lastName: 'X', firstName: 'Y', caseType, transactionType: 'A',
        errorCode1: codes[0] ?? null, errorCode2: codes[1] ?? null,
      });
    rej(old, 'tanfDetail', 'A', ['11', null]);
    rej(now, 'tanfDetail', 'A', ['26', '47']);
    rej(old, 'nonTanfDetail', 'N', ['34', null]);
    expect(facts('SELECT ssn, case_type, error_codes, file FROM fop_reject ORDER BY case_type')).toEqual([
      { ssn: '400000001', case_type: 'A', error_codes: '["26","47",null,null,null,null]', file: 'rej-2.txt' },
      { ssn: '400000001', case_type: 'N', error_codes: '["34",null,null,null,null,null]', file: 'rej-1.txt' },
    ]);
  });
});
