/**
 * The e-IWO writer (DOMAIN 6.1, layout eiwo): positions of the key fields decoded with the layout
 * codec, control numbers, one batch per FEIN, the split into eiwo-002.txt… past the batch limit,
 * the empty file, and records that cannot be written.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.ts';
import { computeDerivedFacts } from '../../src/rules/derived.ts';
import { decideIwo, summarizeIwo } from '../../src/rules/iwo.ts';
import { batchControlNumber, buildEiwo, buildEiwoFiles, fileControlNumber } from '../../src/outbound/eiwo.ts';
import { EIWO_CONSTANTS_FILE, loadEiwoConstants } from '../../src/outbound/eiwoReference.ts';
import type { OutboundFile } from '../../src/outbound/outputs.ts';
import type { RecordValues } from '../../src/types.ts';
import { caseRow, D, decisions, person, World } from '../helpers/world.ts';
import { codecOf, decodeRecords } from '../helpers/records.ts';

const config = parseConfig({});
const layout = codecOf('eiwo');
const FEIN_A = '331111111';
const FEIN_B = '941111111';

let w: World;

function decide(date = D) {
  computeDerivedFacts(w.db, date, config);
  decideIwo(w.db, date, config);
}

function lines(file: OutboundFile): string[] {
  return typeof file.content === 'string' ? file.content.split('\n').filter((l) => l !== '') : [...(file.content as readonly string[])];
}

/** Every line decoded: record name and values; fails on any issue. */
function parsed(file: OutboundFile): Array<{ record: string; v: RecordValues }> {
  return decodeRecords('eiwo', lines(file)).map((p) => ({ record: p.record, v: p.values }));
}

/** An obligor with an open case at an employer of the given FEIN. */
function employee(n: number, caseId: string, fein: string, over: Record<string, string | number | null> = {}): void {
  const employerId = `E${fein}`;
  if (!w.db.prepare('SELECT 1 FROM ce_employers WHERE employer_id = ?').get(employerId)) {
    w.addEmployer(employerId, { fein, name: `EMPLOYER ${fein}`, line: n + 1 });
  }
  w.addPerson(person(`P${n}`, { ssn: `9000000${String(n).padStart(2, '0')}`, line: n + 1 }));
  w.addCase(caseRow(caseId, `P${n}`, { employer_id: employerId, line: n + 1, ...over }));
}

beforeEach(() => {
  w = new World();
});

describe('eiwo: one order', () => {
  it('writes FHI, BHI, DTL, BTI, FTI with the key fields at their positions', () => {
    w.addPerson(person('P9', { last_name: 'Smith', first_name: 'Anna', line: 9 }));
    employee(1, 'C037-100011', FEIN_B, { obligee_person_id: 'P9', tribunal: 'LOS ANGELES SUPERIOR COURT' });
    w.addChild('C037-100011', 1, { first_name: 'Leo', dob: '2016-02-29', line: 2 });
    decide();
    const { files, unwritable } = buildEiwo(w.db, D, config, { command: 'nightly', requested: [] });
    expect(unwritable).toBe(0);
    expect(files.map((f) => f.file)).toEqual(['eiwo.txt']);
    const recs = parsed(files[0]!);
    expect(recs.map((r) => r.record)).toEqual(['header', 'batchHeader', 'detail', 'batchTrailer', 'trailer']);
    const [fhi, bhi, dtl, bti, fti] = recs.map((r) => r.v);
    expect(fhi).toMatchObject({ documentCode: 'FHI', controlNumber: '0600020261120000000000', stateFipsCode: '06000', creationDate: D, creationTime: '000000' });
    expect(bhi).toMatchObject({ documentCode: 'BHI', controlNumber: '0600020261120000000001', ein: FEIN_B, creationDate: D, creationTime: '000000' });
    expect(dtl).toMatchObject({
      documentActionCode: 'ORG',
      documentDate: D,
      issuingStateName: 'CALIFORNIA',
      caseId: 'C037-100011',
      employerName: `EMPLOYER ${FEIN_B}`,
      employerAddressLine1: '500 INDUSTRIAL WAY',
      employerCity: 'FRESNO',
      employerState: 'CA',
      employerZip5: '93721',
      employerFein: FEIN_B,
      employeeLastName: 'GARCIA',
      employeeFirstName: 'MARIA',
      employeeSsn: '900000001',
      employeeBirthDate: '1980-01-01',
      obligeeLastName: 'SMITH',
      obligeeFirstName: 'ANNA',
      issuingTribunalName: 'LOS ANGELES SUPERIOR COURT',
      currentChildSupportAmount: 50000,
      currentChildSupportFrequency: 'M',
      pastDueChildSupportAmount: 10000,
      pastDueChildSupportFrequency: 'M',
      currentCashMedicalSupportAmount: 0,
      currentCashMedicalSupportFrequency: null,
      totalObligationAmount: 60000,
      totalObligationFrequency: 'M',
      arrearsGreaterThan12Weeks: 'Y',
      withholdPerWeeklyPay: 13846,
      withholdPerBiweeklyPay: 27692,
      withholdPerSemimonthlyPay: 30000,
      withholdPerMonthlyPay: 60000,
      employeeWorkStateName: 'CALIFORNIA',
      beginWithholdingDays: '14',
      withholdingStartInstruction: 'RECEIPT',
      sendPaymentDays: '07',
      ccpaPercentLimit: '65',
      payeeName: 'CALIFORNIA STATE DISBURSEMENT UNIT',
      payeeCity: 'WEST SACRAMENTO',
      payeeState: 'CA',
      sendEmployeeCopyIndicator: 'N',
      documentTrackingNumber: 'C037-10001120261120001',
      orderIdentifier: 'ORD-C037-100011',
      child1LastName: 'GARCIA',
      child1FirstName: 'LEO',
      child1BirthDate: '2016-02-29',
      child2LastName: null,
      child2BirthDate: null,
      lumpSumPaymentAmount: 0,
      remittanceIdentifier: 'C037-100011',
    });
    expect(bti).toMatchObject({ documentCode: 'BTI', controlNumber: '0600020261120000000001', batchCount: '00000', recordCount: '00001' });
    expect(fti).toMatchObject({ documentCode: 'FTI', controlNumber: '0600020261120000000000', batchCount: '00001', recordCount: '00000' });
    // the same positions read straight off the line (1-based inclusive in the ICD)
    const line = lines(files[0]!)[2]!;
    expect(line.slice(6, 9)).toBe('ORG');
    expect(line.slice(87, 102)).toBe('C037-100011    ');
    expect(line.slice(242, 251)).toBe(FEIN_B);
    expect(line.slice(305, 314)).toBe('900000001');
    expect(line.slice(567, 578)).toBe('00000060000');
    expect(line.slice(579, 580)).toBe('Y');
    expect(line.slice(671, 673)).toBe('65');
    expect(line.slice(2207, 2227)).toBe('C037-100011'.padEnd(20));
    expect(files[0]!.controls).toEqual({ 'trailer.batchCount': '00001' });
    expect(files[0]!.records).toEqual({ header: 1, batchHeader: 1, detail: 1, batchTrailer: 1, trailer: 1 });
    expect(decisions(w.db, 'iwo')[0]).toMatchObject({ outcome: 'ISSUE' });
    const ref = w.db.prepare(`SELECT output_ref FROM decisions WHERE mechanism = 'iwo'`).get();
    expect(ref).toEqual({ output_ref: 'eiwo.txt:3' });
  });

  it('a TRM carries zero amounts and day counts, blank frequencies and start instruction', () => {
    employee(1, 'C1', FEIN_B);
    decide('2026-11-19');
    w.db.prepare(`UPDATE ce_cases SET employer_id = NULL WHERE case_id = 'C1'`).run();
    decide();
    const { files } = buildEiwoFiles(w.db, D);
    const dtl = parsed(files[0]!).find((r) => r.record === 'detail')!.v;
    expect(dtl).toMatchObject({
      documentActionCode: 'TRM',
      employerFein: FEIN_B,
      employerName: `EMPLOYER ${FEIN_B}`,
      currentChildSupportAmount: 0,
      currentChildSupportFrequency: null,
      totalObligationAmount: 0,
      totalObligationFrequency: null,
      withholdPerMonthlyPay: 0,
      arrearsGreaterThan12Weeks: 'N',
      beginWithholdingDays: '00',
      sendPaymentDays: '00',
      withholdingStartInstruction: null,
      ccpaPercentLimit: '00',
      payeeName: 'CALIFORNIA STATE DISBURSEMENT UNIT',
    });
  });
});

describe('eiwo: batches and control numbers', () => {
  it('one batch per FEIN in ascending order, details by case id then SSN, computed trailers', () => {
    employee(1, 'C2', FEIN_B);
    employee(2, 'C1', FEIN_B);
    employee(3, 'C3', FEIN_A);
    decide();
    const { files } = buildEiwoFiles(w.db, D);
    const recs = parsed(files[0]!);
    expect(recs.map((r) => [r.record, r.v.controlNumber ?? null, r.v.ein ?? r.v.caseId ?? null])).toEqual([
      ['header', '0600020261120000000000', null],
      ['batchHeader', '0600020261120000000001', FEIN_A],
      ['detail', null, 'C3'],
      ['batchTrailer', '0600020261120000000001', null],
      ['batchHeader', '0600020261120000000002', FEIN_B],
      ['detail', null, 'C1'],
      ['detail', null, 'C2'],
      ['batchTrailer', '0600020261120000000002', null],
      ['trailer', '0600020261120000000000', null],
    ]);
    expect(recs.filter((r) => r.record === 'batchTrailer').map((r) => r.v.recordCount)).toEqual(['00001', '00002']);
    expect(recs.at(-1)!.v.batchCount).toBe('00002');
    for (const r of recs.filter((x) => x.record === 'detail')) expect(r.v.employerFein).toBe(recs[r.v.caseId === 'C3' ? 1 : 4]!.v.ein);
    const refs = w.db.prepare(`SELECT case_id, output_ref FROM decisions WHERE mechanism = 'iwo' ORDER BY case_id`).all();
    expect(refs).toEqual([
      { case_id: 'C1', output_ref: 'eiwo.txt:6' },
      { case_id: 'C2', output_ref: 'eiwo.txt:7' },
      { case_id: 'C3', output_ref: 'eiwo.txt:3' },
    ]);
  });

  it('tracking numbers are case id + D + the sequence of the case documents; a rerun reproduces the file', () => {
    employee(1, 'C1', FEIN_B);
    decide('2026-11-19');
    w.addEmployer('E2', { fein: FEIN_A, line: 9 });
    w.db.prepare(`UPDATE ce_cases SET employer_id = 'E2' WHERE case_id = 'C1'`).run();
    decide();
    const first = buildEiwoFiles(w.db, D).files;
    const docs = parsed(first[0]!).filter((r) => r.record === 'detail').map((r) => [r.v.documentActionCode, r.v.employerFein, r.v.documentTrackingNumber]);
    expect(docs).toEqual([
      ['ORG', FEIN_A, 'C120261120001'],
      ['TRM', FEIN_B, 'C120261120002'],
    ]);
    decide();
    const again = buildEiwoFiles(w.db, D).files;
    expect(again.map((f) => lines(f))).toEqual(first.map((f) => lines(f)));
  });

  it('splits into eiwo-002.txt… past the batch limit, batch positions continuing across files', () => {
    const feins = ['111111111', '222222222', '333333333', '444444444', '555555555'];
    feins.forEach((fein, i) => employee(i + 1, `C${i + 1}`, fein));
    decide();
    const { files } = buildEiwoFiles(w.db, D, { maxBatchesPerFile: 2 });
    expect(files.map((f) => f.file)).toEqual(['eiwo.txt', 'eiwo-002.txt', 'eiwo-003.txt']);
    const shape = files.map((f) =>
      parsed(f)
        .filter((r) => r.record !== 'detail' && r.record !== 'batchTrailer')
        .map((r) => [r.record, r.v.controlNumber, r.v.ein ?? r.v.batchCount ?? null]),
    );
    expect(shape).toEqual([
      [
        ['header', '0600020261120000000000', null],
        ['batchHeader', '0600020261120000000001', '111111111'],
        ['batchHeader', '0600020261120000000002', '222222222'],
        ['trailer', '0600020261120000000000', '00002'],
      ],
      [
        ['header', '0600020261120900000002', null],
        ['batchHeader', '0600020261120000000003', '333333333'],
        ['batchHeader', '0600020261120000000004', '444444444'],
        ['trailer', '0600020261120900000002', '00002'],
      ],
      [
        ['header', '0600020261120900000003', null],
        ['batchHeader', '0600020261120000000005', '555555555'],
        ['trailer', '0600020261120900000003', '00001'],
      ],
    ]);
    expect(files.map((f) => f.controls)).toEqual([{ 'trailer.batchCount': '00002' }, { 'trailer.batchCount': '00002' }, { 'trailer.batchCount': '00001' }]);
    const refs = w.db.prepare(`SELECT output_ref FROM decisions WHERE mechanism = 'iwo' ORDER BY case_id`).all();
    expect(refs).toEqual([
      { output_ref: 'eiwo.txt:3' },
      { output_ref: 'eiwo.txt:6' },
      { output_ref: 'eiwo-002.txt:3' },
      { output_ref: 'eiwo-002.txt:6' },
      { output_ref: 'eiwo-003.txt:3' },
    ]);
    // exactly at the limit: one file
    expect(buildEiwoFiles(w.db, D, { maxBatchesPerFile: 5 }).files.map((f) => f.file)).toEqual(['eiwo.txt']);
  });

  it('continues a payer past the DTL limit of a batch in another batch of the same FEIN (issue 10: 3x bench night)', () => {
    for (let i = 1; i <= 5; i++) employee(i, `C${i}`, '111111111');
    decide();
    const [file] = buildEiwoFiles(w.db, D, { maxDetailsPerBatch: 2 }).files;
    const shape = parsed(file!)
      .filter((r) => r.record === 'batchHeader' || r.record === 'batchTrailer' || r.record === 'trailer')
      .map((r) => [r.record, r.v.controlNumber, r.record === 'trailer' ? r.v.batchCount : (r.v.ein ?? r.v.recordCount)]);
    expect(shape).toEqual([
      ['batchHeader', '0600020261120000000001', '111111111'],
      ['batchTrailer', '0600020261120000000001', '00002'],
      ['batchHeader', '0600020261120000000002', '111111111'],
      ['batchTrailer', '0600020261120000000002', '00002'],
      ['batchHeader', '0600020261120000000003', '111111111'],
      ['batchTrailer', '0600020261120000000003', '00001'],
      ['trailer', '0600020261120000000000', '00003'],
    ]);
    expect(() => buildEiwoFiles(w.db, D, { maxDetailsPerBatch: 100_000 })).toThrow(RangeError);
  });

  it('control numbers follow DOMAIN 6.1', () => {
    expect(fileControlNumber('06000', D, 1)).toBe('0600020261120000000000');
    expect(fileControlNumber('06000', D, 12)).toBe('0600020261120900000012');
    expect(batchControlNumber('06000', D, 99_999)).toBe('0600020261120000099999');
    expect(batchControlNumber('06000', D, 100_000)).toHaveLength(22);
  });

  it('with nothing to send the file is FHI + FTI', () => {
    const { files, unwritable } = buildEiwoFiles(w.db, D);
    expect(unwritable).toBe(0);
    expect(files).toHaveLength(1);
    const recs = parsed(files[0]!);
    expect(recs.map((r) => [r.record, r.v.controlNumber, r.v.batchCount ?? null])).toEqual([
      ['header', '0600020261120000000000', null],
      ['trailer', '0600020261120000000000', '00000'],
    ]);
    expect(files[0]!.file).toBe('eiwo.txt');
  });
});

describe('eiwo: unwritable values', () => {
  it('a case id longer than 15 characters: SUPPRESS UNWRITABLE_VALUE, ledger row removed, its batch not opened', () => {
    employee(1, 'C1', FEIN_B);
    employee(2, 'C037-1234567890123', FEIN_A); // 18 characters
    employee(3, 'C3', FEIN_B, {});
    // employee SSN is required: the rules suppress the order NO_SSN before the writer (no unwritable record)
    w.db.prepare(`UPDATE ce_participants SET ssn = NULL WHERE person_id = 'P3'`).run();
    decide();
    const { files, unwritable } = buildEiwoFiles(w.db, D);
    expect(unwritable).toBe(1);
    const recs = parsed(files[0]!);
    expect(recs.map((r) => r.record)).toEqual(['header', 'batchHeader', 'detail', 'batchTrailer', 'trailer']);
    expect(recs[1]!.v).toMatchObject({ ein: FEIN_B, controlNumber: '0600020261120000000001' });
    expect(recs[3]!.v.recordCount).toBe('00001');
    const rows = decisions(w.db, 'iwo').map((r) => [r.case_id, r.outcome, r.reason_codes, r.amount_cents]);
    expect(rows).toEqual([
      ['C1', 'ISSUE', '', 60000],
      ['C037-1234567890123', 'SUPPRESS', 'UNWRITABLE_VALUE', null],
      ['C3', 'SUPPRESS', 'NO_SSN', null],
    ]);
    const facts = JSON.parse(decisions(w.db, 'iwo')[1]!.facts);
    expect(facts.unwritable).toMatchObject({ wouldBe: 'ISSUE', record: 'detail', field: 'caseId', start: 88, end: 102 });
    expect(w.db.prepare('SELECT ledger_key FROM iwo_ledger WHERE business_date = ?').all(D)).toEqual([{ ledger_key: `C1|${FEIN_B}` }]);
    expect(summarizeIwo(w.db, D).bySource.employer).toMatchObject({ issued: 1, suppressed: { UNWRITABLE_VALUE: 1, NO_SSN: 1 } });
    // the order was not sent: the next night tries again
    w.db.prepare(`UPDATE ce_participants SET ssn = '900000003' WHERE person_id = 'P3'`).run();
    decide('2026-11-21');
    expect(decisions(w.db, 'iwo', '2026-11-21').find((r) => r.case_id === 'C3')).toMatchObject({ outcome: 'ISSUE' });
  });
});

describe('eiwo reference constants', () => {
  it('the shipped file loads and names where each value comes from', () => {
    const c = loadEiwoConstants(layout);
    expect(c.stateFipsCode).toBe('06000');
    expect(c.detail).toMatchObject({ payeeName: 'CALIFORNIA STATE DISBURSEMENT UNIT', beginWithholdingDays: 14, sendPaymentDays: 7, sendEmployeeCopyIndicator: 'N', employeeWorkStateName: 'CALIFORNIA' });
    const raw = JSON.parse(fs.readFileSync(EIWO_CONSTANTS_FILE, 'utf8'));
    expect(Object.keys(raw.provenance)).toEqual(expect.arrayContaining(Object.keys(raw.detail)));
  });

  it('refuses a value that does not fit its field, an unknown field and a per-record field', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eiwo-ref-'));
    const raw = JSON.parse(fs.readFileSync(EIWO_CONSTANTS_FILE, 'utf8'));
    const write = (name: string, detail: Record<string, unknown>, provenance: Record<string, string> = {}) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, JSON.stringify({ ...raw, detail: { ...raw.detail, ...detail }, provenance: { ...raw.provenance, ...provenance } }));
      return file;
    };
    expect(() => loadEiwoConstants(layout, write('long.json', { penaltyLiabilityText: 'x'.repeat(161) }))).toThrow(ConfigError);
    expect(() => loadEiwoConstants(layout, write('days.json', { beginWithholdingDays: 140 }))).toThrow(/beginWithholdingDays/);
    expect(() => loadEiwoConstants(layout, write('unknown.json', { payeeFax: '1' }, { payeeFax: 'x' }))).toThrow(/not a field/);
    expect(() => loadEiwoConstants(layout, write('case.json', { caseId: 'C1' }, { caseId: 'x' }))).toThrow(/per record/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
