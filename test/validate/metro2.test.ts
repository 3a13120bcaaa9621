/**
 * `csebatch validate <file> --layout metro2`: a file written by the Metro 2 writer passes; files
 * broken one way each fail with the right reason, field, positions and line.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { validateFile } from '../../src/validate.ts';
import type { RejectRow } from '../../src/types.ts';
import { caseRow, person, World } from '../helpers/world.ts';
import { addDays, runMetro2, writeTemp } from '../helpers/metro2.ts';
import { cli } from '../helpers/cli.ts';

const NOV = '2026-11-30';

/**
 * The good file: header; C1 (84, SSN and phone); C2 (11); C3 (13 rating 1, closed in December's
 * file); trailer. Written by the real writer over two month ends.
 */
let good: string[];

beforeAll(() => {
  const w = new World();
  w.addPerson(person('P1', { ssn: '123456789', phone: '9165551234', suffix: 'JR' }));
  w.addPerson(person('P2', { ssn: null }));
  const noticed = { credit_notice_sent_date: '2026-01-01' };
  w.addCase(caseRow('C1', 'P1', { ...noticed, bankruptcy_filed_date: '2026-10-01', bankruptcy_chapter: '13' }));
  w.addCase(caseRow('C2', 'P2', { ...noticed, oldest_unpaid_due_date: null, last_payment_date: '2026-12-02', last_payment_amount: 10000 }));
  w.addCase(caseRow('C3', 'P2', { ...noticed, oldest_unpaid_due_date: addDays(NOV, -40) }));
  runMetro2(w, NOV);
  w.db.prepare(`UPDATE ce_cases SET status = 'CLOSED', closure_reason = 'PAID' WHERE case_id = 'C3'`).run();
  const night = runMetro2(w, '2026-12-31');
  good = [...(night.file!.content as readonly string[])];
});

/** Replaces positions start..end (1-based inclusive) of a line. */
function put(line: string, start: number, value: string): string {
  return line.slice(0, start - 1) + value + line.slice(start - 1 + value.length);
}

async function validate(lines: readonly string[]) {
  return validateFile(writeTemp(lines), 'metro2');
}

function lineOf(caseId: string): number {
  return good.findIndex((l) => l.slice(42, 72).trimEnd() === caseId) + 1;
}

function withLine(lineNo: number, edit: (line: string) => string): string[] {
  return good.map((l, i) => (i + 1 === lineNo ? edit(l) : l));
}

function find(errors: RejectRow[], line: number, field: string): RejectRow {
  const row = errors.find((e) => e.line === line && e.field === field);
  if (row === undefined) throw new Error(`no error on line ${line} field ${field}; got ${JSON.stringify(errors.map((e) => [e.line, e.field, e.reason]))}`);
  return row;
}

describe('validate --layout metro2', () => {
  it('accepts a file written by the writer', async () => {
    expect(good.map((l) => (l.slice(4, 10) === 'HEADER' ? 'H' : l.slice(4, 11) === 'TRAILER' ? 'T' : l.slice(4, 5)))).toEqual(['H', '1', '1', '1', 'T']);
    expect(good[lineOf('C3') - 1]!.slice(123, 126)).toBe('131');
    const report = await validate(good);
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({ valid: true, format: 'fixed', lines: 5, rejectedLines: 0 });
  });

  it('rejects a wrong record descriptor word', async () => {
    const line = lineOf('C2');
    const report = await validate(withLine(line, (l) => put(l, 1, '0425')));
    expect(report.valid).toBe(false);
    const row = find(report.errors, line, 'recordDescriptorWord');
    expect(row).toMatchObject({ reason: 'BAD_CODE', start: 1, end: 4, valueMasked: '0425' });
    expect(row.message).toMatch(/record descriptor word 0425 does not match the record length \(426 bytes/);
  });

  it('rejects an RDW that disagrees with a short record', async () => {
    const line = lineOf('C1');
    const report = await validate(withLine(line, (l) => l.slice(0, 400)));
    expect(find(report.errors, line, 'recordDescriptorWord').message).toMatch(/0426 does not match the record length \(400 bytes/);
    expect(report.errors.some((e) => e.line === line && e.reason === 'LINE_LENGTH')).toBe(true);
  });

  it('rejects an account status that is not in the code list', async () => {
    const line = lineOf('C2');
    const report = await validate(withLine(line, (l) => put(l, 124, '12')));
    const row = find(report.errors, line, 'accountStatus');
    expect(row).toMatchObject({ reason: 'BAD_CODE', start: 124, end: 125, recordType: 'base' });
    expect(row.message).toMatch(/not one of the codes/);
  });

  it('rejects a payment rating with status 11', async () => {
    const line = lineOf('C2');
    const report = await validate(withLine(line, (l) => put(l, 126, '0')));
    const row = find(report.errors, line, 'paymentRating');
    expect(row).toMatchObject({ reason: 'BAD_CODE', start: 126, end: 126, valueMasked: '0' });
    expect(row.message).toMatch(/payment rating must be blank when accountStatus is 11/);
    expect(report.errors).toHaveLength(1);
  });

  it('requires a payment rating with status 13', async () => {
    const line = lineOf('C3');
    const report = await validate(withLine(line, (l) => put(l, 126, ' ')));
    expect(find(report.errors, line, 'paymentRating')).toMatchObject({ reason: 'MISSING_REQUIRED' });
    expect(find(report.errors, line, 'paymentRating').message).toMatch(/required when accountStatus is 13/);
  });

  it('rejects a date that is not a calendar date', async () => {
    const line = lineOf('C1');
    const report = await validate(withLine(line, (l) => put(l, 76, '02302026')));
    const row = find(report.errors, line, 'dateOpened');
    expect(row).toMatchObject({ reason: 'BAD_DATE', start: 76, end: 83 });
    expect(row.message).toMatch(/not a real MMDDYYYY date/);
  });

  it('rejects a trailer total that does not match the records', async () => {
    const line = good.length;
    const report = await validate(withLine(line, (l) => put(l, 84, '000000002')));
    const row = find(report.errors, line, 'totalStatusCode11');
    expect(row).toMatchObject({ reason: 'CONTROL_MISMATCH', start: 84, end: 92, recordType: 'trailer' });
    expect(row.message).toMatch(/count of base where accountStatus = '11' in the file is 0+1/);
  });

  it.each([
    ['totalBaseRecords', 12, '000000009'],
    ['blockCount', 57, '000000004'],
    ['totalStatusCode13', 93, '000000000'],
    ['totalSsnBase', 336, '000000003'],
    ['totalDobAllSegments', 363, '000000001'],
    ['totalTelephoneAllSegments', 399, '000000000'],
    ['totalJ1Segments', 39, '000000001'],
  ])('recomputes the trailer %s', async (field, start, value) => {
    const line = good.length;
    const report = await validate(withLine(line, (l) => put(l, start, value)));
    expect(report.valid).toBe(false);
    expect(find(report.errors, line, field).reason).toMatch(/CONTROL_MISMATCH|BAD_CODE/);
  });

  it('rejects a missing required field', async () => {
    const line = lineOf('C1');
    const report = await validate(withLine(line, (l) => put(l, 232, ' '.repeat(25))));
    const row = find(report.errors, line, 'surname');
    expect(row).toMatchObject({ reason: 'MISSING_REQUIRED', start: 232, end: 256 });
  });

  it('rejects a trailer that is not the last record', async () => {
    const lines = [...good.slice(0, 2), good.at(-1)!, ...good.slice(2, -1)];
    const report = await validate(lines);
    const row = report.errors.find((e) => e.reason === 'STRUCTURE')!;
    expect(row).toMatchObject({ line: 4, recordType: 'base' });
    expect(row.message).toMatch(/base after the trailer at line 3/);
  });

  it('rejects a header that is not first', async () => {
    const lines = [good[1]!, good[0]!, ...good.slice(2)];
    const report = await validate(lines);
    expect(report.errors.find((e) => e.reason === 'STRUCTURE')?.message).toMatch(/first record is base, expected header/);
  });

  it('rejects a bad payment history character', async () => {
    const line = lineOf('C1');
    const report = await validate(withLine(line, (l) => put(l, 130, 'X')));
    const row = find(report.errors, line, 'paymentHistoryProfile');
    expect(row).toMatchObject({ reason: 'BAD_CODE', start: 127, end: 150 });
    expect(row.message).toMatch(/month 4 is 'X'/);
  });

  it('checks the date of first delinquency and the amounts against the status', async () => {
    const c2 = lineOf('C2');
    const c1 = lineOf('C1');
    let report = await validate(withLine(c2, (l) => put(l, 190, '06012026')));
    expect(find(report.errors, c2, 'dateOfFirstDelinquency').message).toMatch(/must be zero-filled with accountStatus 11/);
    report = await validate(withLine(c1, (l) => put(l, 190, '00000000')));
    expect(find(report.errors, c1, 'dateOfFirstDelinquency').message).toMatch(/required with accountStatus 84/);
    report = await validate(withLine(c1, (l) => put(l, 164, '000000000')));
    expect(find(report.errors, c1, 'amountPastDue').message).toMatch(/greater than 0 with accountStatus 84/);
    report = await validate(withLine(lineOf('C3'), (l) => put(l, 155, '000000100')));
    expect(find(report.errors, lineOf('C3'), 'currentBalance').message).toMatch(/must be 0 with accountStatus 13/);
  });

  it('rejects an account reported twice and an identification number of nines', async () => {
    const c1 = lineOf('C1');
    const dup = [...good.slice(0, -1), good[c1 - 1]!, good.at(-1)!];
    let report = await validate(dup);
    expect(find(report.errors, good.length, 'consumerAccountNumber')).toMatchObject({ reason: 'DUPLICATE_KEY' });
    report = await validate(withLine(c1, (l) => put(l, 21, '9'.repeat(20))));
    expect(find(report.errors, c1, 'identificationNumber').message).toMatch(/all zeros or all nines/);
  });

  it('rejects a file without a base segment', async () => {
    // a trailer whose every count agrees with a file of header + trailer only
    let trailer = good.at(-1)!;
    for (const start of [12, 84, 93, 147, 192, 327, 336, 363, 372, 399]) trailer = put(trailer, start, '000000000');
    trailer = put(trailer, 57, '000000002');
    const report = await validate([good[0]!, trailer]);
    expect(report.errors).toHaveLength(1);
    const row = find(report.errors, 2, 'totalBaseRecords');
    expect(row).toMatchObject({ reason: 'STRUCTURE', start: 12, end: 20 });
    expect(row.message).toMatch(/at least one base segment/);
  });

  it('masks values in messages', async () => {
    const line = lineOf('C1');
    const report = await validate(withLine(line, (l) => put(l, 298, '99999999X')));
    const row = find(report.errors, line, 'ssn');
    expect(row.valueMasked).toBe('*****999X');
    expect(row.message).not.toContain('99999999X');
  });

  it('is what `csebatch validate --layout metro2` runs, with its exit code', async () => {
    const ok = await cli('validate', writeTemp(good), '--layout', 'metro2');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/valid \(5 lines, 0 rejected line\(s\), 0 error\(s\)\)/);
    const bad = await cli('validate', writeTemp(withLine(lineOf('C2'), (l) => put(l, 126, '0'))), '--layout', 'metro2');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/metro2\.txt:3: base paymentRating positions 126-126: BAD_CODE: .*must be blank when accountStatus is 11/);
  });
});
