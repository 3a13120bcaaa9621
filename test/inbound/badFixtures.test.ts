/**
 * One fixture file per reader failure mode (fixtures/bad/, see its README): the exact reject rows
 * and what still loads. The nightly runner and `csebatch validate` share these readers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { validateFile } from '../../src/validate.ts';
import { loadCaseExtract } from '../../src/inbound/caseExtract.ts';
import { migrate } from '../../src/store/db.ts';
import { FIXTURES } from '../helpers/cli.ts';

type Row = [line: number, recordType: string, field: string, reason: string, valueMasked?: string];

function shape(rows: Array<{ line: number; recordType: string; field: string; reason: string }>) {
  return rows.map((r) => [r.line, r.recordType, r.field, r.reason]);
}

const FIXED: Record<string, Record<string, { rows: Row[]; lines: number; rejected: number }>> = {
  fidm: {
    'short-line.txt': { rows: [[3, 'bRecord', '', 'LINE_LENGTH']], lines: 4, rejected: 1 },
    'long-line.txt': { rows: [[3, 'bRecord', '', 'LINE_LENGTH']], lines: 4, rejected: 1 },
    'non-numeric-balance.txt': { rows: [[3, 'bRecord', 'accountBalance', 'BAD_NUMBER', '***2X45']], lines: 4, rejected: 1 },
    'missing-trailer.txt': {
      rows: [
        [1, 'aRecord', '', 'STRUCTURE'],
        [2, 'bRecord', '', 'FILE_REJECTED'],
        [3, 'bRecord', '', 'FILE_REJECTED'],
      ],
      lines: 3,
      rejected: 3,
    },
    'wrong-trailer-count.txt': {
      rows: [
        [1, 'aRecord', '', 'FILE_REJECTED'],
        [2, 'bRecord', '', 'FILE_REJECTED'],
        [3, 'bRecord', '', 'FILE_REJECTED'],
        [4, 'tRecord', 'bRecordCount', 'CONTROL_MISMATCH', '000000003'],
      ],
      lines: 4,
      rejected: 4,
    },
    'unknown-record-type.txt': { rows: [[3, '', '', 'UNKNOWN_RECORD']], lines: 5, rejected: 1 },
    'bad-date.txt': { rows: [[3, 'bRecord', 'dateOfBirth', 'BAD_DATE', '****0231']], lines: 4, rejected: 1 },
    'crlf-valid.txt': { rows: [], lines: 7, rejected: 0 },
    'empty-line.txt': { rows: [[3, '', '', 'LINE_LENGTH']], lines: 5, rejected: 1 },
    'non-ascii.txt': { rows: [[3, 'bRecord', 'matchedPayeeName', 'NON_ASCII']], lines: 4, rejected: 1 },
    'bad-block-among-good.txt': {
      rows: [
        [4, 'aRecord', '', 'FILE_REJECTED'],
        [5, 'bRecord', '', 'FILE_REJECTED'],
        [6, 'bRecord', '', 'FILE_REJECTED'],
        [7, 'tRecord', 'bRecordCount', 'CONTROL_MISMATCH', '000000001'],
      ],
      lines: 10,
      rejected: 4,
    },
  },
  msfidm: {
    'misrouted-state-code.txt': {
      rows: [
        [1, 'detail', '', 'FILE_REJECTED'],
        [2, 'detail', 'stateCode', 'BAD_CODE', '04'],
      ],
      lines: 2,
      rejected: 2,
    },
    'bad-overpunch.txt': { rows: [[2, 'detail', 'accountBalance', 'BAD_OVERPUNCH', '***100S']], lines: 2, rejected: 1 },
    'short-line.txt': { rows: [[2, 'detail', '', 'LINE_LENGTH']], lines: 2, rejected: 1 },
  },
};

describe.each(Object.entries(FIXED))('bad %s files', (layout, files) => {
  it.each(Object.entries(files))('%s', async (file, expected) => {
    const report = await validateFile(path.join(FIXTURES, 'bad', layout, file), layout);
    expect(shape(report.errors)).toEqual(expected.rows.map((r) => r.slice(0, 4)));
    for (const [i, r] of expected.rows.entries()) if (r[4] !== undefined) expect(report.errors[i]!.valueMasked).toBe(r[4]);
    expect({ lines: report.lines, rejected: report.rejectedLines, valid: report.valid }).toEqual({
      lines: expected.lines,
      rejected: expected.rejected,
      valid: expected.rows.length === 0,
    });
  });
});

const CASE_EXTRACT: Record<string, Row[]> = {
  'bad-date': [[2, 'cases.csv', 'oldest_unpaid_due_date', 'BAD_DATE', '******2-30']],
  'bad-decimal': [[3, 'cases.csv', 'arrears_family', 'BAD_NUMBER', '**50.5']],
  'bad-enum': [[2, 'cases.csv', 'status', 'BAD_CODE', '**TIVE']],
  'missing-required': [[3, 'participants.csv', 'first_name', 'MISSING_REQUIRED', '']],
  'duplicate-key': [[5, 'participants.csv', 'person_id', 'DUPLICATE_KEY', '***0030']],
  'dangling-obligor': [[3, 'cases.csv', 'obligor_person_id', 'DANGLING_REFERENCE', '***0099']],
  'missing-file': [[0, 'licenses.csv', '', 'STRUCTURE']],
  'wrong-header': [
    [1, 'children.csv', '', 'STRUCTURE'],
    [2, 'children.csv', '', 'FILE_REJECTED'],
    [3, 'children.csv', '', 'FILE_REJECTED'],
  ],
};

describe('bad case-extract snapshots: rejected whole, the previous snapshot kept', () => {
  it.each(Object.entries(CASE_EXTRACT))('%s', async (folder, expected) => {
    const db = new Database(':memory:');
    migrate(db);
    const good = await loadCaseExtract(db, path.join(FIXTURES, 'inbox', '2026-11-20', 'case-extract'));
    expect(good.ok).toBe(true);
    const before = db.prepare('SELECT count(*) AS n FROM ce_participants').get();
    const result = await loadCaseExtract(db, path.join(FIXTURES, 'bad', 'case-extract', folder));
    expect(result.ok).toBe(false);
    const got = result.rejects.map((r) => [r.line, r.recordType || r.file, r.field, r.reason]);
    expect(got).toEqual(expected.map((r) => r.slice(0, 4)));
    for (const [i, r] of expected.entries()) if (r[4]) expect(result.rejects[i]!.valueMasked).toBe(r[4]);
    expect(db.prepare('SELECT count(*) AS n FROM ce_participants').get()).toEqual(before);
    expect(fs.existsSync(path.join(FIXTURES, 'bad', 'case-extract', folder))).toBe(true);
    db.close();
  });
});
