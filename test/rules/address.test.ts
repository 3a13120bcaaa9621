/**
 * Issue 11: an obligor (or employer) without a usable mailing address is a reason, not an error.
 * CSWN, license A and lien are SUPPRESS NO_ADDRESS before formatting, with the fields looked at in
 * the facts; the `address` mechanism raises one LOCATE_ADDRESS task per obligor, not more often
 * than `tasks.locateAddressDays`. NMSN: EMPLOYER_INCOMPLETE for the employer's address and
 * NO_CHILD_ON_FILE (with a task OTHER) for a case without children. D = 2026-11-20.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import type { Config } from '../../src/config.ts';
import { computeDerivedFacts } from '../../src/rules/derived.ts';
import { decideCswn } from '../../src/rules/cswn.ts';
import { decideLien } from '../../src/rules/lien.ts';
import { decideLicense } from '../../src/rules/license.ts';
import { decideNmsn, NO_CHILD_ON_FILE } from '../../src/rules/nmsn.ts';
import { ADDRESS_MECHANISM, decideLocateAddress, hasMailingAddressSql, LOCATE_ADDRESS, NO_ADDRESS, summarizeLocateAddress, taskRaisedWithinSql } from '../../src/rules/address.ts';
import { buildCswn } from '../../src/outbound/cswn.ts';
import { buildLien } from '../../src/outbound/lien.ts';
import { buildLicenseSlm } from '../../src/outbound/licenseSlm.ts';
import { buildNmsn } from '../../src/outbound/nmsn.ts';
import { MECHANISMS } from '../../src/interfaces.ts';
import { planRun } from '../../src/runner/night.ts';
import { caseRow, D, decisions, person, World } from '../helpers/world.ts';
import { licenseLedgerRow } from '../helpers/licenseLedger.ts';
import { decodeRecords } from '../helpers/records.ts';

const config = parseConfig({});
let w: World;
/** business dates whose case-extract files are recorded (the tasks cite their sha256) */
let filed: Set<string>;

function extractFiles(date: string): void {
  if (filed.has(date)) return;
  filed.add(date);
  for (const f of ['participants.csv', 'cases.csv', 'employers.csv']) w.addFile('case-extract', f, date);
}

beforeEach(() => {
  w = new World();
  filed = new Set();
  extractFiles(D);
});

/**
 * P1 owes (CSWN not current: a notice is due; county 037: a lien is due) with the address fields
 * given; with `licensee`, P2 too (CSWN current, a DMV license: a certification is due), same address.
 */
function obligor(address: Record<string, string | null>, licensee = false): void {
  w.addPerson(person('P1', { ssn: '111223333', line: 7, ...address }));
  w.addCase(caseRow('C1', 'P1', { cswn_sent_date: '2024-01-01', line: 3 }));
  if (!licensee) return;
  w.addPerson(person('P2', { ssn: '222334444', line: 8, ...address }));
  w.addCase(caseRow('C2', 'P2', { line: 4 }));
  w.addLicense('P2', 'DMV', { line: 2 });
}

/** The decision of `mechanism` about P1 (cswn, lien) or P2 (license). */
function decisionOf(mechanism: string) {
  const who = mechanism === 'license' ? 'P2' : 'P1';
  return decisions(w.db, mechanism).find((d) => d.person_id === who);
}

function decideAll(date = D, cfg: Config = config): void {
  extractFiles(date);
  computeDerivedFacts(w.db, date, cfg);
  decideCswn(w.db, date, cfg);
  decideLien(w.db, date, cfg);
  decideLicense(w.db, date, cfg);
  decideLocateAddress(w.db, date, cfg);
}

function tasks(date = D) {
  return w.db
    .prepare('SELECT task_type, mechanism, person_id, case_id, lcsa_code, source_interface, source_file, source_line FROM tasks WHERE business_date = ? ORDER BY task_id')
    .all(date);
}

describe('hasMailingAddressSql: the one definition of a usable mailing address', () => {
  it('needs line 1, city, state and ZIP non-blank; line 2 is optional; blanks and spaces count as missing', () => {
    const usable = (a: Record<string, string | null>) =>
      (w.db.prepare(`SELECT ${hasMailingAddressSql('x')} AS ok FROM (SELECT :address_line1 AS address_line1, :city AS city, :state AS state, :zip AS zip) x`).get({
        address_line1: '1 MAIN ST', city: 'FRESNO', state: 'CA', zip: '93721', ...a,
      }) as { ok: number }).ok;
    expect(usable({})).toBe(1);
    expect(usable({ address_line1: null })).toBe(0);
    expect(usable({ city: '   ' })).toBe(0);
    expect(usable({ state: '' })).toBe(0);
    expect(usable({ zip: null })).toBe(0);
  });
});

describe('NO_ADDRESS: cswn, license, lien', () => {
  it('an obligor without an address is SUPPRESS NO_ADDRESS in each mechanism (facts name the fields looked at), and the writers write nothing and flag nothing unwritable', () => {
    obligor({ address_line1: null, city: null, zip: null }, true);
    decideAll();
    for (const m of ['cswn', 'lien', 'license']) {
      const d = decisionOf(m);
      expect(d, m).toMatchObject({ outcome: 'SUPPRESS', reason_codes: NO_ADDRESS, amount_cents: null });
      expect(JSON.parse(d!.facts).address, m).toEqual({
        of: 'obligor',
        fieldsLookedAt: ['address_line1', 'city', 'state', 'zip'],
        missing: ['address_line1', 'city', 'zip'],
      });
    }
    expect(buildCswn(w.db, D, config).unwritable).toBe(0);
    expect(buildLien(w.db, D, config).unwritable).toBe(0);
    expect(buildLicenseSlm(w.db, D, config).unwritable).toBe(0);
    for (const t of ['cswn_ledger', 'lien_ledger', 'license_ledger']) expect(w.db.prepare(`SELECT count(*) AS n FROM ${t}`).get(), t).toEqual({ n: 0 });
  });

  it('an obligor with an address is issued in each mechanism; the facts say nothing is missing', () => {
    obligor({}, true);
    decideAll();
    for (const m of ['cswn', 'lien', 'license']) {
      const d = decisionOf(m);
      expect(d, m).toMatchObject({ outcome: 'ISSUE' });
      expect(JSON.parse(d!.facts).address.missing, m).toEqual([]);
    }
    expect(tasks()).toEqual([]);
  });

  it('a reason that comes first still decides (a gate before NO_ADDRESS): no address task for a deceased obligor', () => {
    obligor({ address_line1: null, deceased_on: '2026-01-01' });
    decideAll();
    expect(decisions(w.db, 'cswn')[0]).toMatchObject({ reason_codes: 'DECEASED' });
    expect(tasks()).toEqual([]);
  });

  it('a lien already filed stays NO_CHANGE when the address goes missing (nothing is sent)', () => {
    obligor({ address_line1: null });
    w.addRow('lien_ledger', {
      business_date: '2026-10-01', case_id: 'C1', county_code: '037', person_id: 'P1', order_id: 'ORD-C1',
      judgment_cents: 1, interest_rate_thousandths: 10000, lien_type: 'R', decision_id: 0,
    });
    decideAll();
    expect(decisions(w.db, 'lien')[0]).toMatchObject({ outcome: 'NO_CHANGE', reason_codes: '' });
  });
});

describe('a license release is never held back for a missing address', () => {
  it('a certified obligor who became compliant and lost the address is released under the address the A was sent with', () => {
    w.addPerson(person('P1', { ssn: '111223333', address_line1: null, city: null, zip: null }));
    w.addCase(caseRow('C1', 'P1', { oldest_unpaid_due_date: '2026-11-01' })); // 19 days: compliant
    w.addLicense('P1', 'DMV', { line: 2 });
    const sent = { addressLine1: '9 OLD RD', addressLine2: null, city: 'FRESNO', state: 'CA', zip: '93721' };
    w.addRow('license_ledger', licenseLedgerRow('2026-10-01', 'P1', 'DMV', { ssn: '111223333', dtl_values: JSON.stringify(sent) }));
    computeDerivedFacts(w.db, D, config);
    decideLicense(w.db, D, config);
    expect(decisions(w.db, 'license')[0]).toMatchObject({ outcome: 'RELEASE', reason_codes: 'NOT_DELINQUENT' });
    const build = buildLicenseSlm(w.db, D, config);
    expect(build.unwritable).toBe(0);
    const detail = decodeRecords('license-slm', build.files[0]!.content as readonly string[]).find((r) => r.record === 'detail')!;
    expect(detail.values).toMatchObject({ transactionType: 'R', addressLine1: '9 OLD RD', city: 'FRESNO', state: 'CA', zip: '93721' });
  });
});

describe('LOCATE_ADDRESS: one task per obligor, not more often than tasks.locateAddressDays', () => {
  it('two NO_ADDRESS suppressions of one obligor (cswn, lien) raise one task, citing participants.csv and naming the primary case', () => {
    obligor({ zip: null });
    decideAll();
    expect(tasks()).toEqual([
      { task_type: LOCATE_ADDRESS, mechanism: ADDRESS_MECHANISM, person_id: 'P1', case_id: 'C1', lcsa_code: '037', source_interface: 'case-extract', source_file: 'participants.csv', source_line: 7 },
    ]);
    expect(summarizeLocateAddress(w.db, D)).toMatchObject({ tasks: 1, evaluated: 0 });
    // a rerun of D replaces its own task (no second one, and it does not block itself)
    decideLocateAddress(w.db, D, config);
    expect(tasks()).toHaveLength(1);
  });

  it('raised on 2026-10-21 (D − 30) blocks D; raised on 2026-10-20 (D − 31) does not', () => {
    obligor({ zip: null });
    decideAll('2026-10-21');
    expect(tasks('2026-10-21')).toHaveLength(1);
    decideAll();
    expect(tasks()).toEqual([]);
    expect(decisions(w.db, 'cswn')[0]).toMatchObject({ reason_codes: NO_ADDRESS });

    w = new World();
    filed = new Set();
    obligor({ zip: null });
    decideAll('2026-10-20');
    decideAll();
    expect(tasks('2026-10-20')).toHaveLength(1);
    expect(tasks()).toHaveLength(1);
  });

  it('tasks.locateAddressDays is configurable (default 30)', () => {
    expect(config.tasks.locateAddressDays).toBe(30);
    const cfg = parseConfig({ tasks: { locateAddressDays: 7 } });
    obligor({ zip: null });
    decideAll('2026-11-12', cfg);
    decideAll(D, cfg); // 8 days later: outside the 7-day window
    expect(tasks()).toHaveLength(1);
  });

  it('the window is probed one date at a time through the index, never as a range scan of every decision of the window (issue 10)', () => {
    // decisions_by_subject is (business_date, mechanism, subject_key): on a range of business_date
    // the index cannot use mechanism and key, and read each night's millions of decisions per key
    const plan = (col: 'subject_key' | 'person_id' | 'case_id') =>
      (w.db.prepare(`EXPLAIN QUERY PLAN SELECT ${taskRaisedWithinSql('nmsn', NO_CHILD_ON_FILE, col, "'K'", 30)}`).all({ d: D }) as Array<{ detail: string }>)
        .map((r) => r.detail)
        .join('\n');
    expect(plan('subject_key')).toContain('SEARCH t USING INDEX decisions_by_subject (business_date=? AND mechanism=? AND subject_key=?)');
    expect(plan('person_id')).toContain('SEARCH t USING INDEX decisions_by_person (business_date=? AND mechanism=? AND person_id=?)');
    expect(plan('case_id')).toContain('SEARCH t USING INDEX decisions_by_case (business_date=? AND mechanism=? AND case_id=?)');
    for (const col of ['subject_key', 'person_id', 'case_id'] as const) expect(plan(col)).not.toMatch(/business_date[<>]/);
    expect(() => taskRaisedWithinSql('nmsn', NO_CHILD_ON_FILE, 'subject_key', "'K'", 0)).toThrow(/whole number ≥ 1/);
  });

  it('runs after every other mechanism and whenever any of them runs', () => {
    expect(MECHANISMS.at(-1)!.id).toBe(ADDRESS_MECHANISM);
    expect(planRun('run', ['cswn']).mechanisms.map((m) => m.id)).toEqual(['cswn', ADDRESS_MECHANISM]);
    expect(planRun('run', ['tasks']).mechanisms).toEqual([]);
  });
});

describe('NMSN: the employer address and the children are checked before formatting', () => {
  function medical(employer: Record<string, string | null> = {}): void {
    w.addPerson(person('P1', { ssn: '111223333' }));
    w.addEmployer('E1', { line: 4, ...employer });
    w.addCase(caseRow('C1', 'P1', { medical_support_ordered: 'Y', medical_coverage_on_file: 'N', employer_id: 'E1', line: 3 }));
  }
  function nmsnTasks(date = D) {
    return w.db.prepare(`SELECT task_type, case_id, source_file, source_line FROM tasks WHERE business_date = ? AND mechanism = 'nmsn'`).all(date);
  }

  it('NO_CHILD_ON_FILE: SUPPRESS with one task OTHER citing the case row; the writer flags nothing unwritable', () => {
    medical();
    computeDerivedFacts(w.db, D, config);
    decideNmsn(w.db, D, config);
    const ds = decisions(w.db, 'nmsn');
    expect(ds.map((d) => [d.outcome, d.reason_codes])).toEqual([
      ['SUPPRESS', NO_CHILD_ON_FILE],
      ['TASK', NO_CHILD_ON_FILE],
    ]);
    expect(nmsnTasks()).toEqual([{ task_type: 'OTHER', case_id: 'C1', source_file: 'cases.csv', source_line: 3 }]);
    expect(buildNmsn(w.db, D, config).unwritable).toBe(0);
  });

  it('NO_CHILD_ON_FILE raises its task at most every tasks.noChildOnFileDays', () => {
    extractFiles('2026-11-01');
    medical();
    for (const date of ['2026-11-01', D]) {
      computeDerivedFacts(w.db, date, config);
      decideNmsn(w.db, date, config);
    }
    expect(nmsnTasks('2026-11-01')).toHaveLength(1);
    expect(nmsnTasks()).toEqual([]);
    expect(decisions(w.db, 'nmsn').map((d) => d.reason_codes)).toEqual([NO_CHILD_ON_FILE]);
  });

  it('an employer without a usable address is EMPLOYER_INCOMPLETE, with the employer fields looked at', () => {
    medical({ city: null });
    w.addChild('C1', 1);
    computeDerivedFacts(w.db, D, config);
    decideNmsn(w.db, D, config);
    const [d] = decisions(w.db, 'nmsn');
    expect(d).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'EMPLOYER_INCOMPLETE' });
    expect(JSON.parse(d!.facts).employerAddress).toMatchObject({ of: 'employer', missing: ['city'] });
    expect(buildNmsn(w.db, D, config).unwritable).toBe(0);
  });
});
