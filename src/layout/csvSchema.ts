/**
 * CSV layouts (icd README section 8: case-extract, tasks) turned into checks, in three parts:
 *
 * 1. A zod object schema per CSV file: the REFERENCE definition of what a row may hold
 *    (string / date / decimal / integer / flag / enum, required, empty = null).
 * 2. A compiled row checker with exactly the same acceptance, written with char codes instead of
 *    regular expressions and zod's machinery. It is what readers use on millions of rows; the
 *    tests hold it to the zod schema value by value, so the two cannot drift apart silently.
 * 3. A streaming CSV file reader (csv-parse, never the whole file in memory) that reports physical
 *    line numbers, invalid UTF-8, wrong field counts and header problems as reject rows, and
 *    `validateCsvFile` for `csebatch validate <file> --layout <id>`.
 *
 * Stored values: decimal → integer cents, integer → number, date / flag / enum / string → the
 * string as written, empty → null. Messages carry masked values only (OPERATIONS "Rejects").
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isAscii, isUtf8 } from 'node:buffer';
import { Transform, Writable } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import type { CsvError, InfoRecord } from 'csv-parse';
import { z } from 'zod';
import { csvLayout } from './registry.ts';
import type { CsvColumnDef, CsvFileDef, CsvLayout } from './schema.ts';
import { maskValue } from '../types.ts';
import type { RejectReason, RejectRow } from '../types.ts';

export type CsvColumnType = CsvColumnDef['type'];

/** A value as stored in SQLite: cents and counts as numbers, everything else as written. */
export type StoredValue = string | number | null;

export const COLUMN_ISSUE_REASONS = ['MISSING_REQUIRED', 'BAD_DATE', 'BAD_NUMBER', 'BAD_CODE'] as const satisfies readonly RejectReason[];
export type ColumnIssueReason = (typeof COLUMN_ISSUE_REASONS)[number];

/** One column of one row that does not hold what its layout declares. */
export interface ColumnIssue {
  column: string;
  /** 1-based column number, reported as the field's start and end position of the reject row */
  ordinal: number;
  reason: ColumnIssueReason;
  valueMasked: string;
  /** `column dob: not a real calendar date (YYYY-MM-DD); value '******2-30'` (file and line are the caller's) */
  message: string;
}

/** A checked row: `values` in column order (null for empty or invalid columns), `issues` empty when valid. */
export interface RowCheck {
  values: StoredValue[];
  issues: readonly ColumnIssue[];
}

export interface CsvRowChecker {
  readonly file: CsvFileDef;
  readonly columns: readonly string[];
  /** `fields` must hold exactly one string per column (the reader rejects other field counts first). */
  check(fields: readonly string[]): RowCheck;
}

/** Amounts are integer cents; 13 dollar digits + 2 cents digits stay below 2^53, so every amount is exact. */
const DECIMAL_MAX_DOLLAR_DIGITS = 13;
/** 15 digits is the longest digit string whose every value is a safe JS integer. */
const INTEGER_MAX_DIGITS = 15;
const DECIMAL_PATTERN = new RegExp(`^\\d{1,${DECIMAL_MAX_DOLLAR_DIGITS}}\\.\\d{2}$`);
const INTEGER_PATTERN = new RegExp(`^\\d{1,${INTEGER_MAX_DIGITS}}$`);
const FLAG_VALUES = ['Y', 'N'] as const;

const REASON_BY_TYPE: Record<Exclude<CsvColumnType, 'string'>, ColumnIssueReason> = {
  date: 'BAD_DATE',
  decimal: 'BAD_NUMBER',
  integer: 'BAD_NUMBER',
  flag: 'BAD_CODE',
  enum: 'BAD_CODE',
};

/** SQLite column type of a stored value: cents and counts are INTEGER, everything else TEXT. */
export function sqliteColumnType(column: CsvColumnDef): 'INTEGER' | 'TEXT' {
  return column.type === 'decimal' || column.type === 'integer' ? 'INTEGER' : 'TEXT';
}

// ---------------------------------------------------------------------------------------------
// 1. The reference: zod schemas

/** Zod schema of one column, input = the field as read (a string), output = the stored value. */
export function csvColumnSchema(column: CsvColumnDef): z.ZodType<StoredValue, string> {
  const typed = nonEmptyValueSchema(column);
  if (column.required) return z.string().min(1, { error: 'MISSING_REQUIRED' }).pipe(typed);
  return z
    .string()
    .transform((raw) => (raw === '' ? null : raw))
    .pipe(typed.nullable());
}

/** Zod object schema of one CSV file's row: `{column: field}` in, `{column: stored value}` out. */
export function csvRowSchema(file: CsvFileDef): z.ZodType<Record<string, StoredValue>, Record<string, string>> {
  const shape: Record<string, z.ZodType<StoredValue, string>> = {};
  for (const column of file.columns) shape[column.name] = csvColumnSchema(column);
  return z.strictObject(shape);
}

/**
 * The column issues of a failed zod parse. Each check above carries its reject reason as its
 * message, so the reason is read back from there; anything else is a schema bug, not bad data.
 */
export function columnIssuesFromZod(error: z.ZodError): Array<{ column: string; reason: ColumnIssueReason }> {
  return error.issues.map((issue) => {
    const reason = COLUMN_ISSUE_REASONS.find((r) => r === issue.message);
    if (reason === undefined) throw new Error(`csv schema: zod issue without a reject reason: ${issue.code} at ${issue.path.join('.')}`);
    return { column: issue.path.length > 0 ? String(issue.path[0]) : '', reason };
  });
}

function nonEmptyValueSchema(column: CsvColumnDef): z.ZodType<StoredValue, string> {
  switch (column.type) {
    case 'string':
      return z.string();
    case 'date':
      // zod's ISO date knows month lengths and leap years: 2026-02-30 fails, 2024-02-29 passes.
      return z.iso.date({ error: 'BAD_DATE' });
    case 'decimal':
      return z
        .string()
        .regex(DECIMAL_PATTERN, { error: 'BAD_NUMBER' })
        .transform((dollars) => Number(dollars.replace('.', '')));
    case 'integer':
      return z.string().regex(INTEGER_PATTERN, { error: 'BAD_NUMBER' }).transform(Number);
    case 'flag':
      return z.enum(FLAG_VALUES, { error: 'BAD_CODE' });
    case 'enum':
      return z.enum(enumValues(column), { error: 'BAD_CODE' });
  }
}

function enumValues(column: CsvColumnDef): [string, ...string[]] {
  const [first, ...rest] = column.values ?? [];
  if (first === undefined) throw new Error(`csv schema: enum column ${column.name} has no values`);
  return [first, ...rest];
}

// ---------------------------------------------------------------------------------------------
// 2. The compiled checker (same acceptance as the zod schema, ~an order of magnitude faster)

const INVALID: unique symbol = Symbol('invalid');
type Converted = StoredValue | typeof INVALID;

interface CompiledColumn {
  name: string;
  ordinal: number;
  required: boolean;
  convert: (raw: string) => Converted;
  reason: ColumnIssueReason;
  /** what a valid value looks like, for messages */
  expected: string;
}

const NO_ISSUES: readonly ColumnIssue[] = Object.freeze([]);

export function compileCsvRowChecker(file: CsvFileDef): CsvRowChecker {
  const columns = file.columns.map(compileColumn);
  const count = columns.length;
  return {
    file,
    columns: file.columns.map((c) => c.name),
    check(fields: readonly string[]): RowCheck {
      if (fields.length !== count) throw new Error(`${file.name}: row checker given ${fields.length} fields for ${count} columns`);
      const values: StoredValue[] = [];
      let issues: ColumnIssue[] | undefined;
      for (let i = 0; i < count; i++) {
        const column = columns[i]!;
        const raw = fields[i]!;
        if (raw === '') {
          if (column.required) (issues ??= []).push(columnIssue(column, 'MISSING_REQUIRED', raw, 'required, but empty'));
          values.push(null);
          continue;
        }
        const value = column.convert(raw);
        if (value === INVALID) {
          (issues ??= []).push(columnIssue(column, column.reason, raw, column.expected));
          values.push(null);
        } else {
          values.push(value);
        }
      }
      return { values, issues: issues ?? NO_ISSUES };
    },
  };
}

function compileColumn(column: CsvColumnDef, index: number): CompiledColumn {
  const base = { name: column.name, ordinal: index + 1, required: column.required };
  switch (column.type) {
    case 'string':
      // Any text is a valid string; the reason is never used.
      return { ...base, convert: (raw) => raw, reason: 'MISSING_REQUIRED', expected: 'any text' };
    case 'date':
      return { ...base, convert: (raw) => (isCalendarDate(raw) ? raw : INVALID), reason: REASON_BY_TYPE.date, expected: 'not a real calendar date (YYYY-MM-DD)' };
    case 'decimal':
      return {
        ...base,
        convert: dollarsToCents,
        reason: REASON_BY_TYPE.decimal,
        expected: `not an amount with exactly two decimals, no sign and no separators (e.g. 1234.56, at most ${DECIMAL_MAX_DOLLAR_DIGITS} dollar digits)`,
      };
    case 'integer':
      return { ...base, convert: digitsToNumber, reason: REASON_BY_TYPE.integer, expected: `not a whole number of 1-${INTEGER_MAX_DIGITS} digits` };
    case 'flag':
      return { ...base, convert: (raw) => (raw === 'Y' || raw === 'N' ? raw : INVALID), reason: REASON_BY_TYPE.flag, expected: 'not Y or N' };
    case 'enum': {
      const allowed = new Set(enumValues(column));
      return { ...base, convert: (raw) => (allowed.has(raw) ? raw : INVALID), reason: REASON_BY_TYPE.enum, expected: `not one of ${[...allowed].join(', ')}` };
    }
  }
}

function columnIssue(column: CompiledColumn, reason: ColumnIssueReason, raw: string, problem: string): ColumnIssue {
  const valueMasked = maskValue(raw);
  return { column: column.name, ordinal: column.ordinal, reason, valueMasked, message: `column ${column.name}: ${problem}; value '${valueMasked}'` };
}

const CHAR_0 = 48;
const CHAR_DASH = 45;
const CHAR_DOT = 46;

/** Value of the ASCII digits s[from, to), or -1 when any character is not a digit. */
function digitValue(s: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) {
    const digit = s.charCodeAt(i) - CHAR_0;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** YYYY-MM-DD naming a day of the proleptic Gregorian calendar (year 0000-9999), like zod's iso.date. */
export function isCalendarDate(s: string): boolean {
  if (s.length !== 10 || s.charCodeAt(4) !== CHAR_DASH || s.charCodeAt(7) !== CHAR_DASH) return false;
  const year = digitValue(s, 0, 4);
  const month = digitValue(s, 5, 7);
  const day = digitValue(s, 8, 10);
  if (year < 0 || month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** `1234.56` → 123456; anything but 1-13 digits, a dot and exactly 2 digits is INVALID. */
function dollarsToCents(s: string): Converted {
  const length = s.length;
  const dot = length - 3;
  if (length < 4 || length > DECIMAL_MAX_DOLLAR_DIGITS + 3 || s.charCodeAt(dot) !== CHAR_DOT) return INVALID;
  const dollars = digitValue(s, 0, dot);
  const cents = digitValue(s, dot + 1, length);
  if (dollars < 0 || cents < 0) return INVALID;
  return dollars * 100 + cents;
}

function digitsToNumber(s: string): Converted {
  if (s.length > INTEGER_MAX_DIGITS) return INVALID;
  const value = digitValue(s, 0, s.length);
  return value < 0 ? INVALID : value;
}

// ---------------------------------------------------------------------------------------------
// 3. Streaming reader

export interface ReadCsvFileOptions {
  /** path on disk */
  path: string;
  /** name written in reject rows' `file` (relative to the interface folder) */
  fileName: string;
  file: CsvFileDef;
  /**
   * A data record with the right number of fields, in file order, synchronously from the parser
   * (throwing aborts the read with that error). A record holding invalid UTF-8 comes here too,
   * after its BAD_CSV row, with U+FFFD in place of the bad bytes: its key still exists, so rows
   * referring to it do not get a misleading DANGLING_REFERENCE.
   */
  onRecord: (line: number, fields: string[]) => void;
  /** BAD_CSV, STRUCTURE and FILE_REJECTED rows, in file order */
  onReject: (reject: RejectRow) => void;
}

export interface CsvFileReadResult {
  bytes: number;
  sha256: string;
  /** data records seen (header excluded), including those rejected by the reader */
  records: number;
  /** false when the header (or the whole file) was rejected: no record reached onRecord */
  headerAccepted: boolean;
}

/** No case-extract or tasks row comes near this; it bounds memory when a quote is never closed. */
const MAX_RECORD_CHARS = 1 << 20;
const READ_CHUNK_BYTES = 1 << 20;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
/** the plain reader's reads: large, so the per-chunk cost is nothing beside the per-line work */
const PLAIN_READ_CHUNK_BYTES = 4 << 20;

/**
 * Streams one CSV file: a plain file (scanForPlainCsv) is split on LF and commas, any other goes
 * through csv-parse. Both hand the same records, line numbers and rejects to the same CsvReadBook.
 */
export async function readCsvFile(opts: ReadCsvFileOptions): Promise<CsvFileReadResult> {
  const scan = await scanForPlainCsv(opts.path);
  return scan.plain ? readPlainCsvFile(opts, scan) : readCsvFileWithParser(opts);
}

/** What scanForPlainCsv found. */
interface CsvScan {
  plain: boolean;
  /** only ASCII bytes (latin1 decoding, the fastest, gives the same text) */
  ascii: boolean;
  bytes: number;
  sha256: string;
}

/**
 * What one pass over the bytes tells before parsing: size, sha256, and whether the file is PLAIN
 * CSV, i.e. holds no double quote, no CR, no BOM, only well-formed UTF-8, no line longer than
 * MAX_RECORD_CHARS and is not empty. In a plain file every line is one record and every comma a
 * separator: csv-parse cannot find a syntax error, a UTF-8 problem or a BOM in it, and splitting
 * each line on commas gives exactly its fields (test/layout/csvSchema.test.ts holds the two readers to the same
 * records and rejects). The case extract the case system sends every night is plain; reading it
 * with csv-parse cost about 40 s of the 1M-case night's 92 s load (csv-parse's per-field state
 * machine, its info objects and the garbage they leave), splitting it costs a few seconds
 * (docs/decisions.md, "Lever 2: plain CSV"). The second read comes from the OS page cache.
 */
async function scanForPlainCsv(filePath: string): Promise<CsvScan> {
  const hash = crypto.createHash('sha256');
  let bytes = 0;
  let plain = true;
  let lineLength = 0; // bytes since the last LF
  let pending: Buffer | null = null; // a multi-byte sequence cut by the chunk boundary
  let ascii = true;
  for await (const chunk of fs.createReadStream(filePath, { highWaterMark: PLAIN_READ_CHUNK_BYTES }) as AsyncIterable<Buffer>) {
    if (bytes === 0 && chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) plain = false; // BOM: csv-parse's header check
    hash.update(chunk);
    bytes += chunk.length;
    if (!plain) continue;
    if (chunk.indexOf(QUOTE) !== -1 || chunk.indexOf(CR) !== -1) {
      plain = false;
      continue;
    }
    if (pending !== null || !isAscii(chunk)) {
      ascii = false;
      const data: Buffer = pending === null ? chunk : Buffer.concat([pending, chunk]);
      const complete = data.length - incompleteTail(data);
      if (!isUtf8(data.subarray(0, complete))) plain = false;
      pending = complete < data.length ? Buffer.from(data.subarray(complete)) : null;
    }
    let from = 0;
    for (let lf = chunk.indexOf(LF); lf !== -1; lf = chunk.indexOf(LF, from)) {
      if (lineLength + lf - from > MAX_RECORD_CHARS) plain = false;
      lineLength = 0;
      from = lf + 1;
    }
    lineLength += chunk.length - from;
    if (lineLength > MAX_RECORD_CHARS) plain = false;
  }
  return { plain: plain && pending === null && bytes > 0, ascii, bytes, sha256: hash.digest('hex') };
}

/** The plain-file reader: lines split at LF, fields at commas, fed to the same book as csv-parse's records. */
async function readPlainCsvFile(opts: ReadCsvFileOptions, scan: CsvScan): Promise<CsvFileReadResult> {
  const book = new CsvReadBook(opts, null);
  // an LF byte never lies inside a multi-byte sequence, so each line decodes on its own
  const encoding: BufferEncoding = scan.ascii ? 'latin1' : 'utf8';
  let carry: Buffer | null = null;
  let line = 0;
  for await (const chunk of fs.createReadStream(opts.path, { highWaterMark: PLAIN_READ_CHUNK_BYTES }) as AsyncIterable<Buffer>) {
    let from = 0;
    for (let lf = chunk.indexOf(LF); lf !== -1; lf = chunk.indexOf(LF, from)) {
      let text: string;
      if (carry !== null) {
        text = Buffer.concat([carry, chunk.subarray(0, lf)]).toString('utf8');
        carry = null;
      } else {
        text = chunk.toString(encoding, from, lf);
      }
      book.recordOnLine(text.split(','), ++line, false);
      from = lf + 1;
    }
    if (from < chunk.length) carry = carry === null ? Buffer.from(chunk.subarray(from)) : Buffer.concat([carry, chunk.subarray(from)]);
  }
  // a last line without a line end is a record; a final LF does not start one (as csv-parse)
  if (carry !== null && carry.length > 0) book.recordOnLine(carry.toString('utf8').split(','), ++line, false);
  book.finish();
  return { bytes: scan.bytes, sha256: scan.sha256, records: book.records, headerAccepted: book.headerAccepted };
}

/**
 * csv-parse's path, for every file that is not plain (quotes, CRLF, a BOM, invalid UTF-8, empty);
 * exported for the tests that hold the plain reader to it. Line numbers are physical lines of the
 * file (header = line 1, a record spanning lines is numbered by its first line). They are computed
 * here from csv-parse's byte offsets rather than taken from its `lines` counter, which counts a
 * CRLF inside a quoted field as two lines.
 */
export async function readCsvFileWithParser(opts: ReadCsvFileOptions): Promise<CsvFileReadResult> {
  const tap = new ByteTap();
  const book = new CsvReadBook(opts, tap);
  const source = fs.createReadStream(opts.path, { highWaterMark: READ_CHUNK_BYTES });
  let failure: unknown;
  const parser = parse({
    delimiter: ',',
    quote: '"',
    escape: '"',
    record_delimiter: ['\r\n', '\n'],
    bom: false, // a BOM stays in the first header name and fails the header check (ICD: UTF-8 without BOM)
    relax_column_count: true, // field counts are checked here, per record, with our own message
    skip_records_with_error: true, // a broken quote rejects its record, not the whole read
    max_record_size: MAX_RECORD_CHARS,
    on_record: (fields: string[], info: InfoRecord) => {
      if (failure === undefined) {
        try {
          book.record(fields, info.bytes);
        } catch (err) {
          failure = err;
          source.destroy(err as Error);
        }
      }
      return null; // handled here; nothing travels further down the stream
    },
    on_skip: (err: CsvError | undefined) => {
      if (failure === undefined && err !== undefined) book.parseError(err);
      return undefined;
    },
  });
  await pipeline(source, tap, parser, new Writable({ objectMode: true, write: (_chunk, _encoding, done) => done() }));
  if (failure !== undefined) throw failure;
  book.finish();
  return { bytes: tap.bytes, sha256: tap.sha256(), records: book.records, headerAccepted: book.headerAccepted };
}

/** What the reader knows while it walks one file: header state, counts, lines, pending UTF-8 faults. */
class CsvReadBook {
  records = 0;
  headerAccepted = false;
  private headerSeen = false;
  private headerCause = '';
  /** last physical line of the last record csv-parse could split */
  private lastRecordEndLine = 0;
  /** line reported for the last record csv-parse could not split */
  private lastParseErrorLine = 0;
  private lastEventWasParseError = false;
  private nextInvalidUtf8 = 0;
  private readonly columnCount: number;

  constructor(
    private readonly opts: ReadCsvFileOptions,
    /** csv-parse's byte tap; null for the plain reader, which knows its lines itself */
    private readonly tap: ByteTap | null,
  ) {
    this.columnCount = opts.file.columns.length;
  }

  /** A record csv-parse could split into fields; `endByte` = offset just past its line end. */
  record(fields: string[], endByte: number): void {
    const tap = this.tap!;
    const invalidUtf8Lines = this.invalidUtf8LinesBefore(endByte);
    const endLine = tap.lines.lineAt(endByte - 1);
    const line = endLine - countLineFeeds(fields);
    const invalidUtf8 = invalidUtf8Lines.some((l) => l >= line);
    this.lastRecordEndLine = endLine;
    this.lastEventWasParseError = false;
    this.recordOnLine(fields, line, invalidUtf8);
  }

  /** A record starting on physical line `line` (both readers). */
  recordOnLine(fields: string[], line: number, invalidUtf8: boolean): void {
    if (!this.headerSeen) return this.header(fields, line, invalidUtf8);
    this.records++;
    if (!this.headerAccepted) return this.fileRejected(line);
    if (invalidUtf8) this.reject(line, 'BAD_CSV', 'invalid UTF-8 byte sequence (read as U+FFFD)');
    if (fields.length === this.columnCount) return this.opts.onRecord(line, fields);
    const count = fields.length === 1 && fields[0] === '' ? `blank line (expected ${this.columnCount} fields)` : `${fields.length} fields, expected ${this.columnCount}`;
    this.reject(line, 'BAD_CSV', `${count}; record not read`);
  }

  /** A record csv-parse could not split (bad quoting, runaway quoted field). */
  parseError(err: CsvError): void {
    const at = typeof err['bytes'] === 'number' ? err['bytes'] : 0;
    this.dropInvalidUtf8Before(at);
    const line = Math.max(this.tap!.lines.lineAt(at), this.lastRecordEndLine + 1);
    this.lastEventWasParseError = true;
    // csv-parse may report one broken record several times (a bad closing quote, then the quote
    // it believes still open at the end of the file): one record, one row.
    if (line === this.lastParseErrorLine) return;
    this.lastParseErrorLine = line;
    if (!this.headerSeen) return this.header(null, line, false);
    this.records++;
    if (!this.headerAccepted) return this.fileRejected(line);
    this.reject(line, 'BAD_CSV', `${parseProblem(err.code)}; record not read`);
  }

  /** End of file: empty file, and lines csv-parse swallowed after an unrecoverable quote error. */
  finish(): void {
    if (!this.headerSeen) {
      this.headerSeen = true;
      this.reject(1, 'STRUCTURE', 'file is empty: no header row');
      return;
    }
    // only csv-parse reports parse errors (the plain reader has no tap)
    if (!this.lastEventWasParseError) return;
    const lastLine = this.tap!.lastPhysicalLine();
    if (lastLine > this.lastParseErrorLine) {
      // Counted as one more rejected record: csv-parse cannot tell how many records these lines held.
      this.records++;
      const from = this.lastParseErrorLine + 1;
      const message = `lines ${from}-${lastLine} not read: the CSV error on line ${this.lastParseErrorLine} left a quoted field open to the end of the file`;
      if (this.headerAccepted) this.reject(from, 'BAD_CSV', message);
      else this.fileRejected(from);
    }
  }

  private header(fields: string[] | null, line: number, invalidUtf8: boolean): void {
    this.headerSeen = true;
    const problem = fields === null ? { message: 'header row cannot be parsed as CSV', value: '' } : headerProblem(fields, this.opts.file, invalidUtf8);
    if (problem === null) {
      this.headerAccepted = true;
      return;
    }
    this.headerCause = `header (STRUCTURE on line ${line})`;
    this.reject(line, 'STRUCTURE', `${problem.message}; file rejected`, problem.value);
  }

  private fileRejected(line: number): void {
    this.reject(line, 'FILE_REJECTED', `rejected with its ${this.headerCause}`);
  }

  private reject(line: number, reason: RejectReason, problem: string, valueMasked = ''): void {
    const { fileName, file } = this.opts;
    this.opts.onReject({
      file: fileName,
      line,
      recordType: file.name,
      field: '',
      start: null,
      end: null,
      valueMasked,
      reason,
      message: `${fileName} line ${line}: ${problem}`,
    });
  }

  /** Physical lines of the invalid UTF-8 sequences found before `endByte`, in order. */
  private invalidUtf8LinesBefore(endByte: number): number[] {
    const offsets = this.tap!.invalidUtf8;
    const lines: number[] = [];
    while (this.nextInvalidUtf8 < offsets.length && offsets[this.nextInvalidUtf8]! < endByte) {
      lines.push(this.tap!.lines.lineAt(offsets[this.nextInvalidUtf8++]!));
    }
    return lines;
  }

  /** Sequences inside a record csv-parse already rejected: that record has its row. */
  private dropInvalidUtf8Before(byte: number): void {
    const offsets = this.tap!.invalidUtf8;
    while (this.nextInvalidUtf8 < offsets.length && offsets[this.nextInvalidUtf8]! < byte) this.nextInvalidUtf8++;
  }
}

function countLineFeeds(fields: readonly string[]): number {
  let count = 0;
  for (const field of fields) {
    for (let at = field.indexOf('\n'); at !== -1; at = field.indexOf('\n', at + 1)) count++;
  }
  return count;
}

/** The first difference between a header row and the declared columns, or null when they match. */
function headerProblem(fields: readonly string[], file: CsvFileDef, invalidUtf8: boolean): { message: string; value: string } | null {
  if (invalidUtf8) return { message: 'header row holds invalid UTF-8', value: '' };
  const expected = file.columns.map((c) => c.name);
  if (fields[0]?.startsWith('\uFEFF')) return { message: 'file starts with a byte order mark (UTF-8 without BOM expected)', value: '' };
  for (let i = 0; i < Math.max(fields.length, expected.length); i++) {
    const found = fields[i];
    const wanted = expected[i];
    if (found === wanted) continue;
    // The "header" may be a data row of a file sent without one: a cell that is not a column name
    // of the layout is masked; a column name is not personal data and is shown (issue 14.6).
    const value = found !== undefined && expected.includes(found) ? found : maskValue(found ?? '');
    if (wanted === undefined) return { message: `header has ${fields.length} columns, expected ${expected.length}: extra column ${i + 1} '${value}'`, value };
    if (found === undefined) return { message: `header has ${fields.length} columns, expected ${expected.length}: column ${i + 1} ${wanted} missing`, value };
    return { message: `header column ${i + 1} is '${value}', expected ${wanted} (columns must be exactly, in order: ${expected.join(',')})`, value };
  }
  return null;
}

/** Operator wording for csv-parse's error codes (its own messages quote field values: never used). */
function parseProblem(code: string): string {
  switch (code) {
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'a closing quote is followed by something other than a comma or the line end';
    case 'INVALID_OPENING_QUOTE':
      return 'a double quote inside a field that does not start with one (RFC 4180: quote the whole field, double inner quotes)';
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field is never closed';
    case 'CSV_MAX_RECORD_SIZE':
      return `record longer than ${MAX_RECORD_CHARS} characters (most likely a quote that is never closed)`;
    default:
      return `malformed CSV (${code})`;
  }
}

/**
 * Sits between the file and csv-parse and sees every byte once: size, sha256, where the line
 * feeds are (for physical line numbers) and where invalid UTF-8 is (csv-parse would silently turn
 * it into U+FFFD).
 */
class ByteTap extends Transform {
  bytes = 0;
  readonly lines = new LineCounter();
  readonly invalidUtf8: number[] = [];
  private readonly hash = crypto.createHash('sha256');
  private readonly utf8 = new Utf8Validator(this.invalidUtf8);
  private lastByte = -1;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    // Errors go to the callback: thrown from here they would escape the pipeline and hang the read.
    try {
      this.hash.update(chunk);
      this.lines.add(chunk, this.bytes);
      this.utf8.add(chunk, this.bytes);
      this.bytes += chunk.length;
      if (chunk.length > 0) this.lastByte = chunk[chunk.length - 1]!;
      done(null, chunk);
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      this.utf8.finish();
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  sha256(): string {
    return this.hash.digest('hex');
  }

  /** Number of the file's last physical line (a final line feed does not start a new line). */
  lastPhysicalLine(): number {
    if (this.bytes === 0) return 0;
    const line = this.lines.lineAt(this.bytes);
    return this.lastByte === LF ? line - 1 : line;
  }
}

/**
 * Physical line of a byte offset = line feeds before it + 1. Offsets are asked in increasing
 * order, so each byte is scanned once and chunks are released as soon as the reader is past them.
 */
class LineCounter {
  private readonly chunks: Array<{ start: number; buffer: Buffer }> = [];
  private offset = 0;
  private lineFeeds = 0;

  add(buffer: Buffer, start: number): void {
    this.chunks.push({ start, buffer });
  }

  lineAt(target: number): number {
    // Never asked backwards by the reader; were it ever, the line reached so far is the best answer.
    while (this.offset < target && this.chunks.length > 0) {
      const { start, buffer } = this.chunks[0]!;
      const end = Math.min(target - start, buffer.length);
      for (let at = buffer.indexOf(LF, this.offset - start); at !== -1 && at < end; at = buffer.indexOf(LF, at + 1)) this.lineFeeds++;
      this.offset = start + end;
      if (end === buffer.length) this.chunks.shift();
    }
    return this.lineFeeds + 1;
  }
}

/**
 * Streaming UTF-8 check recording the byte offset of every invalid sequence. The fast path is
 * Node's native isUtf8 per chunk; only a chunk that fails it is scanned byte by byte. A sequence
 * cut by a chunk boundary is carried over to the next chunk.
 */
class Utf8Validator {
  private carry: Buffer = Buffer.alloc(0);
  private carryStart = 0;

  constructor(private readonly invalid: number[]) {}

  add(chunk: Buffer, start: number): void {
    const data = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
    const dataStart = start - this.carry.length;
    const complete = data.length - incompleteTail(data);
    const body = data.subarray(0, complete);
    // A loop, not push(...offsets): a Latin-1 file has an offset for every accented letter.
    if (!isUtf8(body)) for (const offset of invalidUtf8Offsets(body, dataStart)) this.invalid.push(offset);
    this.carry = Buffer.from(data.subarray(complete));
    this.carryStart = dataStart + complete;
  }

  finish(): void {
    // A multi-byte sequence cut off by the end of the file.
    if (this.carry.length > 0) this.invalid.push(this.carryStart);
  }
}

/** Bytes at the end of `data` that start a multi-byte sequence the chunk does not complete (0-3). */
function incompleteTail(data: Buffer): number {
  for (let back = 1; back <= Math.min(3, data.length); back++) {
    const byte = data[data.length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead byte
    if (byte < 0xc0) return 0; // ASCII: nothing pending
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
    return needed > back ? back : 0;
  }
  return 0;
}

/** Offsets (absolute, from `base`) of the invalid sequences of `data`, per the Unicode well-formed table. */
export function invalidUtf8Offsets(data: Uint8Array, base = 0): number[] {
  const offsets: number[] = [];
  let i = 0;
  while (i < data.length) {
    const length = wellFormedSequenceLength(data, i);
    if (length === 0) {
      offsets.push(base + i);
      i++;
    } else {
      i += length;
    }
  }
  return offsets;
}

/** Length of the well-formed UTF-8 sequence at `i`, 0 when there is none (Unicode 15, table 3-7). */
function wellFormedSequenceLength(data: Uint8Array, i: number): number {
  const lead = data[i]!;
  if (lead < 0x80) return 1;
  const inRange = (at: number, low: number, high: number): boolean => {
    const byte = data[at];
    return byte !== undefined && byte >= low && byte <= high;
  };
  if (lead >= 0xc2 && lead <= 0xdf) return inRange(i + 1, 0x80, 0xbf) ? 2 : 0;
  if (lead >= 0xe0 && lead <= 0xef) {
    const low = lead === 0xe0 ? 0xa0 : 0x80; // no overlongs
    const high = lead === 0xed ? 0x9f : 0xbf; // no surrogates
    return inRange(i + 1, low, high) && inRange(i + 2, 0x80, 0xbf) ? 3 : 0;
  }
  if (lead >= 0xf0 && lead <= 0xf4) {
    const low = lead === 0xf0 ? 0x90 : 0x80; // no overlongs
    const high = lead === 0xf4 ? 0x8f : 0xbf; // nothing above U+10FFFF
    return inRange(i + 1, low, high) && inRange(i + 2, 0x80, 0xbf) && inRange(i + 3, 0x80, 0xbf) ? 4 : 0;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// `csebatch validate <file> --layout <csv layout>`

/** The file is not one the layout describes (a usage error, not a data error). */
export class UnknownCsvFileError extends Error {
  override readonly name = 'UnknownCsvFileError';
}

/**
 * The file definition for a file name: the one named like it, or the only one of a one-file
 * layout (tasks), so a renamed copy of tasks.csv can still be checked.
 */
export function csvFileDefFor(layout: CsvLayout, fileName: string): CsvFileDef {
  const named = layout.files.find((f) => f.name === fileName);
  if (named !== undefined) return named;
  const [only, ...others] = layout.files;
  if (only !== undefined && others.length === 0) return only;
  throw new UnknownCsvFileError(`${fileName}: layout ${layout.id} describes ${layout.files.map((f) => f.name).join(', ')}; name the file like one of them`);
}

/** One reject row for a column issue of a data record. */
export function columnReject(fileName: string, recordType: string, line: number, issue: ColumnIssue): RejectRow {
  return {
    file: fileName,
    line,
    recordType,
    field: issue.column,
    start: issue.ordinal,
    end: issue.ordinal,
    valueMasked: issue.valueMasked,
    reason: issue.reason,
    message: `${fileName} line ${line}, ${issue.message}`,
  };
}

/**
 * Every problem of one CSV file on its own: CSV syntax, header, UTF-8, declared types, required
 * columns, enums and key uniqueness, sorted by line. References to other files of a set (the
 * case extract's) need the whole set and are checked by its loader only.
 */
export async function validateCsvFile(filePath: string, layoutId: string): Promise<RejectRow[]> {
  const layout = csvLayout(layoutId);
  const fileName = path.basename(filePath);
  const file = csvFileDefFor(layout, fileName);
  const checker = compileCsvRowChecker(file);
  const keyIndexes = file.key.map((name) => file.columns.findIndex((c) => c.name === name));
  const firstLineOfKey = new Map<string, number>();
  const rejects: RejectRow[] = [];
  await readCsvFile({
    path: filePath,
    fileName,
    file,
    onReject: (reject) => rejects.push(reject),
    onRecord: (line, fields) => {
      const { values, issues } = checker.check(fields);
      for (const issue of issues) rejects.push(columnReject(fileName, file.name, line, issue));
      const keyValues = keyIndexes.map((i) => values[i] ?? null);
      if (keyValues.includes(null)) return; // a key part that is empty or invalid already has its row
      const key = JSON.stringify(keyValues); // stored values: '01' and '1' are the same integer key
      const first = firstLineOfKey.get(key);
      if (first === undefined) firstLineOfKey.set(key, line);
      else rejects.push(duplicateKeyReject(fileName, file, line, keyValues, first));
    },
  });
  return rejects.sort((a, b) => a.line - b.line);
}

/** DUPLICATE_KEY on a later line holding a key already seen on `firstLine`. */
export function duplicateKeyReject(fileName: string, file: CsvFileDef, line: number, keyValues: readonly StoredValue[], firstLine: number): RejectRow {
  const ordinal = file.key.length === 1 ? file.columns.findIndex((c) => c.name === file.key[0]) + 1 : null;
  const valueMasked = maskValue(keyValues.map((v) => String(v)).join(','));
  return {
    file: fileName,
    line,
    recordType: file.name,
    field: file.key.join('+'),
    start: ordinal,
    end: ordinal,
    valueMasked,
    reason: 'DUPLICATE_KEY',
    message: `${fileName} line ${line}, key ${file.key.join('+')}: '${valueMasked}' already on line ${firstLine}`,
  };
}
