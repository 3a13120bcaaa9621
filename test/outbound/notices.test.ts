/**
 * The notice writers (nmsn, lien, cswn): D's ledger rows decoded back with the layouts' own codec,
 * natural-key order, computed trailer controls, output_ref on the decisions, UNWRITABLE_VALUE
 * (decision flipped, ledger row removed) and the header+trailer file of an empty night.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import type { RecordValues } from '../../src/types.ts';
import { computeDerivedFacts } from '../../src/rules/derived.ts';
import { decideNmsn } from '../../src/rules/nmsn.ts';
import { decideLien } from '../../src/rules/lien.ts';
import { decideCswn } from '../../src/rules/cswn.ts';
import { buildNmsn } from '../../src/outbound/nmsn.ts';
import { buildLien } from '../../src/outbound/lien.ts';
import { buildCswn } from '../../src/outbound/cswn.ts';
import type { OutboundBuild } from '../../src/interfaces.ts';
import { caseRow, D, decisions, person, World } from '../helpers/world.ts';
import { decodeRecords } from '../helpers/records.ts';

const config = parseConfig({ lien: { eRecordingCounties: ['059'] } });
let w: World;

beforeEach(() => {
  w = new World();
});

interface Decoded {
  record: string;
  values: RecordValues;
}

function decode(id: string, build: OutboundBuild): Decoded[] {
  expect(build.files).toHaveLength(1);
  return decodeRecords(id, build.files[0]!.content as readonly string[]);
}

function details(lines: Decoded[]): RecordValues[] {
  return lines.filter((l) => l.record === 'detail').map((l) => l.values);
}

function trailer(lines: Decoded[]): RecordValues {
  const t = lines[lines.length - 1]!;
  expect(t.record).toBe('trailer');
  return t.values;
}

function outputRefs(mechanism: string): Array<[string, string | null]> {
  return (w.db.prepare('SELECT subject_key, output_ref FROM decisions WHERE business_date = ? AND mechanism = ? ORDER BY subject_key').all(D, mechanism) as Array<{ subject_key: string; output_ref: string | null }>).map((r) => [r.subject_key, r.output_ref]);
}

function medicalCase(id: string, obligor: string, employer: string, over: Record<string, string | number | null> = {}) {
  return caseRow(id, obligor, { medical_support_ordered: 'Y', medical_coverage_on_file: 'N', employer_id: employer, ...over });
}

describe('nmsn.txt', () => {
  it('one detail per notice in case id then FEIN order, children in their slots, detailCount computed', () => {
    w.addPerson(person('P1', { ssn: '111223333', last_name: 'Peña', first_name: 'Ana', dob: '1985-02-03' }));
    w.addPerson(person('P2', { ssn: '222334444', last_name: 'LEE', first_name: 'TOM' }));
    w.addEmployer('E1', { fein: '941111111', name: 'Acme Widgets Inc', zip: '937211234' });
    w.addEmployer('E2', { fein: '330000001', name: 'SIERRA FOODS' });
    w.addCase(medicalCase('C2', 'P2', 'E2')).addChild('C2', 1, { first_name: 'ONLY', dob: '2019-09-09' });
    w.addCase(medicalCase('C1', 'P1', 'E1'));
    for (let seq = 1; seq <= 7; seq++) w.addChild('C1', seq);
    computeDerivedFacts(w.db, D, config);
    decideNmsn(w.db, D, config);
    const build = buildNmsn(w.db, D, config);
    expect(build.unwritable).toBe(0);
    const lines = decode('nmsn', build);
    expect(lines.map((l) => l.record)).toEqual(['header', 'detail', 'detail', 'trailer']);
    expect(lines[0]!.values).toMatchObject({ recordIdentifier: 'UNIS', businessDate: D, fileCreationDate: D, fileSequence: '000001' });
    const [a, b] = details(lines);
    expect(a).toMatchObject({
      employerFein: '941111111', employerName: 'ACME WIDGETS INC', employerZip: '937211234', employeeSsn: '111223333',
      employeeLastName: 'PENA', employeeFirstName: 'ANA', employeeDob: '1985-02-03', caseId: 'C1', orderId: 'ORD-C1',
      issuingState: 'CA', child1FirstName: 'CHILD1', child6FirstName: 'CHILD6', documentDate: D,
    });
    expect(b).toMatchObject({ employerFein: '330000001', caseId: 'C2', child1FirstName: 'ONLY', child1Dob: '2019-09-09', child2LastName: null, child2Dob: null, child6FirstName: null });
    expect(trailer(lines)).toMatchObject({ detailCount: '000000002' });
    expect(build.files[0]!.controls).toEqual({ 'trailer.detailCount': '000000002' });
    expect(outputRefs('nmsn')).toEqual([
      ['C1|941111111', 'nmsn.txt:2'],
      ['C2|330000001', 'nmsn.txt:3'],
    ]);
  });

  it('a notice that cannot be written (a case id too long for its field) is SUPPRESS UNWRITABLE_VALUE and leaves no ledger row', () => {
    // (a case with no child on file is decided NO_CHILD_ON_FILE by the rule, before formatting)
    w.addPerson(person('P1', { ssn: '111223333' })).addEmployer('E1');
    w.addCase(medicalCase('C037-10039100001', 'P1', 'E1')).addChild('C037-10039100001', 1);
    computeDerivedFacts(w.db, D, config);
    decideNmsn(w.db, D, config);
    const build = buildNmsn(w.db, D, config);
    expect(build.unwritable).toBe(1);
    const d = decisions(w.db, 'nmsn')[0]!;
    expect(d).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'UNWRITABLE_VALUE' });
    expect(JSON.parse(d.facts).unwritable).toMatchObject({ wouldBe: 'ISSUE', field: 'caseId' });
    expect(w.db.prepare('SELECT count(*) AS n FROM nmsn_ledger').get()).toEqual({ n: 0 });
    expect(trailer(decode('nmsn', build))).toMatchObject({ detailCount: '000000000' });
  });
});

describe('lien.txt', () => {
  it('details in case id order with amounts, rate, type; trailer count and amount total computed', () => {
    w.addPerson(person('P1', { ssn: '111223333', county_code: '059', zip: '92701', address_line1: '12 Elm St' }));
    w.addPerson(person('P2', { ssn: '222334444', county_code: '037' }));
    w.addCase(caseRow('C9', 'P2', { arrears_family: 100, arrears_interest: 0 }));
    w.addCase(caseRow('C1', 'P1', { order_id: '17FL004433' }));
    computeDerivedFacts(w.db, D, config);
    decideLien(w.db, D, config);
    const build = buildLien(w.db, D, config);
    const lines = decode('lien', build);
    expect(lines[0]!.values).toMatchObject({ recordType: 'H', interfaceId: 'LIEN', receiver: 'RECORDERS', businessDate: D, fileSequence: '000001' });
    const ds = details(lines);
    expect(ds.map((d) => [d.caseId, d.countyCode, d.judgmentAmount, d.interestRate, d.lienType])).toEqual([
      ['C1', '059', 510000, 10000, 'E'],
      ['C9', '037', 100, 10000, 'R'],
    ]);
    expect(ds[0]).toMatchObject({ ssn: '111223333', lastName: 'GARCIA', addressLine1: '12 ELM ST', zip: '92701', orderId: '17FL004433', abstractDate: D });
    expect(trailer(lines)).toMatchObject({ detailCount: '000000002', amountTotal: 510100 });
    expect(build.files[0]!.controls).toEqual({ 'trailer.detailCount': '000000002', 'trailer.amountTotal': 510100 });
    expect(outputRefs('lien')).toEqual([
      ['C1|059', 'lien.txt:2'],
      ['C9|037', 'lien.txt:3'],
    ]);
  });

  it('a case id too long for its field is UNWRITABLE_VALUE: decision flipped, ledger row removed, not in the totals', () => {
    w.addPerson(person('P1', { ssn: '111223333' }));
    w.addCase(caseRow('C037-1003901234', 'P1')); // 15 characters: fits
    w.addCase(caseRow('C037-10039012345', 'P1')); // 16 characters
    computeDerivedFacts(w.db, D, config);
    decideLien(w.db, D, config);
    const build = buildLien(w.db, D, config);
    expect(build.unwritable).toBe(1);
    expect(decisions(w.db, 'lien').map((r) => [r.subject_key, r.outcome, r.reason_codes, r.amount_cents])).toEqual([
      ['C037-1003901234|037', 'ISSUE', '', 510000],
      ['C037-10039012345|037', 'SUPPRESS', 'UNWRITABLE_VALUE', null],
    ]);
    expect(w.db.prepare('SELECT case_id FROM lien_ledger').all()).toEqual([{ case_id: 'C037-1003901234' }]);
    const lines = decode('lien', build);
    expect(details(lines)).toHaveLength(1);
    expect(trailer(lines)).toMatchObject({ detailCount: '000000001', amountTotal: 510000 });
  });
});

describe('cswn.txt', () => {
  it('details in SSN order naming the primary case and LCSA; trailer total = sum of past-due amounts', () => {
    w.addPerson(person('P1', { ssn: '999000001', last_name: 'ZED' }));
    w.addPerson(person('P2', { ssn: '100000002', last_name: 'ABLE', zip: '95814' }));
    w.addCase(caseRow('C1', 'P1', { cswn_sent_date: null }));
    w.addCase(caseRow('C2', 'P2', { cswn_sent_date: null, lcsa_code: '067', arrears_family: 20000, arrears_interest: 0 }));
    computeDerivedFacts(w.db, D, config);
    decideCswn(w.db, D, config);
    const build = buildCswn(w.db, D, config);
    const lines = decode('cswn', build);
    expect(lines[0]!.values).toMatchObject({ recordType: 'H', interfaceId: 'CSWN', receiver: 'PRINTMAIL', businessDate: D });
    expect(details(lines).map((d) => [d.ssn, d.lastName, d.caseId, d.lcsaCode, d.pastDueAmount, d.noticeDate])).toEqual([
      ['100000002', 'ABLE', 'C2', '067', 20000, D],
      ['999000001', 'ZED', 'C1', '037', 510000, D],
    ]);
    expect(trailer(lines)).toMatchObject({ detailCount: '000000002', amountTotal: 530000 });
    expect(outputRefs('cswn')).toEqual([
      ['P1', 'cswn.txt:3'],
      ['P2', 'cswn.txt:2'],
    ]);
  });

  it('an obligor whose address line does not fit cannot be written: UNWRITABLE_VALUE, no ledger row', () => {
    w.addPerson(person('P1', { ssn: '111223333', state: 'CAL' })).addCase(caseRow('C1', 'P1', { cswn_sent_date: null })); // state is A(2)
    computeDerivedFacts(w.db, D, config);
    decideCswn(w.db, D, config);
    const build = buildCswn(w.db, D, config);
    expect(build.unwritable).toBe(1);
    expect(decisions(w.db, 'cswn')[0]).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'UNWRITABLE_VALUE' });
    expect(w.db.prepare('SELECT count(*) AS n FROM cswn_ledger').get()).toEqual({ n: 0 });
  });
});

describe('empty nights', () => {
  it('each file is header and trailer only, zero controls, and the night counts for fileSequence', () => {
    w.addPerson(person('P1', { ssn: '111223333' })).addCase(caseRow('C1', 'P1')); // CSWN current, no medical support
    w.addRow('lien_ledger', { business_date: '2026-11-01', case_id: 'C1', county_code: '037', person_id: 'P1', order_id: 'ORD-C1', judgment_cents: 1, interest_rate_thousandths: 10000, lien_type: 'R', decision_id: 0 });
    for (const date of ['2026-11-19', D]) {
      computeDerivedFacts(w.db, date, config);
      decideNmsn(w.db, date, config);
      decideCswn(w.db, date, config);
    }
    computeDerivedFacts(w.db, D, config);
    decideLien(w.db, D, config);
    expect(decisions(w.db, 'lien')[0]!.outcome).toBe('NO_CHANGE');
    buildNmsn(w.db, '2026-11-19', config);
    buildCswn(w.db, '2026-11-19', config);
    const cases: Array<[string, OutboundBuild, string]> = [
      ['nmsn', buildNmsn(w.db, D, config), '000002'],
      ['lien', buildLien(w.db, D, config), '000001'],
      ['cswn', buildCswn(w.db, D, config), '000002'],
    ];
    for (const [id, build, sequence] of cases) {
      const lines = decode(id, build);
      expect(lines.map((l) => l.record)).toEqual(['header', 'trailer']);
      expect(lines[0]!.values.fileSequence).toBe(sequence);
      expect(trailer(lines).detailCount).toBe('000000000');
      if (id !== 'nmsn') expect(trailer(lines).amountTotal).toBe(0);
      expect(build.files[0]!.records).toEqual({ header: 1, detail: 0, trailer: 1 });
    }
    // a rerun of D reuses its sequence
    expect(decode('lien', buildLien(w.db, D, config))[0]!.values.fileSequence).toBe('000001');
  });
});
