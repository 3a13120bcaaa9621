/**
 * The case extract (DOMAIN 3, icd case-extract.md): five CSV files that together are a FULL
 * snapshot of the case system, loaded all-or-nothing into the `ce_*` tables.
 *
 *   each file: stream (csv-parse) → check (compiled row checker) → fresh `ce_load_<name>` table,
 *              inserted in chunked transactions
 *   then:      key uniqueness and references, in set-based SQL over the load tables
 *   clean:     ONE transaction drops the old `ce_*` tables and renames the load tables in
 *   rejected:  the load tables are dropped; the previous `ce_*` snapshot stays exactly as it was
 *
 * A partial snapshot would read as closed cases and send terminations, releases and deletes, so
 * a single reject anywhere keeps the previous snapshot (DOMAIN 3).
 */
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { csvLayout } from '../layout/registry.ts';
import type { CsvFileDef } from '../layout/schema.ts';
import { columnReject, compileCsvRowChecker, duplicateKeyReject, readCsvFile, sqliteColumnType } from '../layout/csvSchema.ts';
import type { StoredValue } from '../layout/csvSchema.ts';
import { maskValue } from '../types.ts';
import type { RejectRow } from '../types.ts';
import { progress } from '../io/progress.ts';
import { isRegularFileInside } from '../io/inboxFile.ts';
import { ChunkedTransaction } from '../store/chunkedTransaction.ts';

export interface CaseExtractFileResult {
  /** 'participants.csv' */
  file: string;
  bytes: number;
  sha256: string;
  /** data rows (header excluded); read = loaded + rejected */
  read: number;
  loaded: number;
  rejected: number;
}

export interface CaseExtractResult {
  ok: boolean;
  /** the files that were present and read, in layout order (a missing file has only its reject row) */
  files: CaseExtractFileResult[];
  /** file = 'participants.csv' etc., sorted by file then line */
  rejects: RejectRow[];
}

export interface LoadCaseExtractOptions {
  /**
   * Board codes of the licensing-board reference list (DOMAIN 6.5: "a row with an unknown board
   * is rejected"). The list is configuration (`reference.licensingBoards`), so the caller passes
   * it; without it board codes are not checked.
   */
  licensingBoards?: readonly string[];
}

/** A column of one file naming the key of another (icd case-extract notes; the layout JSON has no place for them). */
export interface CaseExtractReference {
  from: string;
  column: string;
  to: string;
  key: string;
}

export const CASE_EXTRACT_REFERENCES: readonly CaseExtractReference[] = [
  { from: 'cases.csv', column: 'obligor_person_id', to: 'participants.csv', key: 'person_id' },
  { from: 'cases.csv', column: 'obligee_person_id', to: 'participants.csv', key: 'person_id' },
  { from: 'cases.csv', column: 'employer_id', to: 'employers.csv', key: 'employer_id' },
  { from: 'children.csv', column: 'case_id', to: 'cases.csv', key: 'case_id' },
  { from: 'licenses.csv', column: 'person_id', to: 'participants.csv', key: 'person_id' },
];

const LAYOUT_ID = 'case-extract';
/** Rows per insert transaction: large enough to amortise the commit, small enough to keep memory flat. */
const INSERT_CHUNK_ROWS = 10_000;
/** Matches are joined to participants by SSN every night (DOMAIN 3). */
const SEARCH_INDEXES: ReadonlyArray<{ file: string; column: string }> = [{ file: 'participants.csv', column: 'ssn' }];
const SSN_COLUMN = 'ssn';
const SSN_PATTERN = /^\d{9}$/;
const LICENSES_FILE = 'licenses.csv';
const BOARD_COLUMN = 'board_code';
const IDENTIFIER = /^[a-z][a-z0-9_]*$/;

// ---------------------------------------------------------------------------------------------
// Tables

interface IndexSpec {
  /** index name = `<table>_<suffix>` */
  suffix: string;
  columns: readonly string[];
  unique: boolean;
}

/** `participants.csv` → `participants`; the layout names become SQL identifiers, so they are checked. */
function baseName(file: CsvFileDef): string {
  const name = file.name.replace(/\.csv$/, '');
  if (!IDENTIFIER.test(name)) throw new Error(`case-extract layout: file name ${file.name} cannot name a table`);
  return name;
}

const snapshotTable = (file: CsvFileDef): string => `ce_${baseName(file)}`;
const loadTable = (file: CsvFileDef): string => `ce_load_${baseName(file)}`;

function createTableSql(table: string, file: CsvFileDef, ifNotExists: boolean): string {
  const columns = file.columns.map((column) => {
    if (!IDENTIFIER.test(column.name) || column.name === 'line') throw new Error(`case-extract layout: ${file.name} column ${column.name} cannot name a table column`);
    return `  "${column.name}" ${sqliteColumnType(column)}`;
  });
  // `line`: the physical line of the row in its file, so every decision can cite its source.
  columns.push('  "line" INTEGER NOT NULL');
  return `CREATE TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}"${table}" (\n${columns.join(',\n')}\n)`;
}

/** The unique key, every referring column the key does not already lead with, and the search columns. */
function indexSpecs(file: CsvFileDef): IndexSpec[] {
  const specs: IndexSpec[] = [{ suffix: 'key', columns: file.key, unique: true }];
  const single = (column: string): void => {
    if (column !== file.key[0] && !specs.some((s) => s.columns.length === 1 && s.columns[0] === column)) {
      specs.push({ suffix: column, columns: [column], unique: false });
    }
  };
  for (const ref of CASE_EXTRACT_REFERENCES) if (ref.from === file.name) single(ref.column);
  for (const search of SEARCH_INDEXES) if (search.file === file.name) single(search.column);
  return specs;
}

function createIndexSql(table: string, spec: IndexSpec, ifNotExists: boolean, name = `${table}_${spec.suffix}`): string {
  const columns = spec.columns.map((c) => `"${c}"`).join(', ');
  return `CREATE ${spec.unique ? 'UNIQUE ' : ''}INDEX ${ifNotExists ? 'IF NOT EXISTS ' : ''}"${name}" ON "${table}" (${columns})`;
}

/**
 * The snapshot's unique key index, `ce_<name>_key`. The load table's key index (the duplicate
 * check, and what the reference checks probe) is built under this very name, so that after the
 * rename it IS the snapshot's index: building it twice (once to check, once under its own name
 * after the rename, index names cannot be renamed) cost about 3 s of a 1M-case load (issue 10).
 * The name is freed by dropping the previous snapshot's key index just before; when the new
 * snapshot is rejected (or the load fails) that index is rebuilt, so the previous snapshot keeps
 * every index it had.
 */
const keyIndexName = (file: CsvFileDef): string => `${snapshotTable(file)}_key`;
const keySpec = (file: CsvFileDef): IndexSpec => ({ suffix: 'key', columns: file.key, unique: true });

function tableExists(db: Database.Database, table: string): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table) !== undefined;
}

/** The previous snapshot's key indexes, rebuilt where a rejected or failed load dropped them. */
function restoreSnapshotKeyIndexes(db: Database.Database, files: readonly CsvFileDef[]): void {
  for (const file of files) {
    const table = snapshotTable(file);
    if (tableExists(db, table)) db.exec(createIndexSql(table, keySpec(file), true, keyIndexName(file)));
  }
}

/**
 * CREATE TABLE (and index) statements of the `ce_*` snapshot tables, generated from the layout:
 * one column per CSV column with the same name (decimal and integer → INTEGER, else TEXT) plus
 * `line`. Idempotent (IF NOT EXISTS), for databases that have not loaded a snapshot yet.
 */
export function caseExtractTableDdl(): string[] {
  return csvLayout(LAYOUT_ID).files.flatMap((file) => {
    const table = snapshotTable(file);
    return [createTableSql(table, file, true), ...indexSpecs(file).map((spec) => createIndexSql(table, spec, true))];
  });
}

// ---------------------------------------------------------------------------------------------
// Loading

interface FileRead {
  file: CsvFileDef;
  bytes: number;
  sha256: string;
  records: number;
  headerAccepted: boolean;
}

/**
 * Loads the five files of `dir` (`<inbox>/<date>/case-extract`). Every problem of every file is
 * reported (not just the first), so one round trip with the case system fixes them all.
 */
export async function loadCaseExtract(db: Database.Database, dir: string, options: LoadCaseExtractOptions = {}): Promise<CaseExtractResult> {
  const files = csvLayout(LAYOUT_ID).files;
  dropLoadTables(db, files); // leftovers of a run that crashed mid-load
  try {
    const rejects: RejectRow[] = [];
    const reads: FileRead[] = [];
    for (const file of files) {
      const filePath = path.join(dir, file.name);
      const absence = whyNotReadable(filePath, dir);
      if (absence !== null) rejects.push(fileLevelReject(file, absence));
      else reads.push(await loadFile(db, file, filePath, rejects));
    }
    // A missing or header-rejected file has failed the snapshot already; checking references
    // into it would only add a DANGLING_REFERENCE row for every row pointing at it.
    const usable = reads.filter((r) => r.headerAccepted).map((r) => r.file);
    // The checks append to `rejects` (never push(...rows): a file sent twice holds a million duplicates).
    for (const file of usable) duplicateKeys(db, file, rejects);
    danglingReferences(db, usable, rejects);
    if (options.licensingBoards !== undefined) unknownBoards(db, usable, options.licensingBoards, rejects);

    const ok = rejects.length === 0;
    if (ok) promoteSnapshot(db, files);
    else {
      dropLoadTables(db, files);
      restoreSnapshotKeyIndexes(db, files);
    }
    return { ok, files: reads.map((read) => fileResult(read, rejects)), rejects: sortRejects(rejects) };
  } catch (err) {
    dropLoadTables(db, files);
    restoreSnapshotKeyIndexes(db, files);
    throw err;
  }
}

/** null when the file can be read; otherwise why not. Symlinks are followed only inside the inbox. */
function whyNotReadable(filePath: string, dir: string): string | null {
  if (!fs.existsSync(dir)) return `case-extract folder ${dir} does not exist; the snapshot needs all five files`;
  if (!fs.existsSync(filePath) && !isSymlink(filePath)) return 'file is missing; the snapshot needs all five files';
  // dir is <inbox>/<date>/case-extract
  if (isRegularFileInside(filePath, path.resolve(dir, '..', '..'))) return null;
  return 'not a regular file inside the inbox (symlink out of the inbox, folder or device); not read';
}

function isSymlink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

function fileLevelReject(file: CsvFileDef, problem: string): RejectRow {
  return {
    file: file.name,
    line: 0,
    recordType: file.name,
    field: '',
    start: null,
    end: null,
    valueMasked: '',
    reason: 'STRUCTURE',
    message: `${file.name}: ${problem}`,
  };
}

/** Streams one file into its fresh load table; returns what the reader saw, pushes its rejects. */
async function loadFile(db: Database.Database, file: CsvFileDef, filePath: string, rejects: RejectRow[]): Promise<FileRead> {
  const table = loadTable(file);
  db.exec(createTableSql(table, file, false));
  const insert = db.prepare(`INSERT INTO "${table}" (${[...file.columns.map((c) => `"${c.name}"`), '"line"'].join(', ')}) VALUES (${[...file.columns, null].map(() => '?').join(', ')})`);
  const checker = compileCsvRowChecker(file);
  const ssnIndex = file.columns.findIndex((c) => c.name === SSN_COLUMN);
  const bar = progress(`case-extract ${file.name}`);
  // each row inserted as soon as it is checked, committed every INSERT_CHUNK_ROWS (no buffered rows)
  const chunks = new ChunkedTransaction(db, INSERT_CHUNK_ROWS);
  let rows = 0;
  let read: Awaited<ReturnType<typeof readCsvFile>>;
  try {
    read = await readCsvFile({
      path: filePath,
      fileName: file.name,
      file,
      onReject: (reject) => rejects.push(reject),
      onRecord: (line, fields) => {
        const { values, issues } = checker.check(fields);
        for (const issue of issues) rejects.push(columnReject(file.name, file.name, line, issue));
        // DOMAIN 3: an SSN that is not 9 digits counts as no SSN, not as a reject.
        if (ssnIndex >= 0) values[ssnIndex] = usableSsn(values[ssnIndex] ?? null);
        // Rows with issues are staged too (their bad columns NULL): the key and reference checks
        // then see every row the case system sent, so a participant with a bad date does not
        // make each of its cases dangle. A snapshot with any issue is never promoted.
        values.push(line);
        if (chunks.run(insert, values)) bar.tick((rows += INSERT_CHUNK_ROWS));
      },
    });
  } catch (err) {
    chunks.rollback(); // the load table is dropped by the caller
    throw err;
  }
  chunks.commit();
  bar.done(`${read.records} rows read`);
  return { file, bytes: read.bytes, sha256: read.sha256, records: read.records, headerAccepted: read.headerAccepted };
}

function usableSsn(value: StoredValue): StoredValue {
  return typeof value === 'string' && SSN_PATTERN.test(value) ? value : null;
}

// ---------------------------------------------------------------------------------------------
// Snapshot checks (set-based SQL over the load tables)

/**
 * DUPLICATE_KEY on every later line of a key. Building the unique key index IS the check for a
 * clean file (and the index then serves the reference checks); only when it fails are the
 * duplicates listed, and a plain index is built instead.
 */
function duplicateKeys(db: Database.Database, file: CsvFileDef, rejects: RejectRow[]): void {
  const table = loadTable(file);
  const spec = keySpec(file);
  const name = keyIndexName(file);
  db.exec(`DROP INDEX IF EXISTS "${name}"`); // the previous snapshot's (restored if this one is rejected)
  try {
    db.exec(createIndexSql(table, spec, false, name));
    return;
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw err;
  }
  db.exec(createIndexSql(table, { ...spec, unique: false }, false, name));
  const keys = file.key.map((k) => `"${k}"`).join(', ');
  const present = file.key.map((k) => `"${k}" IS NOT NULL`).join(' AND ');
  const rows = db
    .prepare(
      `SELECT line, first_line, ${keys} FROM (
         SELECT line, ${keys}, MIN(line) OVER (PARTITION BY ${keys}) AS first_line FROM "${table}" WHERE ${present}
       ) WHERE line > first_line ORDER BY line`,
    )
    .raw()
    .iterate() as IterableIterator<[number, number, ...StoredValue[]]>;
  for (const [line, firstLine, ...keyValues] of rows) rejects.push(duplicateKeyReject(file.name, file, line, keyValues, firstLine));
}

/** DANGLING_REFERENCE on each referring line whose value is not a key of the referenced file. */
function danglingReferences(db: Database.Database, usable: readonly CsvFileDef[], rejects: RejectRow[]): void {
  for (const ref of CASE_EXTRACT_REFERENCES) {
    const from = usable.find((f) => f.name === ref.from);
    const to = usable.find((f) => f.name === ref.to);
    if (from === undefined || to === undefined) continue;
    const rows = db
      .prepare(
        `SELECT r.line, r."${ref.column}" FROM "${loadTable(from)}" r
          WHERE r."${ref.column}" IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM "${loadTable(to)}" t WHERE t."${ref.key}" = r."${ref.column}")
          ORDER BY r.line`,
      )
      .raw()
      .iterate() as IterableIterator<[number, string]>;
    const problem = `is not a ${ref.key} of ${ref.to}`;
    for (const [line, value] of rows) rejects.push(columnValueReject(from, line, ref.column, value, 'DANGLING_REFERENCE', problem));
  }
}

/** BAD_CODE on license rows whose board is not in the licensing-board reference list. */
function unknownBoards(db: Database.Database, usable: readonly CsvFileDef[], boards: readonly string[], rejects: RejectRow[]): void {
  const licenses = usable.find((f) => f.name === LICENSES_FILE);
  if (licenses === undefined) return;
  const rows = db
    .prepare(
      `SELECT line, "${BOARD_COLUMN}" FROM "${loadTable(licenses)}"
        WHERE "${BOARD_COLUMN}" IS NOT NULL AND "${BOARD_COLUMN}" NOT IN (SELECT value FROM json_each(?))
        ORDER BY line`,
    )
    .raw()
    .iterate(JSON.stringify(boards)) as IterableIterator<[number, string]>;
  for (const [line, value] of rows) rejects.push(columnValueReject(licenses, line, BOARD_COLUMN, value, 'BAD_CODE', 'is not a board of the licensing-board reference list'));
}

function columnValueReject(file: CsvFileDef, line: number, column: string, value: string, reason: RejectRow['reason'], problem: string): RejectRow {
  const ordinal = file.columns.findIndex((c) => c.name === column) + 1;
  const valueMasked = maskValue(value);
  return {
    file: file.name,
    line,
    recordType: file.name,
    field: column,
    start: ordinal,
    end: ordinal,
    valueMasked,
    reason,
    message: `${file.name} line ${line}, column ${column}: '${valueMasked}' ${problem}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Promote or discard

/**
 * The swap, in ONE transaction: readers see the old snapshot or the new one, never a mix. The
 * load table's key index already carries the snapshot's name (keyIndexName); the other snapshot
 * indexes are built under their own names after the rename. `legacy_alter_table` lets the rename
 * through when some view names a `ce_*` table (modern RENAME re-validates every view and fails
 * on the table dropped a statement earlier); it is restored afterwards.
 */
function promoteSnapshot(db: Database.Database, files: readonly CsvFileDef[]): void {
  const legacyAlterTable = db.pragma('legacy_alter_table', { simple: true }) === 1;
  db.pragma('legacy_alter_table = ON');
  try {
    db.transaction(() => {
      for (const file of files) {
        const table = snapshotTable(file);
        db.exec(`DROP TABLE IF EXISTS "${table}"`);
        db.exec(`ALTER TABLE "${loadTable(file)}" RENAME TO "${table}"`);
        // the key index came along with the rename (built under the snapshot's name by the check)
        for (const spec of indexSpecs(file)) if (spec.suffix !== 'key') db.exec(createIndexSql(table, spec, false));
      }
    })();
  } finally {
    db.pragma(`legacy_alter_table = ${legacyAlterTable ? 'ON' : 'OFF'}`);
  }
}

function dropLoadTables(db: Database.Database, files: readonly CsvFileDef[]): void {
  for (const file of files) db.exec(`DROP TABLE IF EXISTS "${loadTable(file)}"`);
}

// ---------------------------------------------------------------------------------------------
// Counts

/**
 * `rejected` = data rows with at least one reject row (a row with three issues counts once);
 * `loaded` = the other rows. When the snapshot is rejected nothing is actually promoted, but
 * `loaded` still reports the rows that WOULD have loaded (and `ok` = false says none did): that
 * keeps read = loaded + rejected true per file and tells operators how much of each file was
 * sound, instead of turning every good row into a FILE_REJECTED row.
 */
function fileResult(read: FileRead, rejects: readonly RejectRow[]): CaseExtractFileResult {
  const rejectedLines = new Set<number>();
  for (const reject of rejects) {
    // Data rows start on line 2 or later; line 1 is the header and line 0 the file itself.
    if (reject.file === read.file.name && reject.line >= 2) rejectedLines.add(reject.line);
  }
  return {
    file: read.file.name,
    bytes: read.bytes,
    sha256: read.sha256,
    read: read.records,
    loaded: read.records - rejectedLines.size,
    rejected: rejectedLines.size,
  };
}

/** By file name (byte order), then line; stable, so a line's rows keep their column order. */
function sortRejects(rejects: RejectRow[]): RejectRow[] {
  return rejects.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
}
