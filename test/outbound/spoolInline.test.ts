/**
 * With CSEBATCH_SPOOL_THREAD=0 (or no worker thread to be had) a spool writes, hashes and syncs on
 * the main thread: the same bytes and sha256 as through the writer thread.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { LineSpool } from '../../src/outbound/spool.ts';
import { spoolWriter } from '../../src/outbound/spoolWriter.ts';
import { tmpDir } from '../helpers/cli.ts';

const before = process.env.CSEBATCH_SPOOL_THREAD;
process.env.CSEBATCH_SPOOL_THREAD = '0'; // read at the first spool of this file's module graph
afterAll(() => {
  if (before === undefined) delete process.env.CSEBATCH_SPOOL_THREAD;
  else process.env.CSEBATCH_SPOOL_THREAD = before;
});

describe('LineSpool without the writer thread', () => {
  it('writes the file and its sha256 itself', () => {
    expect(spoolWriter()).toBeNull();
    const dir = tmpDir();
    const s = new LineSpool(dir, 'inline.txt');
    const lines = Array.from({ length: 1200 }, (_, i) => `${i}${'é'.repeat(i)}`);
    for (const l of lines) s.push(l);
    const content = s.finish() as { spooled: string; bytes: number; sha256: string };
    const expected = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
    expect(fs.readFileSync(content.spooled).equals(expected)).toBe(true);
    expect(content).toMatchObject({ bytes: expected.length, sha256: crypto.createHash('sha256').update(expected).digest('hex') });
  });
});
