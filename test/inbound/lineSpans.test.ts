/**
 * readLineSpans (src/io/lines.ts) hands lines over undecoded, chunk by chunk; decoded, they must be
 * exactly the lines a plain split gives (LF or CRLF, last line without LF, lines cut at maxLineBytes
 * and the rest skipped), whatever the chunk size, with line numbers without gaps.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLineSpans, type FileLine } from '../../src/io/lines.ts';
import { tmpDir } from '../helpers/cli.ts';

function expected(content: Buffer, max: number): FileLine[] {
  const text = content.toString('latin1');
  const parts = text.split('\n');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts.map((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    return line.length > max ? { line: raw.slice(0, max), lineNo: i + 1, tooLong: true } : { line, lineNo: i + 1, tooLong: false };
  });
}

async function spans(file: string, max: number, highWaterMark: number): Promise<FileLine[]> {
  const out: FileLine[] = [];
  for await (const batch of readLineSpans(file, { maxLineBytes: max, highWaterMark })) {
    for (let i = 0; i < batch.length; i++) out.push({ line: batch.text(i), lineNo: batch.firstLineNo + i, tooLong: batch.tooLong(i) });
  }
  return out;
}

describe('readLineSpans', () => {
  it('decodes the same lines as a split, for any chunk size', async () => {
    const pieces: string[] = [];
    for (let i = 0; i < 300; i++) {
      const length = (i * 37) % 61;
      pieces.push(`${String.fromCharCode(65 + (i % 26)).repeat(length)}${i % 5 === 0 ? '\u00e9' : ''}${i % 3 === 0 ? '\r' : ''}`);
    }
    const content = Buffer.from(`${pieces.join('\n')}\nlast without LF`, 'latin1');
    const file = path.join(tmpDir(), 'lines.txt');
    fs.writeFileSync(file, content);
    for (const max of [40, 60, 1000]) {
      for (const highWaterMark of [7, 64, 100, 1 << 16]) {
        // a cut line's rest is skipped: the split's view of it is the same once cut (tested above by expected())
        expect(await spans(file, max, highWaterMark), `max ${max}, chunk ${highWaterMark}`).toEqual(expected(content, max));
      }
    }
  });
});
