/**
 * Spooled outbound files: in a run, records go to the atomic write's temporary file as they are
 * formatted (never the whole file in memory), and writeOutbound renames it into place.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db.ts';
import { stringify } from 'csv-stringify/sync';
import { LineSpool, isSpooled, spoolCsv } from '../../src/outbound/spool.ts';
import { writeOutbound } from '../../src/outbound/outputs.ts';
import { tmpDir } from '../helpers/cli.ts';

describe('LineSpool', () => {
  it('without a folder keeps the records in memory', () => {
    const s = new LineSpool(undefined, 'x.txt');
    s.push('A');
    s.push('B');
    expect(s.lines).toBe(2);
    expect(s.finish()).toEqual(['A', 'B']);
  });

  it('with a folder writes them, in chunks, to .<file>.<pid>.tmp with their sha256; writeOutbound renames it (mode 0600)', () => {
    const dir = tmpDir();
    const s = new LineSpool(dir, 'big.txt');
    const line = 'X'.repeat(2405);
    for (let i = 0; i < 600; i++) s.push(`${line}${i % 10}`); // ≈ 1.4 MB: a 1 MiB chunk and the rest
    const tmp = path.join(dir, `.big.txt.${process.pid}.tmp`);
    expect(fs.existsSync(tmp)).toBe(true);
    const content = s.finish();
    expect(isSpooled(content)).toBe(true);
    const bytes = fs.readFileSync(tmp);
    expect(content).toEqual({ spooled: tmp, bytes: bytes.length, sha256: crypto.createHash('sha256').update(bytes).digest('hex') });
    expect(bytes.length).toBe(600 * 2407);

    const db = openDb(':memory:');
    writeOutbound(db, dir, '2026-11-20', { interface: 'eiwo', file: 'big.txt', content, records: {}, controls: {}, truncated: 0 });
    expect(fs.existsSync(tmp)).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'big.txt')).equals(bytes)).toBe(true); // (toEqual walks 1.4 MB byte by byte)
    expect(fs.statSync(path.join(dir, 'big.txt')).mode & 0o777).toBe(0o600);
    expect(db.prepare('SELECT bytes, sha256 FROM output_files').get()).toEqual({ bytes: bytes.length, sha256: (content as { sha256: string }).sha256 });
  });
});

describe('spoolCsv (tasks.csv and the rejects files, streamed)', () => {
  // fields that need quoting (comma, quote, CR, LF), empty ones, accents; 2,501 records: batches of 1,000 and a rest
  const records = (): string[][] => [
    ['task_id', 'detail'],
    ...Array.from({ length: 2500 }, (_, i) => [`T${i}`, ['', 'a,b', 'say "hi"', 'two\nlines', 'cr\r', 'JOSÉ', 'plain'][i % 7]!]),
  ];
  const whole = () => Buffer.from(stringify(records(), { record_delimiter: '\n' }), 'utf8');

  it('writes the same bytes as one stringify of every record, in a file and in memory', () => {
    const dir = tmpDir();
    const s = new LineSpool(dir, 'x.csv');
    expect(spoolCsv(s, records())).toBe(2501);
    const content = s.finish();
    if (!isSpooled(content)) throw new Error('expected a spooled file');
    expect(fs.readFileSync(content.spooled).equals(whole())).toBe(true);

    const m = new LineSpool(undefined, 'x.csv');
    spoolCsv(m, records());
    const db = openDb(':memory:');
    writeOutbound(db, dir, '2026-11-20', { interface: 'tasks', file: 'y.csv', content: m.finish(), records: {}, controls: {}, truncated: 0 });
    expect(fs.readFileSync(path.join(dir, 'y.csv')).equals(whole())).toBe(true);
  });

  it('a header alone is one line', () => {
    const m = new LineSpool(undefined, 'x.csv');
    expect(spoolCsv(m, [['a', 'b']])).toBe(1);
    expect(m.finish()).toEqual(['a,b']);
  });
});
