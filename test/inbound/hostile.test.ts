/**
 * Hostile inbox contents, end to end through the CLI: path tricks and symlinks out of the inbox,
 * non-ASCII bytes in fixed-width files, invalid UTF-8 in CSV files, a 10 MB line — each rejected
 * cleanly, with a reject row naming the file and the line, while the rest of the night runs. Plus
 * output file modes and logs free of fixture SSNs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileLayout } from '../../src/layout/codec.ts';
import { fixedLayout } from '../../src/layout/registry.ts';
import { readFixedWidthFile } from '../../src/inbound/fixedWidthReader.ts';
import { cli, copyInbox, tmpDir } from '../helpers/cli.ts';
import { expectLogsFreeOfSecrets, fixtureDates } from '../helpers/operator.ts';
import { csvRows } from '../helpers/records.ts';

const D = fixtureDates()[0]!;
const outs: string[] = [];

afterAll(() => {
  expect(expectLogsFreeOfSecrets(outs)).toBeGreaterThan(0);
});

function rejects(out: string, id: string): Array<Record<string, string>> {
  return csvRows(path.join(out, D, 'rejects', `${id}.rejects.csv`));
}

async function night(prepare: (inbox: string) => void) {
  const inbox = copyInbox();
  const out = tmpDir();
  outs.push(out);
  prepare(inbox);
  const r = await cli('nightly', '--date', D, '--inbox', inbox, '--out', out);
  return { inbox, out, r };
}

function firstFile(inbox: string, id: string): string {
  const dir = path.join(inbox, D, id);
  return path.join(dir, fs.readdirSync(dir).sort()[0]!);
}

describe('hostile inbox contents', () => {
  it('an interface folder that is a symlink out of the inbox (../ outside): its files are refused, not read', async () => {
    const outside = tmpDir();
    const { out, r } = await night((inbox) => {
      fs.cpSync(path.join(inbox, D, 'edd'), path.join(outside, 'edd'), { recursive: true });
      fs.rmSync(path.join(inbox, D, 'edd'), { recursive: true });
      // a relative link climbing out of the inbox
      fs.symlinkSync(path.relative(path.join(inbox, D), path.join(outside, 'edd')), path.join(inbox, D, 'edd'));
    });
    expect(r.code).toBe(1);
    const rows = rejects(out, 'edd');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((x) => x.reason === 'FILE_REJECTED' && x.line === '0' && x.file !== '')).toBe(true);
    // the other interfaces and the rules still ran
    expect(fs.existsSync(path.join(out, D, 'levy-otw.txt'))).toBe(true);
  });

  it('a case-extract file that is a symlink out of the inbox rejects the snapshot, naming the file', async () => {
    const outside = path.join(tmpDir(), 'participants.csv');
    const { out, r } = await night((inbox) => {
      const p = path.join(inbox, D, 'case-extract', 'participants.csv');
      fs.renameSync(p, outside);
      fs.symlinkSync(outside, p);
    });
    expect(r.code).toBe(1);
    const rows = rejects(out, 'case-extract');
    expect(rows.some((x) => x.file === 'participants.csv' && x.reason === 'STRUCTURE')).toBe(true);
  });

  it('`..` in a --date or an interface id is a usage error; nothing read', async () => {
    const out = tmpDir();
    expect((await cli('nightly', '--date', '../2026-09-15', '--out', out)).code).toBe(2);
    expect((await cli('run', '../fidm', '--date', D, '--out', out)).code).toBe(2);
    expect(fs.readdirSync(out)).toEqual([]);
  });

  it('non-ASCII bytes in a fixed-width file: NON_ASCII on that line of that file', async () => {
    let name = '';
    const { out, r } = await night((inbox) => {
      const f = firstFile(inbox, 'edd');
      name = path.basename(f);
      const lines = fs.readFileSync(f, 'latin1').split('\n');
      lines[1] = `${lines[1]!.slice(0, 20)}\u00e9${lines[1]!.slice(21)}`; // one byte 0xE9 in place
      fs.writeFileSync(f, lines.join('\n'), 'latin1');
    });
    expect(r.code).toBe(1);
    const rows = rejects(out, 'edd');
    expect(rows.some((x) => x.file === name && x.line === '2' && x.reason === 'NON_ASCII')).toBe(true);
  });

  it('invalid UTF-8 in a CSV file: rejected on its line, the snapshot refused', async () => {
    const { out, r } = await night((inbox) => {
      const f = path.join(inbox, D, 'case-extract', 'employers.csv');
      const lines = fs.readFileSync(f).toString('latin1').split('\n');
      lines[2] = `${lines[2]!}`.replace(/[A-Z]/, '\u00ff'); // a lone 0xFF byte: never valid UTF-8
      fs.writeFileSync(f, Buffer.from(lines.join('\n'), 'latin1'));
    });
    expect(r.code).toBe(1);
    const rows = rejects(out, 'case-extract');
    expect(rows.some((x) => x.file === 'employers.csv' && x.line === '3')).toBe(true);
    expect(fs.existsSync(path.join(out, D, 'levy-otw.txt'))).toBe(false);
  });

  it('a 10 MB line in a fixed-width file: LINE_LENGTH on that line, read no further than the limit', async () => {
    let name = '';
    const { out, r } = await night((inbox) => {
      const f = firstFile(inbox, 'fidm');
      name = path.basename(f);
      const lines = fs.readFileSync(f, 'latin1').split('\n');
      lines.splice(2, 0, 'B'.padEnd(10 * 1024 * 1024, '9'));
      fs.writeFileSync(f, lines.join('\n'), 'latin1');
    });
    expect(r.code).toBe(1);
    const rows = rejects(out, 'fidm');
    const row = rows.find((x) => x.file === name && x.line === '3' && x.reason === 'LINE_LENGTH');
    expect(row).toBeDefined();
    // the reject row carries a masked value, never the 10 MB
    expect(fs.statSync(path.join(out, D, 'rejects', 'fidm.rejects.csv')).size).toBeLessThan(100_000);
  });

  it('a 10 MB line in a CSV file: rejected on its line', async () => {
    const { out, r } = await night((inbox) => {
      const f = path.join(inbox, D, 'case-extract', 'children.csv');
      const text = fs.readFileSync(f, 'utf8').split('\n');
      text.splice(2, 0, 'X'.repeat(10 * 1024 * 1024));
      fs.writeFileSync(f, text.join('\n'));
    });
    expect(r.code).toBe(1);
    const rows = rejects(out, 'case-extract');
    expect(rows.some((x) => x.file === 'children.csv' && x.line === '3')).toBe(true);
  });

  it('a batch trailer closing records outside any block rejects all of them (reader regression)', async () => {
    const fidm = compileLayout(fixedLayout('fidm'), { signedOverpunch: ['bRecord.accountBalance'] });
    const src = fs.readFileSync(firstFile(copyInbox(), 'fidm'), 'latin1').split('\n').filter((l) => l !== '');
    // A A B T B B T: the second A leaves the first unclosed; B B T after the block are orphans
    const a = src.findIndex((l) => l.startsWith('A'));
    const b = src.findIndex((l) => l.startsWith('B'));
    const t = src.findIndex((l) => l.startsWith('T'));
    const lines = [src[a]!, src[a]!, src[b]!, src[t]!, src[b]!, src[b]!, src[t]!];
    const f = path.join(tmpDir(), 'm.txt');
    fs.writeFileSync(f, `${lines.join('\n')}\n`, 'latin1');
    const handed = new Set<number>();
    const res = await readFixedWidthFile({
      compiled: fidm,
      path: f,
      fileName: 'm.txt',
      onRecord: (rec) => handed.add(rec.line),
      onDiscard: (from, to) => {
        for (let l = from; l <= to; l++) handed.delete(l);
      },
    });
    const rejected = new Set(res.rejects.map((x) => x.line));
    for (const l of [5, 6, 7]) expect(rejected.has(l), `line ${l}`).toBe(true);
    expect(res.loaded).toBe(handed.size);
    expect(res.read).toBe(res.loaded + res.rejected);
  });

  it('creates every output file (outbound, rejects, manifest, logs) with mode 0600', async () => {
    const { out } = await night(() => {});
    const walk = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    const files = [...walk(path.join(out, D)), ...walk(path.join(out, 'logs'))];
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) expect(fs.statSync(f).mode & 0o777, f).toBe(0o600);
  });
});
