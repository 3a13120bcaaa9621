/**
 * The compiled CSV row checker must accept exactly what the zod reference schema accepts, and
 * store the same values. Every table below runs each string through both and asserts they agree
 * (same stored value, or same reject reason) before asserting the expected outcome; sweeps and a
 * seeded fuzz then cover strings nobody thought to list.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isUtf8 } from 'node:buffer';
import { afterEach, describe, expect, it } from 'vitest';
import {
  columnIssuesFromZod,
  compileCsvRowChecker,
  csvFileDefFor,
  csvRowSchema,
  invalidUtf8Offsets,
  readCsvFile,
  readCsvFileWithParser,
  UnknownCsvFileError,
  validateCsvFile,
} from '../../src/layout/csvSchema.ts';
import type { ColumnIssueReason, StoredValue } from '../../src/layout/csvSchema.ts';
import { csvLayout } from '../../src/layout/registry.ts';
import type { CsvColumnDef, CsvFileDef } from '../../src/layout/schema.ts';

type Outcome = { ok: true; value: StoredValue } | { ok: false; reasons: ColumnIssueReason[] };

function column(type: CsvColumnDef['type'], required: boolean, values?: string[]): CsvColumnDef {
  return { name: 'value', type, required, description: 'test column', ...(values ? { values } : {}) };
}

function oneColumnFile(col: CsvColumnDef): CsvFileDef {
  return { name: 'test.csv', key: [col.name], columns: [col] };
}

/** Both checks of a one-column file, built once per column definition. */
const checksByColumn = new Map<string, { schema: ReturnType<typeof csvRowSchema>; checker: ReturnType<typeof compileCsvRowChecker> }>();

function checksFor(col: CsvColumnDef) {
  const id = JSON.stringify(col);
  let checks = checksByColumn.get(id);
  if (checks === undefined) {
    const file = oneColumnFile(col);
    checks = { schema: csvRowSchema(file), checker: compileCsvRowChecker(file) };
    checksByColumn.set(id, checks);
  }
  return checks;
}

/** Runs `raw` through zod and the compiled checker, asserts they agree, returns the common outcome. */
function judge(col: CsvColumnDef, raw: string): Outcome {
  const { schema, checker } = checksFor(col);
  const parsed = schema.safeParse({ [col.name]: raw });
  const reference: Outcome = parsed.success
    ? { ok: true, value: parsed.data[col.name] ?? null }
    : { ok: false, reasons: columnIssuesFromZod(parsed.error).map((i) => i.reason) };
  const checked = checker.check([raw]);
  const compiled: Outcome = checked.issues.length === 0 ? { ok: true, value: checked.values[0] ?? null } : { ok: false, reasons: checked.issues.map((i) => i.reason) };
  // JSON equality first: tens of thousands of fuzz cases would otherwise spend their time in expect().
  if (JSON.stringify(compiled) !== JSON.stringify(reference)) {
    expect(compiled, `compiled vs zod for ${col.type}${col.required ? ' (required)' : ''} ${JSON.stringify(raw)}`).toEqual(reference);
  }
  return compiled;
}

function expectValid(col: CsvColumnDef, cases: ReadonlyArray<[string, StoredValue]>): void {
  for (const [raw, stored] of cases) expect(judge(col, raw), JSON.stringify(raw)).toEqual({ ok: true, value: stored });
}

function expectInvalid(col: CsvColumnDef, raws: readonly string[], reason: ColumnIssueReason): void {
  for (const raw of raws) expect(judge(col, raw), JSON.stringify(raw)).toEqual({ ok: false, reasons: [reason] });
}

/** Deterministic pseudo-random picks (no flaky fuzz): a 32-bit LCG, high bits only (its low bits cycle). */
function lcg(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state >>> 16) % n;
  };
}

/** `count` strings of 0..maxLength tokens drawn from `tokens` (single characters or whole words). */
function* fuzzStrings(count: number, tokens: readonly string[], maxLength: number, seed = 20261120): Generator<string> {
  const next = lcg(seed);
  for (let i = 0; i < count; i++) {
    const length = next(maxLength + 1);
    let s = '';
    for (let j = 0; j < length; j++) s += tokens[next(tokens.length)];
    yield s;
  }
}

const ALL_TYPES: ReadonlyArray<[CsvColumnDef['type'], string[] | undefined]> = [
  ['string', undefined],
  ['date', undefined],
  ['decimal', undefined],
  ['integer', undefined],
  ['flag', undefined],
  ['enum', ['OPEN', 'CLOSED', '7', '11']],
];

describe('empty fields', () => {
  it.each(ALL_TYPES)('%s: empty is null when optional, MISSING_REQUIRED when required', (type, values) => {
    expect(judge(column(type, false, values), '')).toEqual({ ok: true, value: null });
    expect(judge(column(type, true, values), '')).toEqual({ ok: false, reasons: ['MISSING_REQUIRED'] });
  });
});

describe('string', () => {
  it('accepts any non-empty text as written', () => {
    for (const required of [true, false]) {
      expectValid(column('string', required), [
        ['GARCIA', 'GARCIA'],
        [' ', ' '],
        ['  padded  ', '  padded  '],
        ['O\'BRIEN, "JR"', 'O\'BRIEN, "JR"'],
        ['line\nbreak', 'line\nbreak'],
        ['NUÑEZ', 'NUÑEZ'],
        ['123-45-6789', '123-45-6789'],
      ]);
    }
  });
});

describe('date', () => {
  const col = column('date', true);

  it('accepts real calendar dates in YYYY-MM-DD, stored as written', () => {
    expectValid(col, [
      ['2026-11-20', '2026-11-20'],
      ['2024-02-29', '2024-02-29'],
      ['2000-02-29', '2000-02-29'],
      ['1999-12-31', '1999-12-31'],
      ['2026-04-30', '2026-04-30'],
      ['0001-01-01', '0001-01-01'],
      ['9999-12-31', '9999-12-31'],
    ]);
  });

  it('rejects impossible dates and other shapes with BAD_DATE', () => {
    expectInvalid(
      col,
      ['2026-02-30', '2026-02-29', '1900-02-29', '2100-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00', '2026-01-32',
        '2026-1-01', '2026-01-1', '20261120', '2026/11/20', '11/20/2026', ' 2026-11-20', '2026-11-20 ', '2026-11-20T00:00:00',
        '+2026-11-20', '-2026-11-20', '２０２６-11-20', 'YYYY-MM-DD', '2026-11-2O'],
      'BAD_DATE',
    );
  });

  it('agrees with zod on every month and day 00-32 of leap, century and ordinary years', () => {
    let valid = 0;
    for (const year of ['0000', '0004', '1600', '1700', '1900', '1996', '2000', '2023', '2024', '2026', '2100', '2400', '9999']) {
      for (let month = 0; month <= 13; month++) {
        for (let day = 0; day <= 32; day++) {
          const outcome = judge(col, `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
          if (outcome.ok) valid++;
        }
      }
    }
    // 13 years x 365 days + the leap days of 0000, 0004, 1600, 1996, 2000, 2024, 2400.
    expect(valid).toBe(13 * 365 + 7);
  });
});

describe('decimal', () => {
  const col = column('decimal', true);

  it('accepts dollars with exactly two decimals and stores integer cents', () => {
    expectValid(col, [
      ['1234.56', 123456],
      ['0.00', 0],
      ['0.01', 1],
      ['100.00', 10000],
      ['00.50', 50],
      ['9999999999999.99', 999999999999999],
    ]);
  });

  it('rejects signs, separators, other decimal counts and non-digits with BAD_NUMBER', () => {
    expectInvalid(
      col,
      ['12.5', '12.500', '12', '12.', '.50', '-1.00', '+1.00', '1,000.00', '1 000.00', '1000,00', ' 1.00', '1.00 ', '1e3', '1.0e', 'NaN',
        'Infinity', '$1.00', '1..00', '1.0O', '١٢.٠٠', '12345678901234.00'],
      'BAD_NUMBER',
    );
  });
});

describe('integer', () => {
  const col = column('integer', true);

  it('accepts 1-15 digits and stores a number', () => {
    expectValid(col, [
      ['0', 0],
      ['7', 7],
      ['007', 7],
      ['123456789012345', 123456789012345],
    ]);
  });

  it('rejects signs, decimals, exponents and over-long numbers with BAD_NUMBER', () => {
    expectInvalid(col, ['-1', '+1', '1.0', '1.', '1e3', ' 1', '1 ', '0x1F', '1_000', '1234567890123456', '٣'], 'BAD_NUMBER');
  });
});

describe('flag', () => {
  const col = column('flag', true);

  it('accepts Y and N only', () => {
    expectValid(col, [
      ['Y', 'Y'],
      ['N', 'N'],
    ]);
    expectInvalid(col, ['y', 'n', 'YES', 'NO', 'T', 'F', '1', '0', ' Y', 'Y ', 'YN'], 'BAD_CODE');
  });
});

describe('enum', () => {
  const col = column('enum', false, ['OPEN', 'CLOSED', '7', '11']);

  it('accepts exactly the listed values', () => {
    expectValid(col, [
      ['OPEN', 'OPEN'],
      ['CLOSED', 'CLOSED'],
      ['7', '7'],
      ['11', '11'],
    ]);
    expectInvalid(col, ['open', 'Open', 'OPEN ', ' OPEN', 'OPENED', '07', '11.0', 'PAID'], 'BAD_CODE');
  });
});

describe('fuzz: zod and the compiled checker agree on arbitrary strings', () => {
  const chars = [...'0123456789-.,+ eYNx٣'];
  const digits = [...'0123456789'];

  /** Counts both outcomes so that a fuzz that only ever hits one side fails instead of proving nothing. */
  function fuzz(col: CsvColumnDef, strings: Iterable<string>): { accepted: number; rejected: number } {
    const counts = { accepted: 0, rejected: 0 };
    for (const raw of strings) judge(col, raw).ok ? counts.accepted++ : counts.rejected++;
    return counts;
  }

  it.each(ALL_TYPES)('%s: strings over digits, signs, separators and letters', (type, values) => {
    for (const required of [true, false]) {
      const { rejected } = fuzz(column(type, required, values), fuzzStrings(4000, chars, 12));
      if (type !== 'string') expect(rejected).toBeGreaterThan(0);
    }
  });

  it('date-shaped strings', () => {
    const shaped = [...fuzzStrings(20000, digits, 8, 7)].map((raw) => {
      const d = raw.padStart(8, '0');
      return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
    });
    const { accepted, rejected } = fuzz(column('date', true), shaped);
    expect(accepted).toBeGreaterThan(1000);
    expect(rejected).toBeGreaterThan(1000);
  });

  it('decimal- and integer-shaped strings', () => {
    const tokens = [...digits, '.', '.', '00', '-'];
    for (const type of ['decimal', 'integer'] as const) {
      const { accepted, rejected } = fuzz(column(type, true), fuzzStrings(20000, tokens, 18, 11));
      expect(accepted).toBeGreaterThan(100);
      expect(rejected).toBeGreaterThan(100);
    }
  });

  it('enum- and flag-shaped strings', () => {
    const tokens = ['OPEN', 'CLOSED', '7', '11', '1', ' ', 'O', 'Y', 'N', 'y'];
    for (const col of [column('enum', false, ['OPEN', 'CLOSED', '7', '11']), column('flag', true)]) {
      const { accepted, rejected } = fuzz(col, fuzzStrings(5000, tokens, 2, 3));
      expect(accepted).toBeGreaterThan(100);
      expect(rejected).toBeGreaterThan(100);
    }
  });
});

describe('the real CSV layouts', () => {
  const files = [...csvLayout('case-extract').files, ...csvLayout('tasks').files];

  /** A value every column type accepts, and one none accepts except string. */
  const validSample = (c: CsvColumnDef): string =>
    ({ string: 'X1', date: '2026-11-20', decimal: '1234.56', integer: '42', flag: 'Y', enum: c.values?.[0] ?? '' })[c.type];

  it.each(files.map((f) => [f.name, f] as const))('%s: zod and compiled agree on a valid row and on a row of bad values', (_name, file) => {
    const checker = compileCsvRowChecker(file);
    const schema = csvRowSchema(file);
    const valid = file.columns.map(validSample);
    const parsed = schema.safeParse(Object.fromEntries(file.columns.map((c, i) => [c.name, valid[i]])));
    expect(parsed.success).toBe(true);
    const checked = checker.check(valid);
    expect(checked.issues).toEqual([]);
    expect(checked.values).toEqual(file.columns.map((c) => (parsed.success ? parsed.data[c.name] : undefined)));

    const bad = file.columns.map((c) => (c.required ? '' : c.type === 'string' ? 'free text' : '!bad'));
    const badParsed = schema.safeParse(Object.fromEntries(file.columns.map((c, i) => [c.name, bad[i]])));
    expect(badParsed.success).toBe(false);
    const zodIssues = badParsed.success ? [] : columnIssuesFromZod(badParsed.error);
    expect(checker.check(bad).issues.map((i) => ({ column: i.column, reason: i.reason }))).toEqual(zodIssues);
  });

  it('stores case amounts as cents and counts as numbers', () => {
    const participants = csvFileDefFor(csvLayout('case-extract'), 'participants.csv');
    const row = participants.columns.map((c) =>
      c.name === 'household_income_annual' ? '85000.07' : c.name === 'household_size' ? '4' : c.type === 'flag' ? 'N' : c.required ? 'X' : '',
    );
    const { values, issues } = compileCsvRowChecker(participants).check(row);
    expect(issues).toEqual([]);
    const stored = Object.fromEntries(participants.columns.map((c, i) => [c.name, values[i]]));
    expect(stored).toMatchObject({ household_income_annual: 8500007, household_size: 4, dob: null, receives_ssi: 'N', person_id: 'X' });
  });
});

describe('issue messages', () => {
  it('name the column and carry only the masked value', () => {
    const [issue] = compileCsvRowChecker(oneColumnFile({ ...column('date', true), name: 'dob' })).check(['2026-02-30']).issues;
    expect(issue).toMatchObject({ column: 'dob', ordinal: 1, reason: 'BAD_DATE', valueMasked: '******2-30' });
    expect(issue?.message).toContain("'******2-30'");
    expect(issue?.message).toContain('dob');
    expect(issue?.message).not.toContain('2026-02-30');
  });
});

describe('invalidUtf8Offsets', () => {
  it('finds each ill-formed sequence', () => {
    const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);
    expect(invalidUtf8Offsets(Buffer.from('NUÑEZ 漢字 😀', 'utf8'))).toEqual([]);
    expect(invalidUtf8Offsets(bytes(0x41, 0xff, 0x42))).toEqual([1]); // never a UTF-8 byte
    expect(invalidUtf8Offsets(bytes(0x41, 0x80))).toEqual([1]); // lone continuation byte
    expect(invalidUtf8Offsets(bytes(0xc3, 0x41))).toEqual([0]); // truncated 2-byte sequence
    expect(invalidUtf8Offsets(bytes(0xc0, 0xaf))).toEqual([0, 1]); // overlong '/'
    expect(invalidUtf8Offsets(bytes(0xed, 0xa0, 0x80))).toEqual([0, 1, 2]); // UTF-16 surrogate
    expect(invalidUtf8Offsets(bytes(0xf4, 0x90, 0x80, 0x80))).toEqual([0, 1, 2, 3]); // above U+10FFFF
    expect(invalidUtf8Offsets(bytes(0xe2, 0x82), 100)).toEqual([100, 101]); // cut off, offsets from base
  });

  it('agrees with Node isUtf8 on random bytes', () => {
    let state = 12345;
    let invalid = 0;
    for (let n = 0; n < 5000; n++) {
      const buffer = Buffer.alloc(1 + (n % 12));
      for (let i = 0; i < buffer.length; i++) {
        state = (Math.imul(state, 1103515245) + 12345) >>> 0;
        // Mostly bytes from the interesting ranges (lead and continuation bytes), some ASCII.
        buffer[i] = state % 4 === 0 ? 0x41 : 0x80 + ((state >>> 8) % 0x80);
      }
      const found = invalidUtf8Offsets(buffer).length > 0;
      expect(found, buffer.toString('hex')).toBe(!isUtf8(buffer));
      if (found) invalid++;
    }
    expect(invalid).toBeGreaterThan(0);
    expect(invalid).toBeLessThan(5000);
  });
});

describe('validateCsvFile', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  function tmpFile(name: string, content: string | Buffer): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csv-schema-'));
    dirs.push(dir);
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  }

  const TASKS_HEADER = 'task_id,business_date,task_type,case_id,lcsa_code,person_id,source_interface,source_ref,amount,detail';

  it('reports types, required columns, enums and duplicate keys with physical lines', async () => {
    const file = tmpFile(
      'tasks.csv',
      [
        TASKS_HEADER,
        'T1,2026-11-20,OTHER,C1,037,P1,fidm,fidm-a.txt:2,100.00,"note, with comma"',
        'T2,2026-11-31,OTHER,,,,,,12.5,',
        'T1,2026-11-20,NOPE,,,,,,,',
        ',2026-11-20,OTHER,,,,,,,"multi',
        'line"',
        'T3,2026-11-20,OTHER,,,,,,-1.00,',
        '',
      ].join('\n'),
    );
    const rejects = await validateCsvFile(file, 'tasks');
    expect(rejects.map((r) => [r.line, r.field, r.reason])).toEqual([
      [3, 'business_date', 'BAD_DATE'],
      [3, 'amount', 'BAD_NUMBER'],
      [4, 'task_type', 'BAD_CODE'],
      [4, 'task_id', 'DUPLICATE_KEY'],
      [5, 'task_id', 'MISSING_REQUIRED'],
      [7, 'amount', 'BAD_NUMBER'],
    ]);
    expect(rejects.every((r) => r.file === 'tasks.csv' && r.recordType === 'tasks.csv')).toBe(true);
    expect(rejects[0]).toMatchObject({ start: 2, end: 2, valueMasked: '******1-31' });
    expect(rejects[0]?.message).toContain('tasks.csv line 3, column business_date');
  });

  it('is clean on a clean file, and checks a renamed copy of a one-file layout', async () => {
    const file = tmpFile('tasks-2026-11-20.csv', `${TASKS_HEADER}\r\nT1,2026-11-20,OTHER,,,,,,,\r\n`);
    expect(await validateCsvFile(file, 'tasks')).toEqual([]);
  });

  it('picks the case-extract file definition by base name and refuses unknown names', async () => {
    const participants = tmpFile('participants.csv', 'person_id,ssn\nP1,123456789\n');
    const rejects = await validateCsvFile(participants, 'case-extract');
    expect(rejects).toHaveLength(2);
    expect(rejects[0]).toMatchObject({ line: 1, reason: 'STRUCTURE' });
    expect(rejects[1]).toMatchObject({ line: 2, reason: 'FILE_REJECTED' });
    await expect(validateCsvFile(tmpFile('people.csv', 'x\n'), 'case-extract')).rejects.toBeInstanceOf(UnknownCsvFileError);
  });
});

describe('the plain-CSV reader (issue 10: no quote, CR, BOM or bad UTF-8: split lines and commas)', () => {
  const file: CsvFileDef = csvLayout('case-extract').files.find((f) => f.name === 'employers.csv')!;
  const header = file.columns.map((c) => c.name).join(',');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csebatch-plain-'));
  afterEach(() => fs.rmSync(path.join(dir, 'f.csv'), { force: true }));

  async function both(content: string | Buffer) {
    const filePath = path.join(dir, 'f.csv');
    fs.writeFileSync(filePath, content);
    const run = async (reader: typeof readCsvFile) => {
      const records: Array<[number, string[]]> = [];
      const rejects: unknown[] = [];
      const result = await reader({ path: filePath, fileName: 'f.csv', file, onRecord: (line, fields) => void records.push([line, fields]), onReject: (r) => void rejects.push(r) });
      return { result, records, rejects };
    };
    return { plain: await run(readCsvFile), parser: await run(readCsvFileWithParser) };
  }

  /** Random plain content: rows of the right width, short and long rows, blank lines, stray commas, with or without a last LF. */
  function randomPlain(seed: number): string {
    let x = seed;
    const r = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
    const lines = [r() < 0.9 ? header : 'employer_id,fein'];
    const n = Math.floor(r() * 40);
    for (let i = 0; i < n; i++) {
      const width = r() < 0.8 ? file.columns.length : Math.floor(r() * (file.columns.length + 3));
      const text = () => (r() < 0.1 ? 'NÚÑEZ' : r() < 0.05 ? '李' : r() < 0.02 ? '😀' : '');
      lines.push(r() < 0.1 ? '' : Array.from({ length: width }, (_, j) => (r() < 0.3 ? '' : `v${i}_${j}${text()}${r() < 0.1 ? ' ' : ''}`)).join(','));
    }
    return lines.join('\n') + (r() < 0.5 ? '\n' : '') + (r() < 0.1 ? '\n\n' : '');
  }

  it('gives the same records, lines, rejects, counts and hash as csv-parse on 300 random plain files (UTF-8 names included)', async () => {
    for (let seed = 1; seed <= 300; seed++) {
      const { plain, parser } = await both(randomPlain(seed));
      expect(plain, `seed ${seed}`).toEqual(parser);
    }
  });

  it('leaves every file with a quote, a CR, a BOM or invalid UTF-8 to csv-parse (same results either way)', async () => {
    const latin1 = Buffer.from(`${header}\nE\u00e91\n`, 'latin1'); // invalid UTF-8
    const cutSequence = Buffer.concat([Buffer.from(`${header}\nE1,`), Buffer.from([0xc3])]); // ends inside a sequence
    for (const content of [`${header}\n"E1",1,x\n`, `${header}\r\nE1\r\n`, latin1, cutSequence, `\ufeff${header}\n`, '']) {
      const { plain, parser } = await both(content);
      expect(plain).toEqual(parser);
    }
  });

  it('reads multi-byte characters cut by the 4 MiB read boundaries, and long lines', async () => {
    const rows: string[] = [header];
    let size = header.length + 1;
    for (let i = 1; size < (9 << 20); i++) {
      // a 3-byte character somewhere on most lines, so some straddle a read boundary; now and then a 900,000-byte line
      const name = `${'李'.repeat(i % 7)}${i % 5 === 0 ? 'Ñ' : ''}${i % 1001 === 0 ? 'x'.repeat(900_000) : ''}`;
      const line = `E${i},9${String(i).padStart(8, '0')},EMPLOYER ${name},${i} COMMERCE WAY,,SACRAMENTO,CA,95814,PAYROLL,9165550100,`;
      rows.push(line);
      size += Buffer.byteLength(line) + 1;
    }
    const { plain, parser } = await both(rows.join('\n') + '\n');
    expect(plain.result.records).toBe(rows.length - 1);
    expect(plain.records.length + plain.rejects.length).toBeGreaterThan(0);
    expect(plain).toEqual(parser);
  });
});
