/**
 * The spool encodes records straight into a reused buffer (src/outbound/spool.ts): the file must
 * hold exactly the bytes the former join + Buffer.from(…, 'utf8') produced, whatever the records
 * hold (non-ASCII, lone surrogates, records longer than the buffer) and wherever chunks end.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LineSpool } from '../../src/outbound/spool.ts';
import { tmpDir } from '../helpers/cli.ts';

function spooled(lines: readonly string[]): { bytes: Buffer; content: { bytes: number; sha256: string } } {
  const s = new LineSpool(tmpDir(), 'f.txt');
  for (const line of lines) s.push(line);
  const content = s.finish() as { spooled: string; bytes: number; sha256: string };
  return { bytes: fs.readFileSync(content.spooled), content };
}

describe('LineSpool bytes', () => {
  it('are the UTF-8 of the records joined by LF, for any text and any record length', () => {
    const lines: string[] = [];
    for (let i = 0; i < 1500; i++) lines.push(`${'Y'.repeat(i % 7 === 0 ? 2406 : i)}é${i}`);
    lines.push('a\u{1F600}b', 'lone \uD800 surrogate', '', 'Z'.repeat(3 << 20), 'ñ'.repeat(400_000), 'end');
    const { bytes, content } = spooled(lines);
    const expected = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
    expect(bytes.equals(expected)).toBe(true);
    expect(content.bytes).toBe(expected.length);
    expect(content.sha256).toBe(crypto.createHash('sha256').update(expected).digest('hex'));
  });

  it('an empty spool is an empty file', () => {
    const { bytes, content } = spooled([]);
    expect(bytes.length).toBe(0);
    expect(content.sha256).toBe(crypto.createHash('sha256').update('').digest('hex'));
  });
});
