/**
 * The case-extract loader on small CSV sets written to temporary folders: one sound snapshot by
 * default, and one change per test for the problem it is about. Lines in expectations are
 * physical lines of the file (header = 1).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { caseExtractTableDdl, loadCaseExtract } from '../../src/inbound/caseExtract.ts';
import type { CaseExtractResult } from '../../src/inbound/caseExtract.ts';
import { csvLayout } from '../../src/layout/registry.ts';
import type { RejectRow } from '../../src/types.ts';

type Row = Record<string, string>;
type FileName = 'participants.csv' | 'cases.csv' | 'employers.csv' | 'children.csv' | 'licenses.csv';

const LAYOUT = csvLayout('case-extract');
const COLUMNS = Object.fromEntries(LAYOUT.files.map((f) => [f.name, f.columns.map((c) => c.name)])) as Record<FileName, string[]>;

function participant(id: string, over: Row = {}): Row {
  return {
    person_id: id,
    ssn: '123456789',
    last_name: 'GARCIA',
    first_name: 'MARIA',
    dob: '1980-01-31',
    city: 'LOS ANGELES',
    county_code: '037',
    household_size: '4',
    household_income_annual: '52000.00',
    supports_other_dependents: 'N',
    receives_ssi: 'N',
    receives_uib: 'N',
    receives_dib: 'N',
    ...over,
  };
}

function caseRow(id: string, obligor: string, over: Row = {}): Row {
  return {
    case_id: id,
    lcsa_code: '037',
    status: 'OPEN',
    case_type: 'NEVER_ASSISTANCE',
    obligor_person_id: obligor,
    obligee_person_id: 'P2',
    order_id: `ORD-${id}`,
    order_date: '2020-01-15',
    monthly_current_support: '500.00',
    monthly_arrears_payment: '100.00',
    medical_support_ordered: 'N',
    medical_coverage_on_file: 'N',
    arrears_family: '1234.56',
    arrears_state: '0.00',
    arrears_foster_care: '0.00',
    arrears_interest: '10.01',
    ab135_uncollectible: 'N',
    drp_status: 'NONE',
    passport_appeal_approved: 'N',
    license_release_request: 'NONE',
    employer_id: 'E1',
    ...over,
  };
}

const employer = (id: string, over: Row = {}): Row => ({ employer_id: id, fein: '941111111', name: 'ACME INC', ...over });
const child = (caseId: string, seq: string, over: Row = {}): Row => ({ case_id: caseId, child_seq: seq, last_name: 'GARCIA', first_name: 'ANA', ...over });
const license = (personId: string, board: string, over: Row = {}): Row => ({ person_id: personId, board_code: board, ...over });

/** RFC 4180 field: quoted when it holds a comma, quote, CR or LF. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function csv(file: FileName, rows: Row[], eol = '\n'): string {
  const columns = COLUMNS[file];
  const lines = [columns.join(','), ...rows.map((row) => columns.map((c) => csvField(row[c] ?? '')).join(','))];
  return lines.map((line) => line + eol).join('');
}

/** The default snapshot: P1 obligor and P2 obligee of C1 at employer E1, one child, a DMV license. */
function soundSet(): Record<FileName, Row[]> {
  return {
    'participants.csv': [participant('P1'), participant('P2', { ssn: '987654321', first_name: 'LUIS' })],
    'cases.csv': [caseRow('C1', 'P1')],
    'employers.csv': [employer('E1')],
    'children.csv': [child('C1', '1')],
    'licenses.csv': [license('P1', 'DMV', { license_class: 'NONCOMMERCIAL' })],
  };
}

let root: string;
let db: Database.Database;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'case-extract-'));
  db = new Database(':memory:');
});

afterEach(() => {
  db.close();
  fs.rmSync(root, { recursive: true, force: true });
});

/** Writes a snapshot to <root>/inbox/<date>/case-extract; `raw` replaces whole files byte for byte. */
function writeSet(date: string, rows: Partial<Record<FileName, Row[]>> = {}, raw: Partial<Record<FileName, string | Buffer>> = {}, eol = '\n'): string {
  const dir = path.join(root, 'inbox', date, 'case-extract');
  fs.mkdirSync(dir, { recursive: true });
  const set = { ...soundSet(), ...rows };
  for (const file of Object.keys(set) as FileName[]) fs.writeFileSync(path.join(dir, file), raw[file] ?? csv(file, set[file], eol));
  return dir;
}

async function load(date = '2026-11-20', rows: Partial<Record<FileName, Row[]>> = {}, raw: Partial<Record<FileName, string | Buffer>> = {}): Promise<CaseExtractResult> {
  return loadCaseExtract(db, writeSet(date, rows, raw));
}

const brief = (rejects: readonly RejectRow[]) => rejects.map((r) => [r.file, r.line, r.field, r.reason]);

function fileCounts(result: CaseExtractResult, file: FileName) {
  const found = result.files.find((f) => f.file === file);
  return found && { read: found.read, loaded: found.loaded, rejected: found.rejected };
}

function tableNames(): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[]);
}

/** A faithful picture of the snapshot: every row of every ce_* table plus the schema. */
function snapshotImage(): unknown {
  const tables = LAYOUT.files.map((f) => `ce_${f.name.replace('.csv', '')}`);
  return {
    schema: db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name LIKE 'ce\\_%' ESCAPE '\\' ORDER BY name").all(),
    rows: Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT * FROM "${t}" ORDER BY line`).all()])),
  };
}

describe('a sound snapshot', () => {
  it('loads every file into ce_* with stored values, lines, counts, hashes and indexes', async () => {
    const dir = writeSet('2026-11-20');
    const result = await loadCaseExtract(db, dir);

    expect(result.ok).toBe(true);
    expect(result.rejects).toEqual([]);
    expect(result.files.map((f) => [f.file, f.read, f.loaded, f.rejected])).toEqual([
      ['participants.csv', 2, 2, 0],
      ['cases.csv', 1, 1, 0],
      ['employers.csv', 1, 1, 0],
      ['children.csv', 1, 1, 0],
      ['licenses.csv', 1, 1, 0],
    ]);
    const bytes = fs.readFileSync(path.join(dir, 'cases.csv'));
    expect(result.files[1]).toMatchObject({ bytes: bytes.length, sha256: crypto.createHash('sha256').update(bytes).digest('hex') });

    expect(db.prepare('SELECT * FROM ce_participants WHERE person_id = ?').get('P1')).toMatchObject({
      ssn: '123456789',
      dob: '1980-01-31',
      middle_name: null, // empty = null
      household_size: 4, // integer → number
      household_income_annual: 5200000, // decimal → cents
      receives_ssi: 'N',
      line: 2,
    });
    expect(db.prepare('SELECT arrears_family, arrears_interest, last_payment_amount, line FROM ce_cases').get()).toEqual({
      arrears_family: 123456,
      arrears_interest: 1001,
      last_payment_amount: null,
      line: 2,
    });
    expect(db.prepare('SELECT child_seq FROM ce_children').pluck().get()).toBe(1);
    expect(tableNames().filter((t) => t.startsWith('ce_load_'))).toEqual([]);
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'ce%' ORDER BY name").pluck().all();
    expect(indexes).toEqual([
      'ce_cases_employer_id',
      'ce_cases_key',
      'ce_cases_obligee_person_id',
      'ce_cases_obligor_person_id',
      'ce_children_key',
      'ce_employers_key',
      'ce_licenses_key',
      'ce_participants_key',
      'ce_participants_ssn',
    ]);
  });

  it('creates the snapshot tables with the same DDL the loader uses', async () => {
    const fresh = new Database(':memory:');
    for (const ddl of caseExtractTableDdl()) fresh.exec(ddl);
    for (const ddl of caseExtractTableDdl()) fresh.exec(ddl); // idempotent
    await load();
    const columnsOf = (d: Database.Database, table: string) => d.prepare(`SELECT name, type, "notnull" FROM pragma_table_info('${table}')`).all();
    for (const file of LAYOUT.files) {
      const table = `ce_${file.name.replace('.csv', '')}`;
      expect(columnsOf(fresh, table)).toEqual(columnsOf(db, table));
      expect(columnsOf(fresh, table)).toHaveLength(file.columns.length + 1);
    }
    expect(columnsOf(fresh, 'ce_cases')).toContainEqual({ name: 'arrears_state', type: 'INTEGER', notnull: 0 });
    expect(columnsOf(fresh, 'ce_cases')).toContainEqual({ name: 'line', type: 'INTEGER', notnull: 1 });
    fresh.close();
  });

  it('reads CRLF line ends', async () => {
    const dir = writeSet('2026-11-20', {}, {}, '\r\n');
    const result = await loadCaseExtract(db, dir);
    expect(result.ok).toBe(true);
    expect(db.prepare("SELECT license_class FROM ce_licenses").pluck().get()).toBe('NONCOMMERCIAL');
    expect(db.prepare("SELECT receives_dib FROM ce_participants WHERE person_id = 'P2'").pluck().get()).toBe('N');
  });

  it('stores an SSN that is not 9 digits as NULL without rejecting the row', async () => {
    const result = await load('2026-11-20', {
      'participants.csv': [participant('P1', { ssn: '12345' }), participant('P2', { ssn: '123-45-6789' }), participant('P3', { ssn: '' })],
    });
    expect(result.ok).toBe(true);
    expect(db.prepare('SELECT person_id, ssn FROM ce_participants ORDER BY line').all()).toEqual([
      { person_id: 'P1', ssn: null },
      { person_id: 'P2', ssn: null },
      { person_id: 'P3', ssn: null },
    ]);
  });
});

describe('quoting and physical lines', () => {
  it('keeps commas, doubled quotes and line breaks inside quoted fields, and numbers rows by their first line', async () => {
    const rows = [
      participant('P1', { address_line1: '12 MAIN ST, APT "B"\nREAR UNIT' }),
      participant('P2', { address_line1: 'PO BOX 7\r\nSUITE 2\r\nFLOOR 3' }), // CRLF inside quotes: csv-parse's own counter says 2 lines each
      participant('P3', { dob: '2026-02-30' }),
    ];
    const result = await load('2026-11-20', { 'participants.csv': rows });
    expect(brief(result.rejects)).toEqual([['participants.csv', 7, 'dob', 'BAD_DATE']]);

    const clean = await load('2026-11-21', { 'participants.csv': rows.slice(0, 2) });
    expect(clean.ok).toBe(true);
    expect(db.prepare('SELECT address_line1, line FROM ce_participants ORDER BY line').all()).toEqual([
      { address_line1: '12 MAIN ST, APT "B"\nREAR UNIT', line: 2 },
      { address_line1: 'PO BOX 7\r\nSUITE 2\r\nFLOOR 3', line: 4 },
    ]);
  });

  it('rejects a wrong field count, a stray quote and a blank line as BAD_CSV', async () => {
    const good = csv('participants.csv', [participant('P1'), participant('P2')]);
    const [header, p1, p2] = good.trimEnd().split('\n');
    const content = [header, p1, p1!.split(',').slice(0, -1).join(','), `X"Y${p1!.slice(2)}`, '', p2].join('\n') + '\n';
    const result = await load('2026-11-20', {}, { 'participants.csv': content });
    expect(brief(result.rejects)).toEqual([
      ['participants.csv', 3, '', 'BAD_CSV'],
      ['participants.csv', 4, '', 'BAD_CSV'],
      ['participants.csv', 5, '', 'BAD_CSV'],
    ]);
    expect(result.rejects[0]?.message).toBe('participants.csv line 3: 23 fields, expected 24; record not read');
    expect(result.rejects[2]?.message).toContain('blank line');
    expect(fileCounts(result, 'participants.csv')).toEqual({ read: 5, loaded: 2, rejected: 3 });
  });

  it('reports an unclosed quote and the lines it swallowed', async () => {
    const rows = csv('participants.csv', [participant('P1'), participant('P2'), participant('P3')]).trimEnd().split('\n');
    const content = [rows[0], rows[1], rows[2], `"P9${rows[3]!.slice(2)}`, rows[3], rows[3]].join('\n') + '\n';
    const result = await load('2026-11-20', {}, { 'participants.csv': content });
    expect(result.ok).toBe(false);
    expect(brief(result.rejects)).toEqual([
      ['participants.csv', 4, '', 'BAD_CSV'],
      ['participants.csv', 5, '', 'BAD_CSV'],
    ]);
    expect(result.rejects[0]?.message).toBe('participants.csv line 4: a quoted field is never closed; record not read');
    expect(result.rejects[1]?.message).toContain('lines 5-6 not read');
    expect(fileCounts(result, 'participants.csv')).toEqual({ read: 4, loaded: 2, rejected: 2 });
  });

  it('rejects invalid UTF-8 on its line and keeps the other lines', async () => {
    const text = csv('participants.csv', [participant('P1'), participant('P2', { last_name: 'NU@EZ' }), participant('P3', { last_name: 'NUÑEZ' })]);
    const bytes = Buffer.from(text, 'utf8');
    bytes[bytes.indexOf('@')] = 0xd1; // Latin-1 Ñ: not UTF-8
    const result = await load('2026-11-20', {}, { 'participants.csv': bytes });
    expect(brief(result.rejects)).toEqual([['participants.csv', 3, '', 'BAD_CSV']]);
    expect(result.rejects[0]?.message).toContain('invalid UTF-8');
    expect(fileCounts(result, 'participants.csv')).toEqual({ read: 3, loaded: 2, rejected: 1 });
  });
});

describe('large files', () => {
  /** The reader takes the file in 1 MiB chunks (csvSchema READ_CHUNK_BYTES). */
  const CHUNK = 1 << 20;

  it('reads a multi-byte character cut by a read chunk, numbers lines across chunks and insert batches', async () => {
    const name = 'ÑÚÑEZ漢字😀'.repeat(12); // 2-, 3- and 4-byte UTF-8 sequences
    const rows = Array.from({ length: 12_000 }, (_, i) => participant(`P${i + 1}`, { last_name: name }));
    rows.push(participant('P12001', { last_name: name, dob: '2026-02-29' }));
    // Pad the first row so that an emoji (F0 9F 98 80) straddles the first chunk boundary.
    const unpadded = Buffer.from(csv('participants.csv', rows));
    const emojiStart = unpadded.lastIndexOf(0xf0, CHUNK - 1);
    rows[0] = participant('P1', { last_name: name, address_line1: 'X'.repeat(CHUNK - 1 - emojiStart) });
    const content = Buffer.from(csv('participants.csv', rows));
    expect(content.subarray(CHUNK - 1, CHUNK + 3)).toEqual(Buffer.from('😀'));

    const result = await load('2026-11-20', {}, { 'participants.csv': content });
    expect(brief(result.rejects)).toEqual([['participants.csv', 12_002, 'dob', 'BAD_DATE']]);
    expect(fileCounts(result, 'participants.csv')).toEqual({ read: 12_001, loaded: 12_000, rejected: 1 });

    const clean = await load('2026-11-21', { 'participants.csv': rows.slice(0, -1) });
    expect(clean.ok).toBe(true);
    expect(db.prepare('SELECT count(*) AS n, max(line) AS last, min(last_name = ?) AS same FROM ce_participants').get(name)).toEqual({ n: 12_000, last: 12_001, same: 1 });
  });

  // Regression: the reject lists once went through push(...rows), which overflows the call stack
  // beyond ~120,000 elements.
  it('reports a file sent twice (150,000 duplicate keys) without running out of stack', async () => {
    const rows = Array.from({ length: 150_001 }, () => child('C1', '1'));
    const result = await load('2026-11-20', { 'children.csv': rows });
    expect(result.rejects).toHaveLength(150_000);
    expect(result.rejects[149_999]).toMatchObject({ file: 'children.csv', line: 150_002, reason: 'DUPLICATE_KEY' });
  });

  it('reports a Latin-1 field of 300,000 accented letters once, on its line', async () => {
    const head = Buffer.from(csv('employers.csv', [employer('E1')]));
    const latin1 = Buffer.concat([Buffer.from('E2,,'), Buffer.alloc(300_000, 0xd1), Buffer.from(',,,,,,,,\n')]);
    const result = await load('2026-11-20', {}, { 'employers.csv': Buffer.concat([head, latin1]) });
    expect(brief(result.rejects)).toEqual([['employers.csv', 3, '', 'BAD_CSV']]);
  });
});

describe('header and file structure', () => {
  it('rejects a reordered header and the whole file with it', async () => {
    const content = csv('employers.csv', [employer('E1'), employer('E2')]).replace('employer_id,fein,name', 'employer_id,name,fein');
    const result = await load('2026-11-20', {}, { 'employers.csv': content });
    expect(result.ok).toBe(false);
    expect(brief(result.rejects)).toEqual([
      ['employers.csv', 1, '', 'STRUCTURE'],
      ['employers.csv', 2, '', 'FILE_REJECTED'],
      ['employers.csv', 3, '', 'FILE_REJECTED'],
    ]);
    expect(result.rejects[0]?.message).toContain('header column 2 is');
    expect(result.rejects[0]?.message).toContain('expected fein');
    expect(fileCounts(result, 'employers.csv')).toEqual({ read: 2, loaded: 0, rejected: 2 });
  });

  it('rejects a header with a missing column, an extra column or a BOM', async () => {
    const base = csv('licenses.csv', [license('P1', 'DMV')]);
    for (const [content, expected] of [
      [base.replace(',license_class', ''), 'license_class missing'],
      [base.replace('license_class', 'license_class,note'), 'extra column 5'],
      ['\uFEFF' + base, 'byte order mark'],
    ] as const) {
      const result = await load('2026-11-20', {}, { 'licenses.csv': content });
      expect(result.rejects[0]).toMatchObject({ file: 'licenses.csv', line: 1, reason: 'STRUCTURE' });
      expect(result.rejects[0]?.message).toContain(expected);
    }
  });

  it('masks a data row sent in place of the header', async () => {
    const content = csv('participants.csv', [participant('P1')]).split('\n').slice(1).join('\n');
    const result = await load('2026-11-20', {}, { 'participants.csv': content });
    expect(result.rejects[0]).toMatchObject({ line: 1, reason: 'STRUCTURE', valueMasked: 'P1' }); // maskValue keeps values of 4 characters or fewer
    expect(result.rejects.map((r) => r.message).join('\n')).not.toContain('123456789');
  });

  it('rejects an empty file', async () => {
    const result = await load('2026-11-20', {}, { 'children.csv': '' });
    expect(brief(result.rejects)).toEqual([['children.csv', 1, '', 'STRUCTURE']]);
    expect(fileCounts(result, 'children.csv')).toEqual({ read: 0, loaded: 0, rejected: 0 });
  });

  it('fails on a missing file with a line-0 STRUCTURE row naming it, still checking the others', async () => {
    const dir = writeSet('2026-11-20', { 'participants.csv': [participant('P1', { dob: '2026-02-30' }), participant('P2')] });
    fs.rmSync(path.join(dir, 'children.csv'));
    const result = await loadCaseExtract(db, dir);
    expect(result.ok).toBe(false);
    expect(brief(result.rejects)).toEqual([
      ['children.csv', 0, '', 'STRUCTURE'],
      ['participants.csv', 2, 'dob', 'BAD_DATE'],
    ]);
    expect(result.files.map((f) => f.file)).toEqual(['participants.csv', 'cases.csv', 'employers.csv', 'licenses.csv']);
  });

  it('fails on a missing folder with one row per file', async () => {
    const result = await loadCaseExtract(db, path.join(root, 'inbox', '2026-11-20', 'case-extract'));
    expect(result.ok).toBe(false);
    expect(result.files).toEqual([]);
    expect(brief(result.rejects)).toEqual(
      ['cases.csv', 'children.csv', 'employers.csv', 'licenses.csv', 'participants.csv'].map((f) => [f, 0, '', 'STRUCTURE']),
    );
  });

  it('refuses a folder in place of a file', async () => {
    const dir = writeSet('2026-11-20');
    fs.rmSync(path.join(dir, 'licenses.csv'));
    fs.mkdirSync(path.join(dir, 'licenses.csv'));
    const result = await loadCaseExtract(db, dir);
    expect(brief(result.rejects)).toEqual([['licenses.csv', 0, '', 'STRUCTURE']]);
    expect(result.rejects[0]?.message).toContain('not a regular file');
  });
});

describe('declared types', () => {
  it('rejects an impossible date with file, line, column and the masked value', async () => {
    const result = await load('2026-11-20', { 'participants.csv': [participant('P1'), participant('P2', { dob: '2026-02-30' })] });
    expect(result.ok).toBe(false);
    expect(result.rejects).toEqual([
      {
        file: 'participants.csv',
        line: 3,
        recordType: 'participants.csv',
        field: 'dob',
        start: 7,
        end: 7,
        valueMasked: '******2-30',
        reason: 'BAD_DATE',
        message: "participants.csv line 3, column dob: not a real calendar date (YYYY-MM-DD); value '******2-30'",
      },
    ]);
  });

  it('rejects amounts that are not dollars with two decimals', async () => {
    const result = await load('2026-11-20', {
      'cases.csv': [
        caseRow('C1', 'P1', { arrears_family: '12.5' }),
        caseRow('C2', 'P1', { arrears_state: '-1.00' }),
        caseRow('C3', 'P1', { monthly_current_support: '1,000.00' }),
      ],
    });
    expect(brief(result.rejects)).toEqual([
      ['cases.csv', 2, 'arrears_family', 'BAD_NUMBER'],
      ['cases.csv', 3, 'arrears_state', 'BAD_NUMBER'],
      ['cases.csv', 4, 'monthly_current_support', 'BAD_NUMBER'],
    ]);
    expect(result.rejects[2]?.valueMasked).toBe('****0.00');
  });

  it('rejects a value outside an enum and a required column left empty', async () => {
    const result = await load('2026-11-20', {
      'participants.csv': [participant('P1', { last_name: '' }), participant('P2')],
      'cases.csv': [caseRow('C1', 'P1', { status: 'open' })],
    });
    expect(brief(result.rejects)).toEqual([
      ['cases.csv', 2, 'status', 'BAD_CODE'],
      ['participants.csv', 2, 'last_name', 'MISSING_REQUIRED'],
    ]);
  });

  it('counts a row with several issues once, with one reject row per issue', async () => {
    const result = await load('2026-11-20', { 'participants.csv': [participant('P1', { dob: '1980-13-01', receives_ssi: 'X', household_size: 'four' }), participant('P2')] });
    expect(brief(result.rejects)).toEqual([
      ['participants.csv', 2, 'dob', 'BAD_DATE'],
      ['participants.csv', 2, 'household_size', 'BAD_NUMBER'],
      ['participants.csv', 2, 'receives_ssi', 'BAD_CODE'],
    ]);
    expect(fileCounts(result, 'participants.csv')).toEqual({ read: 2, loaded: 1, rejected: 1 });
  });
});

describe('keys and references', () => {
  it('rejects every later line of a duplicate key, single and composite', async () => {
    const result = await load('2026-11-20', {
      'participants.csv': [participant('P1'), participant('P2'), participant('P1', { first_name: 'OTHER' }), participant('P1')],
      'children.csv': [child('C1', '1'), child('C1', '2'), child('C1', '01')], // 01 and 1 are the same integer
      'licenses.csv': [license('P1', 'DMV'), license('P1', 'CSLB'), license('P2', 'DMV')],
    });
    expect(brief(result.rejects)).toEqual([
      ['children.csv', 4, 'case_id+child_seq', 'DUPLICATE_KEY'],
      ['participants.csv', 4, 'person_id', 'DUPLICATE_KEY'],
      ['participants.csv', 5, 'person_id', 'DUPLICATE_KEY'],
    ]);
    expect(result.rejects[1]?.message).toBe("participants.csv line 4, key person_id: 'P1' already on line 2");
    expect(result.rejects[0]).toMatchObject({ start: null, end: null, valueMasked: 'C1,1' });
  });

  it('rejects a dangling reference of each kind on the referring line', async () => {
    const result = await load('2026-11-20', {
      'cases.csv': [
        caseRow('C1', 'P1'),
        caseRow('C2', 'P404'), // obligor
        caseRow('C3', 'P1', { obligee_person_id: 'P405' }),
        caseRow('C4', 'P1', { employer_id: 'E404' }),
        caseRow('C5', 'P1', { obligee_person_id: '', employer_id: '' }), // empty references are fine
      ],
      'children.csv': [child('C1', '1'), child('C404', '1')],
      'licenses.csv': [license('P1', 'DMV'), license('P406', 'DMV')],
    });
    expect(brief(result.rejects)).toEqual([
      ['cases.csv', 3, 'obligor_person_id', 'DANGLING_REFERENCE'],
      ['cases.csv', 4, 'obligee_person_id', 'DANGLING_REFERENCE'],
      ['cases.csv', 5, 'employer_id', 'DANGLING_REFERENCE'],
      ['children.csv', 3, 'case_id', 'DANGLING_REFERENCE'],
      ['licenses.csv', 3, 'person_id', 'DANGLING_REFERENCE'],
    ]);
    expect(result.rejects[0]).toMatchObject({ start: 6, end: 6, valueMasked: 'P404' });
    expect(result.rejects[0]?.message).toBe("cases.csv line 3, column obligor_person_id: 'P404' is not a person_id of participants.csv");
    expect(fileCounts(result, 'cases.csv')).toEqual({ read: 5, loaded: 2, rejected: 3 });
  });

  it('does not make references to a row rejected for its values dangle', async () => {
    const result = await load('2026-11-20', { 'participants.csv': [participant('P1', { dob: 'unknown' }), participant('P2')] });
    expect(brief(result.rejects)).toEqual([['participants.csv', 2, 'dob', 'BAD_DATE']]);
  });

  it('does not check references into a file that was rejected whole', async () => {
    const content = csv('participants.csv', [participant('P1'), participant('P2')]).replace('ssn,', 'SSN,');
    const result = await load('2026-11-20', {}, { 'participants.csv': content });
    expect(result.rejects.map((r) => r.reason)).toEqual(['STRUCTURE', 'FILE_REJECTED', 'FILE_REJECTED']);
  });

  it('rejects a license board outside the reference list when the list is given', async () => {
    const dir = writeSet('2026-11-20', { 'licenses.csv': [license('P1', 'DMV'), license('P1', 'ZZZ')] });
    const result = await loadCaseExtract(db, dir, { licensingBoards: ['DMV', 'CSLB'] });
    expect(brief(result.rejects)).toEqual([['licenses.csv', 3, 'board_code', 'BAD_CODE']]);
    expect((await loadCaseExtract(db, dir)).ok).toBe(true);
  });
});

describe('all or nothing', () => {
  it('keeps the previous snapshot exactly when the next one is rejected', async () => {
    expect((await load('2026-11-19')).ok).toBe(true);
    const before = snapshotImage();

    const rejected = await load('2026-11-20', {
      'participants.csv': [participant('P1', { last_name: 'NEWNAME' }), participant('P2'), participant('P3')],
      'cases.csv': [caseRow('C1', 'P1', { arrears_family: '99.9' }), caseRow('C2', 'P3')],
    });
    expect(rejected.ok).toBe(false);
    // What would have loaded is still reported; nothing was promoted.
    expect(fileCounts(rejected, 'participants.csv')).toEqual({ read: 3, loaded: 3, rejected: 0 });
    expect(fileCounts(rejected, 'cases.csv')).toEqual({ read: 2, loaded: 1, rejected: 1 });
    expect(snapshotImage()).toEqual(before);
    expect(tableNames().filter((t) => t.startsWith('ce_load_'))).toEqual([]);
  });

  it('keeps every snapshot index under its own name across a clean reload, a rejected one and a duplicate key (issue 10)', async () => {
    const indexes = () => db.prepare("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND name LIKE 'ce%' ORDER BY name").all();
    expect((await load('2026-11-19')).ok).toBe(true);
    const first = indexes();
    expect((await load('2026-11-20', { 'participants.csv': [participant('P1', { last_name: 'NEWNAME' }), participant('P2'), participant('P3')] })).ok).toBe(true);
    expect(indexes()).toEqual(first);
    // rejected on a bad value, then on a duplicate key (the check's non-unique index): the key indexes dropped for the check are back
    expect((await load('2026-11-21', { 'cases.csv': [caseRow('C1', 'P1', { arrears_family: '99.9' })] })).ok).toBe(false);
    expect(indexes()).toEqual(first);
    expect((await load('2026-11-22', { 'participants.csv': [participant('P1'), participant('P1'), participant('P2'), participant('P3')] })).ok).toBe(false);
    expect(indexes()).toEqual(first);
    expect(() => db.exec(`INSERT INTO ce_participants (person_id, line) VALUES ('P1', 99)`)).toThrow(/UNIQUE/);
  });

  it('replaces the previous snapshot when the next one is clean', async () => {
    await load('2026-11-19');
    const next = await load('2026-11-20', { 'participants.csv': [participant('P1', { last_name: 'NEWNAME' }), participant('P2'), participant('P3')] });
    expect(next.ok).toBe(true);
    expect(db.prepare('SELECT person_id, last_name FROM ce_participants ORDER BY line').all()).toEqual([
      { person_id: 'P1', last_name: 'NEWNAME' },
      { person_id: 'P2', last_name: 'GARCIA' },
      { person_id: 'P3', last_name: 'GARCIA' },
    ]);
  });

  it('promotes through a view that reads the snapshot, and clears leftovers of a crashed load', async () => {
    await load('2026-11-19');
    db.exec('CREATE VIEW obligors AS SELECT p.person_id FROM ce_participants p JOIN ce_cases c ON c.obligor_person_id = p.person_id');
    db.exec('CREATE TABLE ce_load_cases (junk TEXT)'); // a run killed mid-load
    const next = await load('2026-11-20', { 'cases.csv': [caseRow('C1', 'P1'), caseRow('C2', 'P2')] });
    expect(next.ok).toBe(true);
    expect(db.prepare('SELECT count(*) FROM obligors').pluck().get()).toBe(2);
    expect(db.pragma('legacy_alter_table', { simple: true })).toBe(0);
  });
});
