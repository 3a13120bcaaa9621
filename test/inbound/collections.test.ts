/**
 * The collections interfaces (sdu-payments, lump-sum) on their fixtures:
 * - every file of fixtures/bad/<id>/ gives exactly the reader's reject rows of its expected.json
 *   (through `validateFile`, the reader the nightly run uses);
 * - the sdu-payments failures only the load can see (a receipt id reused with other content, a
 *   reversal naming no original, …: fixtures/bad/sdu-payments/expected-load.json) give their
 *   reject rows when the file is loaded, and every other record is a receipt or a counted duplicate;
 * - every valid file of the bundled inbox validates with no error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateFile } from '../../src/validate.ts';
import { loadFixedWidthInterface } from '../../src/inbound/loadInterface.ts';
import { FIXED_WIDTH_INBOUND } from '../../src/interfaces.ts';
import { createRunLogger } from '../../src/log.ts';
import { FIXTURES, tmpDir } from '../helpers/cli.ts';
import { person, World } from '../helpers/world.ts';

const IDS = ['sdu-payments', 'lump-sum'] as const;

interface Row {
  line: number;
  recordType: string;
  field: string;
  reason: string;
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

describe.each(IDS)('bad %s files give the reject rows derived by hand', (id) => {
  const dir = path.join(FIXTURES, 'bad', id);
  const expected = readJson<Record<string, Row[]>>(path.join(dir, 'expected.json'));

  it('expected.json covers every file of the folder', () => {
    expect(Object.keys(expected).sort()).toEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.txt')).sort());
  });

  it.each(Object.keys(expected))('%s', async (file) => {
    const report = await validateFile(path.join(dir, file), id);
    expect(report.errors.map(({ line, recordType, field, reason }) => ({ line, recordType, field, reason }))).toEqual(expected[file]);
  });
});

interface LoadExpectation {
  rejects: Array<Row & { start: number; end: number }>;
  receipts: string[];
  duplicates: number;
  loaded: number;
  rejected: number;
}

describe('sdu-payments failures the load finds across records (expected-load.json)', () => {
  const expected = readJson<Record<string, LoadExpectation>>(path.join(FIXTURES, 'bad', 'sdu-payments', 'expected-load.json'));
  const spec = FIXED_WIDTH_INBOUND.find((s) => s.id === 'sdu-payments')!;

  it.each(Object.keys(expected))('%s', async (file) => {
    const want = expected[file]!;
    const w = new World();
    w.addPerson(person('P600060', { ssn: '900600060' }));
    const inbox = tmpDir();
    const dateDir = path.join(inbox, '2026-11-20');
    fs.mkdirSync(path.join(dateDir, 'sdu-payments'), { recursive: true });
    fs.copyFileSync(path.join(FIXTURES, 'bad', 'sdu-payments', file), path.join(dateDir, 'sdu-payments', file));
    const { files } = await loadFixedWidthInterface({ db: w.db, businessDate: '2026-11-20', runId: 1, dateDir, log: createRunLogger(null, 'silent') }, spec, inbox);
    const rejects = w.db
      .prepare('SELECT line, record_type AS recordType, field, start_pos AS start, end_pos AS end, reason FROM rejects ORDER BY line')
      .all();
    expect(rejects).toEqual(want.rejects);
    expect((w.db.prepare('SELECT receipt_id FROM sdu_receipts ORDER BY receipt_id').all() as Array<{ receipt_id: string }>).map((r) => r.receipt_id)).toEqual(want.receipts);
    expect(w.db.prepare('SELECT count(*) AS n FROM sdu_duplicates').get()).toEqual({ n: want.duplicates });
    expect(files.map((f) => ({ loaded: f.loaded, rejected: f.rejected }))).toEqual([{ loaded: want.loaded, rejected: want.rejected }]);
    expect(w.db.prepare('SELECT read, loaded, rejected FROM inbound_files').get()).toEqual({ read: want.loaded + want.rejected, loaded: want.loaded, rejected: want.rejected });
    // every detail loaded is a receipt or a counted duplicate
    expect(want.receipts.length + want.duplicates).toBe(want.loaded - 2);
  });
});

describe('the bundled nights', () => {
  const files = fs
    .readdirSync(path.join(FIXTURES, 'inbox'))
    .flatMap((date) => IDS.flatMap((id) => {
      const dir = path.join(FIXTURES, 'inbox', date, id);
      return fs.existsSync(dir) ? fs.readdirSync(dir).map((f) => [id, path.join(dir, f)] as const) : [];
    }));

  it('have sdu-payments and lump-sum files', () => {
    expect(files.filter(([id]) => id === 'sdu-payments').length).toBeGreaterThanOrEqual(6);
    expect(files.filter(([id]) => id === 'lump-sum').length).toBeGreaterThanOrEqual(4);
  });

  it.each(files)('%s %s validates', async (id, file) => {
    const report = await validateFile(file, id);
    expect(report.errors).toEqual([]);
  });
});
