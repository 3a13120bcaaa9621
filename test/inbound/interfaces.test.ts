/**
 * The readers of the other inbound interfaces (ocss-im, dir-wc, calpers, tsp, edd, ftb,
 * fop-collections, fop-rejects) on their fixtures, through `validateFile` (the reader the nightly
 * run uses):
 * - every file of fixtures/bad/<id>/ gives exactly the reject rows of its expected.json
 *   (line, record type, field, reason; derived by hand from OPERATIONS.md "Rejects");
 * - every valid file of the bundled inbox validates with no error, and its counts agree with
 *   fixtures/expected/<date>/inbound-counts.json;
 * - fop-collections accepts 240-byte records and reads signed overpunch amounts as signed cents.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { validateFile } from '../../src/validate.ts';
import { compileLayout } from '../../src/layout/codec.ts';
import { fixedLayout } from '../../src/layout/registry.ts';
import { FIXED_WIDTH_INBOUND } from '../../src/interfaces.ts';
import { PACKAGE_ROOT } from '../../src/config.ts';
import type { RecordValues } from '../../src/types.ts';

const FIXTURES = path.join(PACKAGE_ROOT, 'fixtures');
const IDS = ['ocss-im', 'dir-wc', 'calpers', 'tsp', 'edd', 'ftb', 'fop-collections', 'fop-rejects', 'csln'] as const;
const DATES = ['2026-09-15', '2026-11-20'] as const;

interface Row {
  line: number;
  recordType: string;
  field: string;
  reason: string;
}

function sorted(rows: Row[]): Row[] {
  return rows
    .map(({ line, recordType, field, reason }) => ({ line, recordType, field, reason }))
    .sort((a, b) => a.line - b.line || a.reason.localeCompare(b.reason) || a.field.localeCompare(b.field) || a.recordType.localeCompare(b.recordType));
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

function inboxFiles(date: string, id: string): string[] {
  const dir = path.join(FIXTURES, 'inbox', date, id);
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort().map((f) => path.join(dir, f)) : [];
}

describe.each(IDS)('bad %s files give the reject rows derived by hand', (id) => {
  const dir = path.join(FIXTURES, 'bad', id);
  const expected = readJson<Record<string, Row[]>>(path.join(dir, 'expected.json'));

  it('expected.json covers every file of the folder', () => {
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();
    expect(Object.keys(expected).sort()).toEqual(files);
  });

  it.each(Object.keys(expected))('%s', async (name) => {
    const report = await validateFile(path.join(dir, name), id);
    expect(sorted(report.errors)).toEqual(sorted(expected[name]!));
    expect(report.valid).toBe(expected[name]!.length === 0);
  });
});

describe('bundled valid files', () => {
  const valid = DATES.flatMap((date) => IDS.flatMap((id) => inboxFiles(date, id).map((file) => ({ date, id, file }))));

  it('there is a file of every interface on 2026-11-20 (csln: 2026-09-30 and 2026-10-31) and of edd and ftb on both dates', () => {
    for (const id of IDS.filter((i) => i !== 'csln')) expect(inboxFiles('2026-11-20', id).length, id).toBeGreaterThan(0);
    for (const d of ['2026-09-30', '2026-10-31']) expect(inboxFiles(d, 'csln').length, d).toBeGreaterThan(0);
    for (const id of ['edd', 'ftb']) expect(inboxFiles('2026-09-15', id).length, id).toBeGreaterThan(0);
  });

  it.each(valid.map((v) => [`${v.date}/${v.id}/${path.basename(v.file)}`, v] as const))('%s validates with no error', async (_, v) => {
    const report = await validateFile(v.file, v.id);
    expect(report.errors).toEqual([]);
    expect(report.valid).toBe(true);
  });

  it('the extra MSFIDM file of the EDD levy scenarios validates', async () => {
    const report = await validateFile(path.join(FIXTURES, 'inbox', '2026-11-20', 'msfidm', 'MSFIDM_20261120_EDD.txt'), 'msfidm');
    expect(report.errors).toEqual([]);
  });
});

/** SSN -> person ids, and the person ids that are the obligor of some case, from the case extract of D. */
function caseExtract(date: string): { owners: Map<string, string[]>; obligors: Set<string> } {
  const dir = path.join(FIXTURES, 'inbox', date, 'case-extract');
  const people = parse(fs.readFileSync(path.join(dir, 'participants.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
  const cases = parse(fs.readFileSync(path.join(dir, 'cases.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
  const owners = new Map<string, string[]>();
  for (const p of people) if (/^\d{9}$/.test(p.ssn ?? '')) owners.set(p.ssn!, [...(owners.get(p.ssn!) ?? []), p.person_id!]);
  return { owners, obligors: new Set(cases.map((c) => c.obligor_person_id!)) };
}

describe.each(DATES)('inbound counts of %s', (date) => {
  const expected = readJson<Record<string, { read: number; loaded: number; rejected: number; noMatch: number; ambiguous: number }>>(
    path.join(FIXTURES, 'expected', date, 'inbound-counts.json'),
  );

  it.each(IDS)('%s: read, loaded, rejected, noMatch and ambiguous', async (id) => {
    const { owners, obligors } = caseExtract(date);
    const spec = FIXED_WIDTH_INBOUND.find((s) => s.id === id)!;
    const compiled = compileLayout(fixedLayout(id));
    const got = { read: 0, loaded: 0, rejected: 0, noMatch: 0, ambiguous: 0 };
    for (const file of inboxFiles(date, id)) {
      const report = await validateFile(file, id);
      const lines = report.lines ?? Number.NaN; // null only for CSV layouts
      got.read += lines;
      got.loaded += lines - report.rejectedLines;
      got.rejected += report.rejectedLines;
      for (const line of fs.readFileSync(file, 'latin1').split('\n').filter((l) => l !== '')) {
        const { record, values } = compiled.parse(line.replace(/\r$/, ''));
        const ssnField = spec.ssnFields.find((f) => f.startsWith(`${record?.name}.`));
        if (ssnField === undefined) continue; // header / trailer
        const persons = owners.get(String(values[ssnField.split('.')[1]!])) ?? [];
        if (persons.length > 1) got.ambiguous++;
        else if (!persons.some((p) => obligors.has(p))) got.noMatch++;
      }
    }
    expect(got).toEqual(expected[id]);
  });
});

describe('fop-collections', () => {
  const compiled = compileLayout(fixedLayout('fop-collections'));
  const values = (file: string): RecordValues[] =>
    fs
      .readFileSync(file, 'latin1')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => compiled.parse(l).values);

  it('accepts 240-byte records as if 241-245 were spaces', async () => {
    const file = path.join(FIXTURES, 'bad', 'fop-collections', 'short-240-valid.txt');
    const lines = fs.readFileSync(file, 'latin1').split('\n').filter((l) => l !== '');
    expect(lines.map((l) => l.length)).toEqual([240, 240, 240, 240]);
    const report = await validateFile(file, 'fop-collections');
    expect(report.errors).toEqual([]);
    expect(report.lines).toBe(4);
    expect(report.rejectedLines).toBe(0);
  });

  it('reads the overpunched amounts of 2026-11-20 as signed cents', () => {
    const rows = values(path.join(FIXTURES, 'inbox', '2026-11-20', 'fop-collections', 'FOP_COLL_20261120.txt'));
    const amounts = rows.slice(0, -1).map((v) => [v.certifiedArrearageAmount, v.collectionAmount, v.adjustmentAmount]);
    expect(amounts).toEqual([
      [80000, 52300, 0], //       0000008000{ 0000005230{ 0000000000{
      [120000, 61240, 0],
      [120000, 0, -30625], //     injured spouse share back: 0000003062N (N = -5)
      [250000, 21550, 0], //      certified arrearage with a plain last digit: 00000250000
      [40000, 18000, 0],
      [200000, 7525, 0], //       0000000752E (E = +5)
      [300000, 31000, 0],
      [400000, 40000, 0],
      [160000, 0, 8800], //       positive adjustment 0000000880{
      [180000, 25000, 0],
      [350000, 14001, 0], //      0000001400A (A = +1)
    ]);
    const trailer = rows.at(-1)!;
    expect(trailer).toMatchObject({
      adjustmentCount: '000000000000002',
      collectionCount: '000000000000009',
      arrearageAmountTotal: 2200000,
      collectionAmountTotal: 270616,
      adjustmentAmountTotal: -21825, // 0000002182N
      netAmount: 292441, // collections minus adjustments (ICD: inferred, not a control)
    });
  });

  it('reads every overpunch character of the ICD', () => {
    const base = fs.readFileSync(path.join(FIXTURES, 'inbox', '2026-11-20', 'fop-collections', 'FOP_COLL_20261120.txt'), 'latin1').split('\n')[0]!;
    const field = compiled.recordByName('tanfDetail').fieldByName.get('collectionAmount')!;
    const withAmount = (raw: string) => base.slice(0, field.start - 1) + raw + base.slice(field.end);
    '{ABCDEFGHI'.split('').forEach((c, d) => expect(compiled.parse(withAmount(`0000001234${c}`)).values.collectionAmount).toBe(12340 + d));
    '}JKLMNOPQR'.split('').forEach((c, d) => expect(compiled.parse(withAmount(`0000001234${c}`)).values.collectionAmount).toBe(-(12340 + d)));
    expect(compiled.parse(withAmount('00000012347')).values.collectionAmount).toBe(12347);
    expect(compiled.parse(withAmount('0000000000}')).values.collectionAmount).toBe(0);
    expect(compiled.parse(withAmount('0000001234S')).issues.map((i) => i.reason)).toEqual(['BAD_OVERPUNCH']);
  });
});
