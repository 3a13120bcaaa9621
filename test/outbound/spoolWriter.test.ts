/**
 * The spool writer thread (src/outbound/spoolWriter.ts): spools' bytes written, hashed and synced
 * on a worker, in order and per spool, with a failed write raised on the main thread.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LineSpool } from '../../src/outbound/spool.ts';
import { spoolWriter, SLOT_BYTES } from '../../src/outbound/spoolWriter.ts';
import { tmpDir } from '../helpers/cli.ts';

const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

describe('spool writer thread', () => {
  it('runs in a run of the tests (the spools below go through it)', () => {
    expect(spoolWriter()).not.toBeNull();
  });

  it('keeps interleaved spools apart: each file holds its own records in order, with its own sha256', () => {
    const dir = tmpDir();
    const a = new LineSpool(dir, 'a.txt');
    const b = new LineSpool(dir, 'b.txt');
    const linesA: string[] = [];
    const linesB: string[] = [];
    // ~26 MiB over the two: more than the pool's 8 slots, so the main thread waits for the worker
    for (let i = 0; i < 5500; i++) {
      const la = `A${String(i).padStart(6, '0')}${'a'.repeat(2399)}`;
      const lb = `B${i}${'ñ'.repeat(i % 3000)}`;
      a.push(la);
      linesA.push(la);
      b.push(lb);
      linesB.push(lb);
    }
    const ca = a.finish() as { spooled: string; bytes: number; sha256: string };
    const cb = b.finish() as { spooled: string; bytes: number; sha256: string };
    const expectedA = Buffer.from(`${linesA.join('\n')}\n`, 'utf8');
    const expectedB = Buffer.from(`${linesB.join('\n')}\n`, 'utf8');
    expect(expectedA.length + expectedB.length).toBeGreaterThan(8 * SLOT_BYTES);
    expect(fs.readFileSync(ca.spooled).equals(expectedA)).toBe(true);
    expect(fs.readFileSync(cb.spooled).equals(expectedB)).toBe(true);
    expect(ca).toMatchObject({ bytes: expectedA.length, sha256: sha256(expectedA) });
    expect(cb).toMatchObject({ bytes: expectedB.length, sha256: sha256(expectedB) });
  });

  it('raises a failed write at the spool\'s finish with the system\'s code, and goes on serving other spools', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'read-only.txt');
    fs.writeFileSync(file, '');
    const fd = fs.openSync(file, 'r'); // writes to it fail with EBADF
    const writer = spoolWriter()!;
    const id = writer.open(fd);
    writer.write(id, Buffer.from('one record\n'));
    expect(() => writer.finish(id)).toThrow(expect.objectContaining({ code: 'EBADF' }));
    fs.closeSync(fd);

    const ok = new LineSpool(dir, 'after.txt');
    ok.push('still written');
    const content = ok.finish() as { spooled: string };
    expect(fs.readFileSync(content.spooled, 'utf8')).toBe('still written\n');
  });

  it('raises a failed write at the spool\'s next hand-over, before more of its bytes are taken', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'read-only-2.txt');
    fs.writeFileSync(file, '');
    const fd = fs.openSync(file, 'r');
    const writer = spoolWriter()!;
    const id = writer.open(fd);
    writer.write(id, Buffer.alloc(1000, 65));
    // the worker answers the failure asynchronously: hand over until it has
    let raised: unknown;
    for (let i = 0; i < 10_000 && raised === undefined; i++) {
      try {
        writer.write(id, Buffer.alloc(10, 66));
      } catch (e) {
        raised = e;
      }
    }
    expect(raised).toEqual(expect.objectContaining({ code: 'EBADF' }));
    expect(() => writer.finish(id)).toThrow(expect.objectContaining({ code: 'EBADF' }));
    fs.closeSync(fd);
  });
});
