import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileLayout, type CompiledLayout } from '../../src/layout/codec.ts';
import { createFileFormatter } from '../../src/layout/controls.ts';
import { fixedLayout } from '../../src/layout/registry.ts';
import { readFixedWidthFile, type AcceptedRecord, type FixedWidthReadResult, type ReadFixedWidthOptions } from '../../src/inbound/fixedWidthReader.ts';
import { readLines, type FileLine } from '../../src/io/lines.ts';
import type { RecordValues, RejectRow } from '../../src/types.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fwreader-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let fileCounter = 0;

const calpers = compileLayout(fixedLayout('calpers'));
const nmsn = compileLayout(fixedLayout('nmsn'));
const fidm = compileLayout(fixedLayout('fidm'), { signedOverpunch: ['bRecord.accountBalance'] });
const msfidm = compileLayout(fixedLayout('msfidm'));
const levy = compileLayout(fixedLayout('levy-otw'));
const fopCollections = compileLayout(fixedLayout('fop-collections'));

// ---------------------------------------------------------------------------------------------
// Helpers: files are built with the codec's own formatter, then broken with literal bytes.

function writeFile(content: string): string {
  const file = path.join(tmp, `in-${++fileCounter}.txt`);
  fs.writeFileSync(file, content, 'latin1');
  return file;
}

function linesFile(lines: string[], eol = '\n'): string {
  return writeFile(lines.map((l) => l + eol).join(''));
}

/** Replaces bytes at a 1-based position. */
function patch(line: string, start: number, text: string): string {
  return line.slice(0, start - 1) + text + line.slice(start - 1 + text.length);
}

interface ReadOutcome {
  result: FixedWidthReadResult;
  accepted: AcceptedRecord[];
  discarded: Array<[number, number]>;
}

async function read(compiled: CompiledLayout, file: string, extra: Partial<ReadFixedWidthOptions> = {}): Promise<ReadOutcome> {
  const accepted: AcceptedRecord[] = [];
  const discarded: Array<[number, number]> = [];
  const result = await readFixedWidthFile({
    compiled,
    path: file,
    fileName: 'partner.txt',
    onRecord: (rec) => accepted.push(rec),
    onDiscard: (from, to) => discarded.push([from, to]),
    ...extra,
  });
  // Invariants of every read.
  expect(result.read).toBe(result.loaded + result.rejected);
  const rejectedLines = new Set(result.rejects.map((r) => r.line).filter((l) => l > 0));
  expect(rejectedLines.size).toBe(result.rejected);
  const order = result.rejects.map((r) => [r.line, r.start ?? 0]);
  expect(order).toEqual([...order].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!));
  for (const row of result.rejects) expect(row.file).toBe('partner.txt');
  expect(Object.values(result.recordCounts).reduce((a, b) => a + b, 0)).toBe(result.loaded);
  return { result, accepted, discarded };
}

/** Lines that survived: handed over and never discarded. */
function surviving(outcome: ReadOutcome): number[] {
  return outcome.accepted.map((a) => a.line).filter((line) => !outcome.discarded.some(([from, to]) => line >= from && line <= to));
}

function reasons(rows: RejectRow[]): Array<[number, string, string]> {
  return rows.map((r) => [r.line, r.reason, r.field]);
}

const CALPERS_HEADER = { fileCreationDate: '2026-01-02', businessDate: '2026-01-02', fileSequence: '1' };
function calpersDetail(i: number, amount = 1000 * i): RecordValues {
  return {
    ssn: String(100000000 + i), lastName: 'GARCIA', firstName: 'MARIA', dob: '1980-02-29', memberId: `M${i}`,
    benefitType: 'R', monthlyGrossBenefit: amount, lumpSumAmount: 0, retirementStatus: 'A',
  };
}

/** header, `details` details, trailer with correct controls. */
function calpersLines(details = 3): string[] {
  const f = createFileFormatter(calpers);
  const lines = [f.format('header', CALPERS_HEADER).line];
  for (let i = 1; i <= details; i++) lines.push(f.format('detail', calpersDetail(i)).line);
  lines.push(f.format('trailer', {}).line);
  return lines;
}

function nmsnLines(details = 3): string[] {
  const f = createFileFormatter(nmsn);
  const lines = [f.format('header', CALPERS_HEADER).line];
  for (let i = 1; i <= details; i++) {
    lines.push(
      f.format('detail', {
        employerFein: '941234567', employerName: 'ACME', employerAddressLine1: '1 MAIN ST', employerCity: 'FRESNO', employerState: 'CA',
        employerZip: '93701', employeeSsn: String(200000000 + i), employeeLastName: 'DOE', employeeFirstName: 'JOHN', caseId: `C${i}`,
        orderId: `O${i}`, issuingState: 'CA', child1LastName: 'DOE', child1FirstName: 'AMY', child1Dob: '2015-06-01', documentDate: '2026-01-02',
      }).line,
    );
  }
  lines.push(f.format('trailer', {}).line);
  return lines;
}

const A_RECORD = { institutionTin: '941234567', matchYearMonth: '202609', institutionName: 'GOLDEN STATE BANK', transmitterTin: '941234567' };
function bRecord(i: number): RecordValues {
  return { matchedSsn: String(300000000 + i), payeeAccountNumber: `ACCT${i}`, matchedPayeeName: 'MARIA GARCIA', accountBalance: 100 * i };
}

/** One A…T block per entry of `sizes` (number of B records). */
function fidmLines(sizes: number[]): string[] {
  const f = createFileFormatter(fidm);
  const lines: string[] = [];
  let n = 0;
  for (const size of sizes) {
    lines.push(f.format('aRecord', A_RECORD).line);
    for (let i = 0; i < size; i++) lines.push(f.format('bRecord', bRecord(++n)).line);
    lines.push(f.format('tRecord', {}).line);
  }
  return lines;
}

function msfidmLine(i: number): string {
  return msfidm.format('detail', { institutionTin: '941234567', institutionName: 'MULTISTATE BANK', matchedSsn: String(400000000 + i), payeeAccountNumber: `X${i}` }).line;
}

// ---------------------------------------------------------------------------------------------

describe('readFixedWidthFile: clean files', () => {
  it('hands over every line in order with its values, and reports counts and trailer controls', async () => {
    const lines = calpersLines(3);
    const outcome = await read(calpers, linesFile(lines));
    expect(outcome.result).toMatchObject({ read: 5, loaded: 5, rejected: 0, rejects: [] });
    expect(outcome.result.recordCounts).toEqual({ header: 1, detail: 3, trailer: 1 });
    expect(outcome.result.controls).toEqual({ 'trailer.detailCount': '000000003', 'trailer.amountTotal': 6000 });
    expect(outcome.accepted.map((a) => [a.line, a.recordType, a.batchLine])).toEqual([
      [1, 'header', null], [2, 'detail', null], [3, 'detail', null], [4, 'detail', null], [5, 'trailer', null],
    ]);
    expect(outcome.accepted[1]!.values).toMatchObject({ ssn: '100000001', monthlyGrossBenefit: 1000, dob: '1980-02-29' });
    expect(outcome.discarded).toEqual([]);
  });

  it('accepts CRLF line ends and a missing final line end', async () => {
    const lines = calpersLines(2);
    expect((await read(calpers, linesFile(lines, '\r\n'))).result).toMatchObject({ loaded: 4, rejected: 0 });
    expect((await read(calpers, writeFile(lines.join('\n')))).result).toMatchObject({ loaded: 4, rejected: 0 });
    expect((await read(calpers, writeFile(lines.join('\r\n')))).result).toMatchObject({ loaded: 4, rejected: 0 });
  });

  it('accepts the shorter tolerated length as if padded with spaces (fop-collections 240)', async () => {
    const f = createFileFormatter(fopCollections);
    const detail = { ssn: '123456789', lastName: 'DOE', certifiedArrearageAmount: 50000, collectionAmount: 1200, adjustmentAmount: 0, offsetType: 'TAX' };
    const lines = [f.format('tanfDetail', detail).line.slice(0, 240), f.format('nonTanfDetail', detail).line, f.format('trailer', { netAmount: 1200 }).line.slice(0, 240)];
    const tolerant = await read(fopCollections, linesFile(lines), { tolerateLength: 240 });
    expect(tolerant.result).toMatchObject({ loaded: 3, rejected: 0 });
    const strict = await read(fopCollections, linesFile(lines));
    expect(strict.result.rejects.filter((r) => r.reason === 'LINE_LENGTH').map((r) => r.line)).toEqual([1, 3]);
  });
});

describe('readFixedWidthFile: line and field errors reject only their line', () => {
  it('short and long lines: LINE_LENGTH, still counted for the trailer count', async () => {
    const lines = nmsnLines(3);
    lines[1] = lines[1]!.slice(0, 599);
    lines[2] = lines[2]! + 'EXTRA';
    const outcome = await read(nmsn, linesFile(lines));
    expect(reasons(outcome.result.rejects)).toEqual([[2, 'LINE_LENGTH', ''], [3, 'LINE_LENGTH', '']]);
    expect(outcome.result.rejects[0]).toMatchObject({ recordType: 'detail', start: null, end: null });
    expect(outcome.result.rejects[0]!.message).toContain('599 bytes, expected 600');
    expect(outcome.result).toMatchObject({ read: 5, loaded: 3, rejected: 2 });
    expect(outcome.result.recordCounts).toEqual({ header: 1, detail: 1, trailer: 1 });
    expect(outcome.discarded).toEqual([]);
  });

  it('a line longer than maxLineBytes is cut, reported, and the next line read normally', async () => {
    const lines = nmsnLines(2);
    lines[1] = lines[1]! + 'Z'.repeat(5000);
    const outcome = await read(nmsn, linesFile(lines));
    expect(reasons(outcome.result.rejects)).toEqual([[2, 'LINE_LENGTH', '']]);
    expect(outcome.result.rejects[0]!.message).toContain('longer than 2400 bytes');
    expect(outcome.result).toMatchObject({ read: 4, loaded: 3 });
  });

  it('an empty line is read and rejected (LINE_LENGTH)', async () => {
    const lines = nmsnLines(2);
    lines.splice(2, 0, '');
    const outcome = await read(nmsn, linesFile(lines));
    expect(reasons(outcome.result.rejects)).toEqual([[3, 'LINE_LENGTH', '']]);
    expect(outcome.result.rejects[0]!.recordType).toBe('');
    expect(outcome.result).toMatchObject({ read: 5, loaded: 4, rejected: 1 });
  });

  it('an unknown record type is rejected alone and does not break the structure', async () => {
    const lines = nmsnLines(2);
    lines.splice(2, 0, patch(lines[1]!, 1, 'X'));
    const outcome = await read(nmsn, linesFile(lines));
    expect(reasons(outcome.result.rejects)).toEqual([[3, 'UNKNOWN_RECORD', '']]);
    expect(outcome.result.rejects[0]!.recordType).toBe('');
    expect(surviving(outcome)).toEqual([1, 2, 4, 5]);
  });

  it('a detail whose key byte is corrupted is not counted, so the trailer count no longer holds', async () => {
    const lines = nmsnLines(2);
    lines[1] = patch(lines[1]!, 1, 'X');
    const outcome = await read(nmsn, linesFile(lines));
    expect(reasons(outcome.result.rejects).filter(([, reason]) => reason !== 'FILE_REJECTED')).toEqual([[2, 'UNKNOWN_RECORD', ''], [4, 'CONTROL_MISMATCH', 'detailCount']]);
  });

  it('a bad date rejects its line with field and positions', async () => {
    const lines = nmsnLines(2);
    lines[2] = patch(lines[2]!, 305, '20230229');
    const outcome = await read(nmsn, linesFile(lines));
    expect(outcome.result.rejects).toEqual([
      expect.objectContaining({ line: 3, recordType: 'detail', field: 'child1Dob', start: 305, end: 312, valueMasked: '****0229', reason: 'BAD_DATE' }),
    ]);
    expect(surviving(outcome)).toEqual([1, 2, 4]);
  });

  it('non-ASCII bytes are reported on the field holding them', async () => {
    const lines = nmsnLines(1);
    lines[1] = patch(lines[1]!, 161, 'D\u00d6E');
    const outcome = await read(nmsn, linesFile(lines));
    expect(reasons(outcome.result.rejects)).toEqual([[2, 'NON_ASCII', 'employeeLastName']]);
  });

  it('every issue of a line gets its own row', async () => {
    const lines = nmsnLines(1);
    lines[1] = patch(patch(lines[1]!, 2, 'ABC'), 141, '12');
    const outcome = await read(nmsn, linesFile(lines));
    expect(reasons(outcome.result.rejects)).toEqual([[2, 'BAD_NUMBER', 'employerFein'], [2, 'BAD_CODE', 'employerState']]);
    expect(outcome.result.rejected).toBe(1);
  });
});

describe('readFixedWidthFile: file units (header/trailer layouts)', () => {
  it('a wrong trailer count rejects the file: CONTROL_MISMATCH on the trailer field, FILE_REJECTED for every other line', async () => {
    const lines = calpersLines(3);
    lines[4] = patch(lines[4]!, 2, '000000004');
    const outcome = await read(calpers, linesFile(lines));
    expect(reasons(outcome.result.rejects)).toEqual([
      [1, 'FILE_REJECTED', ''], [2, 'FILE_REJECTED', ''], [3, 'FILE_REJECTED', ''], [4, 'FILE_REJECTED', ''], [5, 'CONTROL_MISMATCH', 'detailCount'],
    ]);
    expect(outcome.result.rejects[4]).toMatchObject({ recordType: 'trailer', start: 2, end: 10, valueMasked: '000000004' });
    expect(outcome.result.rejects[4]!.message).toContain('the count of detail in the file is 000000003');
    expect(outcome.result.rejects[1]).toMatchObject({ recordType: 'detail', message: 'rejected with its file: CONTROL_MISMATCH at line 5' });
    expect(outcome.result).toMatchObject({ read: 5, loaded: 0, rejected: 5 });
    expect(outcome.result.recordCounts).toEqual({ header: 0, detail: 0, trailer: 0 });
    expect(outcome.result.controls).toEqual({ 'trailer.detailCount': '000000004', 'trailer.amountTotal': 6000 });
    expect(outcome.discarded).toEqual([[1, 5]]);
    expect(surviving(outcome)).toEqual([]);
  });

  it('a wrong sum rejects the file', async () => {
    const lines = calpersLines(2);
    lines[3] = patch(lines[3]!, 11, '000000000003001');
    const outcome = await read(calpers, linesFile(lines));
    expect(outcome.result.rejects.find((r) => r.reason === 'CONTROL_MISMATCH')).toMatchObject({ line: 4, field: 'amountTotal', start: 11, end: 25 });
    expect(outcome.result.loaded).toBe(0);
  });

  it('a non-numeric amount rejects its line, and the sum it feeds cannot be verified: the file is rejected', async () => {
    const lines = calpersLines(3);
    lines[2] = patch(lines[2]!, 86, '00000ABC000');
    const outcome = await read(calpers, linesFile(lines));
    expect(reasons(outcome.result.rejects)).toEqual([
      [1, 'FILE_REJECTED', ''], [2, 'FILE_REJECTED', ''], [3, 'BAD_NUMBER', 'monthlyGrossBenefit'], [4, 'FILE_REJECTED', ''], [5, 'CONTROL_MISMATCH', 'amountTotal'],
    ]);
    expect(outcome.result.rejects[4]!.message).toContain('cannot verify the sum of detail.monthlyGrossBenefit in the file: a source value is unreadable (first at line 3)');
  });

  it('a bad overpunch rejects its line and leaves the signed sums unverifiable', async () => {
    const f = createFileFormatter(fopCollections);
    const detail = { ssn: '123456789', lastName: 'DOE', certifiedArrearageAmount: -50000, collectionAmount: 1200, adjustmentAmount: 0, offsetType: 'TAX' };
    const lines = [f.format('tanfDetail', detail).line, f.format('nonTanfDetail', detail).line, f.format('trailer', { netAmount: 2400 }).line];
    expect(fopCollections.parse(lines[2]!).values['arrearageAmountTotal']).toBe(-100000);
    lines[0] = patch(lines[0]!, 65, '0000005000S');
    const outcome = await read(fopCollections, linesFile(lines));
    expect(outcome.result.rejects[0]).toMatchObject({ line: 1, reason: 'BAD_OVERPUNCH', field: 'certifiedArrearageAmount', start: 65, end: 75 });
    expect(outcome.result.rejects.filter((r) => r.reason === 'CONTROL_MISMATCH').map((r) => r.field)).toEqual(['arrearageAmountTotal']);
    expect(outcome.result.loaded).toBe(0);
  });

  it('a missing trailer rejects the file with STRUCTURE at line 0', async () => {
    const lines = calpersLines(2).slice(0, -1);
    const outcome = await read(calpers, linesFile(lines));
    expect(reasons(outcome.result.rejects)).toEqual([[0, 'STRUCTURE', ''], [1, 'FILE_REJECTED', ''], [2, 'FILE_REJECTED', ''], [3, 'FILE_REJECTED', '']]);
    expect(outcome.result.rejects[0]!.message).toBe('no trailer record in the file');
    expect(outcome.result).toMatchObject({ read: 3, loaded: 0, rejected: 3 });
    expect(outcome.discarded).toEqual([[1, 3]]);
  });

  it('a header that is not first, a second header, a record after the trailer: STRUCTURE', async () => {
    const lines = calpersLines(2);
    const notFirst = await read(calpers, linesFile([lines[1]!, lines[0]!, ...lines.slice(2)]));
    expect(notFirst.result.rejects[0]).toMatchObject({ line: 1, reason: 'STRUCTURE', recordType: 'detail', message: 'first record is detail, expected header' });
    expect(notFirst.result.loaded).toBe(0);

    const twoHeaders = await read(calpers, linesFile([lines[0]!, lines[0]!, ...lines.slice(1)]));
    expect(twoHeaders.result.rejects[1]).toMatchObject({ line: 2, reason: 'STRUCTURE', message: 'second header; the first is at line 1' });
    // Once the file is known to fail, later lines are not even handed over.
    expect(twoHeaders.accepted.map((a) => a.line)).toEqual([1]);

    const after = await read(calpers, linesFile([...lines, lines[1]!]));
    expect(after.result.rejects.find((r) => r.reason === 'STRUCTURE')).toMatchObject({ line: 5, message: 'detail after the trailer at line 4' });
  });

  it('an empty file is a STRUCTURE error for every layout, with or without a file header (issue 14.2)', async () => {
    const empty = writeFile('');
    const calpersEmpty = await read(calpers, empty);
    expect(calpersEmpty.result.rejects).toEqual([
      expect.objectContaining({ line: 0, reason: 'STRUCTURE', recordType: '', message: 'empty file (no line): expected header and trailer' }),
    ]);
    expect(calpersEmpty.result).toMatchObject({ read: 0, loaded: 0, rejected: 0 });
    // a failed transfer of a block layout (FIDM A/B/T, MSFIDM) is not a valid file either
    for (const layout of [msfidm, fidm]) {
      expect((await read(layout, empty)).result.rejects).toEqual([
        expect.objectContaining({ line: 0, reason: 'STRUCTURE', message: 'empty file (no line): expected records' }),
      ]);
    }
    expect((await read(fopCollections, empty)).result.rejects[0]).toMatchObject({ line: 0, reason: 'STRUCTURE' });
  });

  it('a short detail line in a layout with a sum makes the sum unverifiable (documented choice)', async () => {
    const lines = calpersLines(2);
    lines[1] = lines[1]!.slice(0, 200);
    const outcome = await read(calpers, linesFile(lines));
    expect(reasons(outcome.result.rejects)).toContainEqual([2, 'LINE_LENGTH', '']);
    expect(reasons(outcome.result.rejects)).toContainEqual([4, 'CONTROL_MISMATCH', 'amountTotal']);
  });
});

describe('readFixedWidthFile: batches', () => {
  it('FIDM: two blocks, one with a wrong count: only that block is rejected', async () => {
    const lines = fidmLines([2, 3]);
    // lines: 1 A, 2-3 B, 4 T | 5 A, 6-8 B, 9 T
    lines[8] = patch(lines[8]!, 2, '000000002');
    const outcome = await read(fidm, linesFile(lines));
    expect(reasons(outcome.result.rejects)).toEqual([
      [5, 'FILE_REJECTED', ''], [6, 'FILE_REJECTED', ''], [7, 'FILE_REJECTED', ''], [8, 'FILE_REJECTED', ''], [9, 'CONTROL_MISMATCH', 'bRecordCount'],
    ]);
    expect(outcome.result.rejects[9 - 5]!.message).toContain('the count of bRecord in its batch is 000000003');
    expect(outcome.result.rejects[0]!.message).toBe('rejected with its aRecord…tRecord block (lines 5-9): CONTROL_MISMATCH at line 9');
    expect(outcome.discarded).toEqual([[5, 9]]);
    expect(surviving(outcome)).toEqual([1, 2, 3, 4]);
    expect(outcome.result).toMatchObject({ read: 9, loaded: 4, rejected: 5 });
    expect(outcome.result.recordCounts).toEqual({ aRecord: 1, bRecord: 2, tRecord: 1 });
    expect(outcome.accepted.filter((a) => a.line <= 4).map((a) => a.batchLine)).toEqual([1, 1, 1, 1]);
    expect(outcome.result.controls).toEqual({});
  });

  it('FIDM: a B outside any block is a STRUCTURE error for that run of lines only', async () => {
    const lines = fidmLines([1, 1]);
    const orphan = fidm.format('bRecord', bRecord(99)).line;
    const file = [lines[0]!, lines[1]!, lines[2]!, orphan, orphan, ...lines.slice(3)];
    const outcome = await read(fidm, linesFile(file));
    expect(reasons(outcome.result.rejects)).toEqual([[4, 'STRUCTURE', ''], [5, 'FILE_REJECTED', '']]);
    expect(outcome.result.rejects[0]!.message).toBe('bRecord outside a aRecord…tRecord block');
    expect(outcome.discarded).toEqual([[4, 5]]);
    expect(surviving(outcome)).toEqual([1, 2, 3, 6, 7, 8]);
  });

  it('FIDM: a missing T (second A before T, or end of file) rejects the unclosed block', async () => {
    const lines = fidmLines([2, 1]);
    // drop the first T: 1 A, 2-3 B, 4 A, 5 B, 6 T
    const noT = [...lines.slice(0, 3), ...lines.slice(4)];
    const outcome = await read(fidm, linesFile(noT));
    expect(reasons(outcome.result.rejects)).toEqual([[1, 'STRUCTURE', ''], [2, 'FILE_REJECTED', ''], [3, 'FILE_REJECTED', '']]);
    expect(outcome.result.rejects[0]!.message).toBe('aRecord at line 1 is not closed by a tRecord before the aRecord at line 4');
    expect(surviving(outcome)).toEqual([4, 5, 6]);

    const atEnd = await read(fidm, linesFile(lines.slice(0, -1)));
    expect(atEnd.result.rejects.find((r) => r.reason === 'STRUCTURE')).toMatchObject({ line: 5, message: 'aRecord at line 5 is not closed by a tRecord before the end of the file' });
    expect(surviving(atEnd)).toEqual([1, 2, 3, 4]);
  });

  it('FIDM: a T without an open block is a STRUCTURE error on that line', async () => {
    const lines = fidmLines([1]);
    const outcome = await read(fidm, linesFile([...lines, lines[2]!]));
    expect(reasons(outcome.result.rejects)).toEqual([[4, 'STRUCTURE', '']]);
    expect(outcome.result.rejects[0]!.message).toBe('tRecord without an open aRecord');
  });

  it('FIDM: reads an overpunched accountBalance on B records', async () => {
    const lines = fidmLines([1]);
    lines[1] = patch(lines[1]!, 351, '000012}');
    const outcome = await read(fidm, linesFile(lines));
    expect(outcome.result.rejects).toEqual([]);
    expect(outcome.accepted[1]!.values['accountBalance']).toBe(-120);
  });

  it('levy-otw: a bad batch is rejected alone while file-level controls still count all its lines', async () => {
    const f = createFileFormatter(levy);
    const bank = { fein: '941234567', institutionName: 'BANK', institutionAddressLine1: '1 MAIN', institutionCity: 'SF', institutionState: 'CA', institutionZip: '94105' };
    const detail = { ssn: '123456789', lastName: 'DOE', firstName: 'JANE', caseId: 'C1', lcsaCode: '037', accountNumber: 'A1', accountType: '11', levyAmount: 1000, exemptAmount: 0, totalArrears: 0, orderDate: '2026-01-02' };
    const lines = [
      f.format('header', { fileCreationDate: '2026-01-02', businessDate: '2026-01-02', fileSequence: '1' }).line,
      f.format('batchHeader', bank).line, f.format('detail', detail).line, f.format('batchTrailer', {}).line,
      f.format('batchHeader', bank).line, f.format('detail', detail).line, f.format('detail', detail).line, f.format('batchTrailer', {}).line,
      f.format('trailer', {}).line,
    ];
    lines[7] = patch(lines[7]!, 11, '00000001001');
    const outcome = await read(levy, linesFile(lines));
    expect(reasons(outcome.result.rejects)).toEqual([
      [5, 'FILE_REJECTED', ''], [6, 'FILE_REJECTED', ''], [7, 'FILE_REJECTED', ''], [8, 'CONTROL_MISMATCH', 'batchLevyTotal'],
    ]);
    expect(surviving(outcome)).toEqual([1, 2, 3, 4, 9]);
    expect(outcome.accepted.map((a) => a.batchLine)).toEqual([null, 2, 2, 2, 5, 5, 5, null]);
    expect(outcome.result.controls).toMatchObject({ 'trailer.detailCount': '000000003', 'trailer.batchCount': '000002' });
  });

  it('levy-otw: a detail between batches is a STRUCTURE error', async () => {
    const f = createFileFormatter(levy);
    const detail = { ssn: '123456789', lastName: 'DOE', firstName: 'JANE', caseId: 'C1', lcsaCode: '037', accountNumber: 'A1', accountType: '11', levyAmount: 1000, exemptAmount: 0, totalArrears: 0, orderDate: '2026-01-02' };
    const lines = [
      f.format('header', { fileCreationDate: '2026-01-02', businessDate: '2026-01-02', fileSequence: '1' }).line,
      f.format('detail', detail).line,
      f.format('trailer', { batchCount: 0 }).line,
    ];
    const outcome = await read(levy, linesFile(lines));
    expect(reasons(outcome.result.rejects)).toEqual([[2, 'STRUCTURE', '']]);
    expect(surviving(outcome)).toEqual([1, 3]);
  });
});

describe('readFixedWidthFile: file-fatal fields', () => {
  it('msfidm: a stateCode other than 06 rejects the whole file (misrouted)', async () => {
    const lines = [msfidmLine(1), patch(msfidmLine(2), 919, '07'), msfidmLine(3)];
    const outcome = await read(msfidm, linesFile(lines), { fileFatalFields: ['detail.stateCode'] });
    expect(reasons(outcome.result.rejects)).toEqual([[1, 'FILE_REJECTED', ''], [2, 'BAD_CODE', 'stateCode'], [3, 'FILE_REJECTED', '']]);
    expect(outcome.result.rejects[0]!.message).toBe('rejected with its file: BAD_CODE on detail.stateCode at line 2, which rejects the whole file');
    expect(outcome.result).toMatchObject({ loaded: 0, rejected: 3 });
    expect(outcome.discarded).toEqual([[1, 3]]);
    expect(outcome.accepted.map((a) => a.line)).toEqual([1]);
  });

  it('msfidm: the same issue without the option rejects only its line; a clean file loads', async () => {
    const lines = [msfidmLine(1), patch(msfidmLine(2), 919, '07'), msfidmLine(3)];
    expect((await read(msfidm, linesFile(lines))).result).toMatchObject({ loaded: 2, rejected: 1 });
    const clean = await read(msfidm, linesFile([msfidmLine(1), msfidmLine(2)]), { fileFatalFields: ['detail.stateCode'] });
    expect(clean.result).toMatchObject({ loaded: 2, rejected: 0, recordCounts: { detail: 2 } });
  });
});

describe('readLines', () => {
  async function collect(content: string, maxLineBytes = 10, highWaterMark?: number): Promise<FileLine[]> {
    const out: FileLine[] = [];
    for await (const line of readLines(writeFile(content), { maxLineBytes, ...(highWaterMark ? { highWaterMark } : {}) })) out.push(line);
    return out;
  }

  it('splits LF and CRLF, keeps empty lines, accepts a missing final line end', async () => {
    expect(await collect('ab\ncd\r\n\nef')).toEqual([
      { line: 'ab', lineNo: 1, tooLong: false },
      { line: 'cd', lineNo: 2, tooLong: false },
      { line: '', lineNo: 3, tooLong: false },
      { line: 'ef', lineNo: 4, tooLong: false },
    ]);
    expect(await collect('')).toEqual([]);
    expect(await collect('ab\n')).toHaveLength(1);
  });

  it('decodes every byte as one character (latin1)', async () => {
    const file = path.join(tmp, 'bytes.txt');
    fs.writeFileSync(file, Buffer.from([0x41, 0xe9, 0x00, 0x42, 0x0a]));
    const out: FileLine[] = [];
    for await (const line of readLines(file, { maxLineBytes: 10 })) out.push(line);
    expect(out[0]!.line).toBe('A\u00e9\u0000B');
  });

  it('joins lines across chunk boundaries, CRLF split included', async () => {
    const content = ['0123456789', 'abcdefghij', 'KLMNOPQRST'].join('\r\n') + '\r\n';
    for (const highWaterMark of [1, 3, 11, 12, 13]) {
      expect((await collect(content, 10, highWaterMark)).map((l) => l.line)).toEqual(['0123456789', 'abcdefghij', 'KLMNOPQRST']);
    }
  });

  it('cuts an over-long line at maxLineBytes, flags it and resumes at the next line, whatever the chunking', async () => {
    const content = 'short\n' + 'x'.repeat(100) + '\nnext\n' + 'y'.repeat(30);
    for (const highWaterMark of [4, 7, 64, 1024]) {
      expect(await collect(content, 10, highWaterMark)).toEqual([
        { line: 'short', lineNo: 1, tooLong: false },
        { line: 'x'.repeat(10), lineNo: 2, tooLong: true },
        { line: 'next', lineNo: 3, tooLong: false },
        { line: 'y'.repeat(10), lineNo: 4, tooLong: true },
      ]);
    }
  });

  it('a line of exactly maxLineBytes plus CR is not too long', async () => {
    expect(await collect('0123456789\r\n0123456789\r', 10, 4)).toEqual([
      { line: '0123456789', lineNo: 1, tooLong: false },
      { line: '0123456789', lineNo: 2, tooLong: false },
    ]);
  });
});
