/**
 * ftb-cert.txt (layout ftb-cert): decoded with the layout codec; details by SSN; header with D and
 * the file sequence; trailer counts per transaction type and amount total (D carries 0); header
 * and trailer only when nothing is sent.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { computeDerivedFacts } from '../../src/rules/derived.ts';
import { decideFtb } from '../../src/rules/ftb.ts';
import { buildFtbCert } from '../../src/outbound/ftbCert.ts';
import { caseRow, D, decisions, person, World } from '../helpers/world.ts';
import { decodeRecords } from '../helpers/records.ts';

const config = parseConfig({});
let w: World;

function night(date = D) {
  computeDerivedFacts(w.db, date, config);
  decideFtb(w.db, date, config);
  const build = buildFtbCert(w.db, date, config);
  const file = build.files[0]!;
  const parsed = decodeRecords('ftb-cert', file.content as readonly string[]).map(
    (p) => ({ record: p.record, ...p.values }) as Record<string, string | number | null>,
  );
  return { build, file, parsed };
}

beforeEach(() => {
  w = new World();
});

describe('ftb-cert.txt', () => {
  it('header, details by SSN with A/M/D, trailer counts per type and the amount total', () => {
    for (const [id, ssn] of [['P1', '333000000'], ['P2', '111000000'], ['P3', '222000000']] as const) {
      w.addPerson(person(id, { ssn, middle_name: 'Q', suffix: 'JR' }));
      w.addCase(caseRow(`C${id}`, id));
    }
    night('2026-11-19');
    w.db.prepare(`UPDATE ce_cases SET arrears_interest = 20000 WHERE case_id = 'CP1'`).run();
    w.db.prepare(`UPDATE ce_cases SET arrears_family = 0 WHERE case_id = 'CP3'`).run();
    w.addPerson(person('P4', { ssn: '444000000' })).addCase(caseRow('CP4', 'P4', { arrears_family: 12345, arrears_interest: 0, lcsa_code: '001' }));
    const { parsed, file } = night(D);
    expect(parsed.map((r) => [r.record, r.transactionType ?? null, r.ssn ?? null, r.certifiedAmount ?? null])).toEqual([
      ['header', null, null, null],
      ['detail', 'D', '222000000', 0],
      ['detail', 'M', '333000000', 520000],
      ['detail', 'A', '444000000', 12345],
      ['trailer', null, null, null],
    ]);
    expect(parsed[0]).toMatchObject({ interfaceId: 'FTB-CERT', sender: 'CADCSS', receiver: 'CAFTB', fileCreationDate: D, businessDate: D, fileSequence: '000002' });
    expect(parsed[2]).toMatchObject({ lastName: 'GARCIA', firstName: 'MARIA', middleName: 'Q', suffix: 'JR', dob: '1980-01-01', caseId: 'CP1', lcsaCode: '037', debtType: 'CS' });
    expect(parsed[3]).toMatchObject({ caseId: 'CP4', lcsaCode: '001' });
    expect(parsed[4]).toMatchObject({ detailCount: '000000003', amountTotal: 532345, addCount: '000000001', modifyCount: '000000001', deleteCount: '000000001' });
    expect(file.controls).toMatchObject({ 'trailer.amountTotal': 532345, 'trailer.deleteCount': '000000001' });
    const ref = w.db.prepare(`SELECT output_ref FROM decisions WHERE business_date = ? AND subject_key = 'P3'`).get(D);
    expect(ref).toEqual({ output_ref: 'ftb-cert.txt:2' });
    expect(decisions(w.db, 'ftb').find((r) => r.subject_key === 'P2')).toMatchObject({ outcome: 'NO_CHANGE' });
  });

  it('header and trailer only when nothing is sent', () => {
    const { parsed, file } = night();
    expect(parsed.map((r) => r.record)).toEqual(['header', 'trailer']);
    expect(parsed[1]).toMatchObject({ detailCount: '000000000', amountTotal: 0, addCount: '000000000' });
    expect(file.file).toBe('ftb-cert.txt');
  });

  it('an unwritable record leaves the ledger unchanged', () => {
    w.addPerson(person('P1', { ssn: '111000000' })).addCase(caseRow('C-CASE-ID-TOO-LONG-9', 'P1'));
    const { build, parsed } = night();
    expect(build.unwritable).toBe(1);
    expect(parsed.map((r) => r.record)).toEqual(['header', 'trailer']);
    expect(decisions(w.db, 'ftb')[0]).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'UNWRITABLE_VALUE' });
    expect(w.db.prepare('SELECT count(*) AS n FROM ftb_ledger').get()).toEqual({ n: 0 });
  });
});
