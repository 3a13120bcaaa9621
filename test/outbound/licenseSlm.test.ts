/**
 * license-slm.txt (DOMAIN 6.5, layout license-slm): the night's A and R records decoded back with
 * the layout codec; natural-key order (SSN, then board code); trailer controls; the empty file;
 * unwritable records.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { computeDerivedFacts } from '../../src/rules/derived.ts';
import { decideLicense, summarizeLicense } from '../../src/rules/license.ts';
import { buildLicenseSlm, LICENSE_SLM_FILE } from '../../src/outbound/licenseSlm.ts';
import { caseRow, D, decisions, person, World } from '../helpers/world.ts';
import { decodeRecords } from '../helpers/records.ts';
import { licenseLedgerRow } from '../helpers/licenseLedger.ts';

const config = parseConfig({});
let w: World;

beforeEach(() => {
  w = new World();
});

function build(date = D) {
  computeDerivedFacts(w.db, date, config);
  decideLicense(w.db, date, config);
  const out = buildLicenseSlm(w.db, date, config);
  expect(out.files).toHaveLength(1);
  const file = out.files[0]!;
  const parsed = decodeRecords('license-slm', file.content as readonly string[]);
  return { out, file, parsed, details: parsed.filter((p) => p.record === 'detail').map((p) => p.values) };
}

/** An obligor with an open delinquent case (CSWN current) and the given SSN. */
function obligor(id: string, ssn: string | null, over: Record<string, string | number | null> = {}) {
  w.addPerson(person(id, { ssn, last_name: `LAST${id}`, ...over }));
  w.addCase(caseRow(`C-${id}`, id, { lcsa_code: '019' }));
}

function certifiedEarlier(personId: string, board: string, date: string, ssn: string) {
  w.addRow('license_ledger', licenseLedgerRow(date, personId, board, { ssn, case_id: `C-${personId}`, lcsa_code: '019', license_number: null }));
}

describe('license-slm.txt', () => {
  it('is header and trailer only on a night with nothing to send', () => {
    const { file, parsed } = build();
    expect(parsed.map((p) => p.record)).toEqual(['header', 'trailer']);
    expect(parsed[0]!.values).toMatchObject({ recordType: 'H', interfaceId: 'LIC-SLM', sender: 'CADCSS', receiver: 'LICBOARDS', fileCreationDate: D, businessDate: D, fileSequence: '000001' });
    expect(parsed[1]!.values).toMatchObject({ detailCount: '000000000', certifyCount: '000000000', releaseCount: '000000000' });
    expect(file.controls).toEqual({ 'trailer.detailCount': '000000000', 'trailer.certifyCount': '000000000', 'trailer.releaseCount': '000000000' });
    expect(file.file).toBe(LICENSE_SLM_FILE);
  });

  it('writes A and R records by SSN then board code, with computed controls and output refs', () => {
    // person ids in the opposite order of their SSNs
    obligor('P1', '900000001', { middle_name: 'Ann', zip: '90012-3456', county_code: '037', dob: '1975-02-03' });
    obligor('P2', '100000002');
    w.addLicense('P1', 'DMV', { license_class: 'COMMERCIAL', license_number: 'B7654321' });
    w.addLicense('P1', 'CSLB');
    w.addLicense('P2', 'DMV', { license_class: 'NONCOMMERCIAL' });
    w.addLicense('P2', 'BRN');
    // P2's BRN was certified on 2026-08-14; the expedite request on P2's case releases it tonight
    w.db.prepare(`UPDATE ce_cases SET license_release_request = 'EXPEDITE' WHERE case_id = 'C-P2'`).run();
    certifiedEarlier('P2', 'BRN', '2026-08-14', '100000002');

    const { file, parsed, details } = build();
    expect(parsed.map((p) => p.record)).toEqual(['header', 'detail', 'detail', 'detail', 'trailer']);
    // P2: DMV blocked by the request (SUPPRESS), BRN released; P1: CSLB and DMV certified
    expect(details.map((d) => [d.ssn, d.boardCode, d.transactionType])).toEqual([
      ['100000002', 'BRN', 'R'],
      ['900000001', 'CSLB', 'A'],
      ['900000001', 'DMV', 'A'],
    ]);
    expect(details[2]).toMatchObject({ licenseClass: 'C', licenseNumber: 'B7654321' });
    expect(details[0]).toMatchObject({
      transactionType: 'R', releaseType: 'E', certificationDate: '2026-08-14', caseCount: '001',
      oldestDelinquencyDate: '2026-06-01', lastName: 'LASTP2', lcsaCode: '019', licenseClass: null,
    });
    expect(details[1]).toMatchObject({
      transactionType: 'A', releaseType: null, certificationDate: D, caseCount: '001', lastName: 'LASTP1',
      middleName: 'ANN', zip: '900123456', countyCode: '037', dob: '1975-02-03', lcsaCode: '019',
    });
    expect(file.controls).toEqual({ 'trailer.detailCount': '000000003', 'trailer.certifyCount': '000000002', 'trailer.releaseCount': '000000001' });
    expect(file.records).toEqual({ header: 1, detail: 3, trailer: 1 });
    const all = decisions(w.db, 'license');
    const refs = w.db.prepare(`SELECT subject_key, output_ref FROM decisions WHERE mechanism = 'license' AND output_ref IS NOT NULL ORDER BY output_ref`).all();
    expect(all.map((d) => [d.subject_key, d.outcome])).toEqual([
      ['P1|CSLB', 'ISSUE'],
      ['P1|DMV', 'ISSUE'],
      ['P2|BRN', 'RELEASE'],
      ['P2|DMV', 'SUPPRESS'],
    ]);
    expect(refs).toEqual([
      { subject_key: 'P2|BRN', output_ref: `${LICENSE_SLM_FILE}:2` },
      { subject_key: 'P1|CSLB', output_ref: `${LICENSE_SLM_FILE}:3` },
      { subject_key: 'P1|DMV', output_ref: `${LICENSE_SLM_FILE}:4` },
    ]);
  });

  it('orders every record of an SSN by board code (byte order)', () => {
    obligor('P1', '123456789');
    for (const b of ['DMV', 'AUTO', 'CSLB', 'BBC']) w.addLicense('P1', b);
    const { details } = build();
    expect(details.map((d) => d.boardCode)).toEqual(['AUTO', 'BBC', 'CSLB', 'DMV']);
    expect(details.map((d) => d.licenseClass)).toEqual([null, null, null, null]);
  });

  it('writes the class of a DMV license: C for COMMERCIAL, N for NONCOMMERCIAL', () => {
    obligor('P1', '123456789');
    obligor('P2', '223456789');
    w.addLicense('P1', 'DMV', { license_class: 'COMMERCIAL' });
    w.addLicense('P2', 'DMV', { license_class: 'NONCOMMERCIAL' });
    const { details } = build();
    expect(details.map((d) => d.licenseClass)).toEqual(['C', 'N']);
  });

  it('an unwritable record becomes SUPPRESS UNWRITABLE_VALUE and leaves the ledger unchanged', () => {
    obligor('P1', '123456789');
    obligor('P2', '223456789');
    w.addLicense('P1', 'DMV', { license_number: 'D'.repeat(21) }); // one more than the 20 of licenseNumber
    w.addLicense('P2', 'DMV');
    const { out, details } = build();
    expect(out.unwritable).toBe(1);
    expect(details.map((d) => d.ssn)).toEqual(['223456789']);
    const p1 = decisions(w.db, 'license').find((d) => d.subject_key === 'P1|DMV')!;
    expect(p1).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'UNWRITABLE_VALUE' });
    expect(JSON.parse(p1.facts).unwritable).toMatchObject({ wouldBe: 'ISSUE', field: 'licenseNumber' });
    expect(w.db.prepare('SELECT person_id FROM license_ledger').all()).toEqual([{ person_id: 'P2' }]);
    expect(summarizeLicense(w.db, D)).toMatchObject({ issued: 1, suppressed: { UNWRITABLE_VALUE: 1 } });
  });

  it('keeps the file sequence of a date on a rerun and counts an empty night', () => {
    build('2026-11-19');
    const first = build(D).parsed[0]!.values.fileSequence;
    const again = build(D).parsed[0]!.values.fileSequence;
    expect([first, again]).toEqual(['000002', '000002']);
  });
});
