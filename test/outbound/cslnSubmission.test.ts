/**
 * csln-submission.txt (layout csln-submission): decoded with the layout codec; details by SSN with
 * A / C / D; trailer counts per transaction type and the amount total (D carries 0); nothing at
 * all on a night that is not due (the earlier file stands); header and trailer only on a due night
 * with nothing to send; an unwritable record leaves the ledger unchanged.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import type { RunContext } from '../../src/interfaces.ts';
import { computeDerivedFacts } from '../../src/rules/derived.ts';
import { decideCsln } from '../../src/rules/csln.ts';
import { buildCslnSubmission } from '../../src/outbound/cslnSubmission.ts';
import { caseRow, D, decisions, person, World } from '../helpers/world.ts';
import { decodeRecords } from '../helpers/records.ts';

const friday = parseConfig({ csln: { submissionWeekday: 'FRI' } });
const nightly: RunContext = { command: 'nightly', requested: [] };
let w: World;

function night(date = D, config = friday) {
  computeDerivedFacts(w.db, date, config);
  decideCsln(w.db, date, config, nightly);
  const build = buildCslnSubmission(w.db, date, config, nightly);
  const file = build.files[0];
  const parsed = file
    ? decodeRecords('csln-submission', file.content as readonly string[]).map((p) => ({ record: p.record, ...p.values }) as Record<string, string | number | null>)
    : [];
  return { build, file, parsed };
}

beforeEach(() => {
  w = new World();
});

describe('csln-submission.txt', () => {
  it('header, details by SSN with A/C/D, trailer counts per type and the amount total', () => {
    for (const [id, ssn] of [['P1', '333000000'], ['P2', '111000000'], ['P3', '222000000']] as const) {
      w.addPerson(person(id, { ssn, middle_name: 'Q', suffix: 'JR' }));
      w.addCase(caseRow(`C${id}`, id));
    }
    night('2026-11-13');
    w.db.prepare(`UPDATE ce_cases SET arrears_interest = 20000 WHERE case_id = 'CP1'`).run();
    w.db.prepare(`UPDATE ce_cases SET status = 'CLOSED', closure_reason = 'PAID' WHERE case_id = 'CP3'`).run();
    w.addPerson(person('P4', { ssn: '444000000' })).addCase(caseRow('CP4', 'P4', { arrears_family: 50000, arrears_interest: 0, lcsa_code: '001' }));
    const { parsed, file } = night(D);
    expect(parsed.map((r) => [r.record, r.transactionType ?? null, r.ssn ?? null, r.totalOwed ?? null])).toEqual([
      ['header', null, null, null],
      ['detail', 'D', '222000000', 0],
      ['detail', 'C', '333000000', 520000],
      ['detail', 'A', '444000000', 50000],
      ['trailer', null, null, null],
    ]);
    expect(parsed[0]).toMatchObject({ interfaceId: 'CSLN-SUB', sender: 'CADCSS', receiver: 'CSLN', fileCreationDate: D, businessDate: D, fileSequence: '000002' });
    expect(parsed[2]).toMatchObject({ lastName: 'GARCIA', firstName: 'MARIA', middleName: 'Q', suffix: 'JR', dob: '1980-01-01', caseId: 'CP1', lcsaCode: '037' });
    expect(parsed[4]).toMatchObject({ detailCount: '000000003', amountTotal: 570000, addCount: '000000001', changeCount: '000000001', deleteCount: '000000001' });
    expect(file!.controls).toMatchObject({ 'trailer.amountTotal': 570000, 'trailer.deleteCount': '000000001' });
    expect(w.db.prepare(`SELECT output_ref FROM decisions WHERE business_date = ? AND mechanism = 'csln' AND subject_key = 'P3'`).get(D)).toEqual({ output_ref: 'csln-submission.txt:2' });
  });

  it('no file at all on a night that is not due (keepEarlier); header and trailer only on a due night with nothing to send', () => {
    const notDue = night(D, parseConfig({}));
    expect(notDue.build).toEqual({ files: [], unwritable: 0, keepEarlier: true });
    const due = night(D);
    expect(due.parsed.map((r) => r.record)).toEqual(['header', 'trailer']);
    expect(due.file!.file).toBe('csln-submission.txt');
  });

  it('an unwritable record leaves the ledger unchanged', () => {
    w.addPerson(person('P1', { ssn: '111000000' })).addCase(caseRow('C-CASE-ID-TOO-LONG-9', 'P1'));
    const { build, parsed } = night();
    expect(build.unwritable).toBe(1);
    expect(parsed.map((r) => r.record)).toEqual(['header', 'trailer']);
    expect(decisions(w.db, 'csln')[0]).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'UNWRITABLE_VALUE' });
    expect(w.db.prepare('SELECT count(*) AS n FROM csln_ledger').get()).toEqual({ n: 0 });
  });
});
