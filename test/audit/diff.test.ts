/**
 * `csebatch diff`: records matched by natural key (not line number), field-level changes with
 * positions, SSN-like fields masked unless --unmask, exit 0 equal / 1 different / 2 unusable.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffFiles, NATURAL_KEYS } from '../../src/audit/diff.ts';
import { compileLayout } from '../../src/layout/codec.ts';
import { fixedLayout, layoutIds, loadLayout } from '../../src/layout/registry.ts';
import { cli, FIXTURES, tmpDir } from '../helpers/cli.ts';

const GOLDEN = path.join(FIXTURES, 'golden', '2026-11-20', 'levy-otw.txt');
const otw = compileLayout(fixedLayout('levy-otw'));

function lines(file: string): string[] {
  return fs.readFileSync(file, 'latin1').split('\n').slice(0, -1);
}

function write(ls: string[]): string {
  const f = path.join(tmpDir(), 'b.txt');
  fs.writeFileSync(f, `${ls.join('\n')}\n`, 'latin1');
  return f;
}

/** Index of the n-th detail line of the golden file. */
function detailIndex(ls: string[], n: number): number {
  const idx = ls.map((l, i) => (l.startsWith('D') ? i : -1)).filter((i) => i >= 0);
  return idx[n]!;
}

describe('natural keys', () => {
  it('cover every fixed-width layout, outbound and inbound, with fields that exist', () => {
    for (const id of layoutIds()) {
      const layout = loadLayout(id);
      if (layout.format !== 'fixed') continue;
      const keys = NATURAL_KEYS[id];
      expect(keys, id).toBeDefined();
      const details = layout.recordTypes.filter((r) => r.occurs === 'many');
      for (const r of details) expect(keys![r.name], `${id}.${r.name}`).toBeDefined();
      for (const [record, fields] of Object.entries(keys!)) {
        const def = layout.recordTypes.find((r) => r.name === record);
        expect(def, `${id}.${record}`).toBeDefined();
        for (const f of fields) expect(def!.fields.some((x) => x.name === f), `${id}.${record}.${f}`).toBe(true);
      }
    }
  });
});

describe('diff of two levy-otw files', () => {
  it('a file against itself, or with two orders of one batch swapped, is equal (exit 0)', async () => {
    expect((await diffFiles(GOLDEN, GOLDEN, 'levy-otw')).equal).toBe(true);
    const ls = lines(GOLDEN);
    const i = detailIndex(ls, 1);
    // two consecutive details of one batch
    expect(ls[i + 1]!.startsWith('D')).toBe(true);
    [ls[i], ls[i + 1]] = [ls[i + 1]!, ls[i]!];
    const d = await diffFiles(GOLDEN, write(ls), 'levy-otw');
    expect(d.equal).toBe(true);
    expect((await cli('diff', GOLDEN, write(ls), '--layout', 'levy-otw')).code).toBe(0);
  });

  it('a changed amount is one changed record naming field, positions, old and new (matched by key, not line)', async () => {
    const ls = lines(GOLDEN);
    const i = detailIndex(ls, 2);
    const rec = otw.parse(ls[i]!);
    const amount = rec.record!.fieldByName.get('levyAmount')!;
    const oldRaw = ls[i]!.slice(amount.start - 1, amount.end);
    const newRaw = String(Number(oldRaw) + 1).padStart(oldRaw.length, '0');
    ls[i] = ls[i]!.slice(0, amount.start - 1) + newRaw + ls[i]!.slice(amount.end);
    // and the first batch moved to the end of the file: every line number shifts
    const firstE = ls.findIndex((l) => l.startsWith('E'));
    const moved = [ls[0]!, ...ls.slice(firstE + 1, -1), ...ls.slice(1, firstE + 1), ls.at(-1)!];
    expect(moved).toHaveLength(ls.length);
    const d = await diffFiles(GOLDEN, write(moved), 'levy-otw');
    expect(d.equal).toBe(false);
    expect(d.added).toEqual([]);
    expect(d.removed).toEqual([]);
    expect(d.changed).toHaveLength(1);
    expect(d.changed[0]!.fields).toEqual([{ field: 'levyAmount', start: amount.start, end: amount.end, old: oldRaw, new: newRaw }]);
    expect(d.changed[0]!.key).toContain(`fein=`);
    expect(d.changed[0]!.lineB).not.toBe(d.changed[0]!.lineA);
  });

  it('a removed and an added order; SSN and account masked in keys unless --unmask', async () => {
    const ls = lines(GOLDEN);
    const i = detailIndex(ls, 0);
    const removed = ls[i]!;
    const ssn = otw.parse(removed).values.ssn as string;
    const account = otw.parse(removed).values.accountNumber as string;
    // replace the order by one on another account of the same person
    const acc = otw.recordByName('detail').fieldByName.get('accountNumber')!;
    ls[i] = removed.slice(0, acc.start - 1) + 'ZZ99999999'.padEnd(acc.length) + removed.slice(acc.end);
    const b = write(ls);
    const d = await diffFiles(GOLDEN, b, 'levy-otw');
    expect(d.removed).toHaveLength(1);
    expect(d.added).toHaveLength(1);
    expect(d.removed[0]!.line).toBe(i + 1);
    const text = JSON.stringify(d);
    expect(text).not.toContain(ssn);
    expect(text).not.toContain(account);
    expect(text).toContain(ssn.slice(-4));
    const unmasked = await diffFiles(GOLDEN, b, 'levy-otw', { unmask: true });
    expect(JSON.stringify(unmasked)).toContain(ssn);
    const r = await cli('diff', GOLDEN, b, '--layout', 'levy-otw');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^- .*detail ssn=\*+\d{4}/m);
    expect(r.stdout).toMatch(/^\+ .*accountNumber=\*+9999/m);
    expect(r.stdout).not.toContain(ssn);
    const j = await cli('diff', GOLDEN, b, '--layout', 'levy-otw', '--json', '--unmask');
    expect(j.code).toBe(1);
    expect(JSON.parse(j.stdout).removed[0].key).toContain(account);
  });

  it('a changed SSN-like field shows masked old and new values', async () => {
    const ls = lines(GOLDEN);
    // the batch header's FEIN is part of the key; change the header's file sequence instead, and a
    // detail's SSN: the SSN is a key, so that order shows as removed + added, not as a changed field
    const hdr = otw.recordByName('header').fieldByName.get('fileSequence')!;
    ls[0] = ls[0]!.slice(0, hdr.start - 1) + '9'.repeat(hdr.length) + ls[0]!.slice(hdr.end);
    const d = await diffFiles(GOLDEN, write(ls), 'levy-otw');
    expect(d.changed.map((c) => [c.recordType, c.fields.map((f) => f.field)])).toEqual([['header', ['fileSequence']]]);
  });
});

describe('diff of inbound and other layouts', () => {
  it('fidm: a changed balance is reported on its account (SSN masked)', async () => {
    const dir = path.join(FIXTURES, 'inbox', '2026-11-20', 'fidm');
    const a = path.join(dir, fs.readdirSync(dir).sort()[0]!);
    const fidm = compileLayout(fixedLayout('fidm'));
    const ls = lines(a);
    const i = ls.findIndex((l) => l.startsWith('B'));
    const bal = fidm.recordByName('bRecord').fieldByName.get('accountBalance')!;
    ls[i] = ls[i]!.slice(0, bal.start - 1) + '7'.repeat(bal.length) + ls[i]!.slice(bal.end);
    const d = await diffFiles(a, write(ls), 'fidm');
    expect(d.changed).toHaveLength(1);
    expect(d.changed[0]!.fields[0]!.field).toBe('accountBalance');
    expect(d.changed[0]!.key).toMatch(/aRecord institutionTin=\d+ > bRecord matchedSsn=\*+\d{4} payeeAccountNumber=\*+/);
  });

  it('sdu-payments: receipts matched by receipt id; a changed amount is named on its receipt (issue 12)', async () => {
    const dir = tmpDir();
    const a = path.join(FIXTURES, 'inbox', '2026-11-20', 'sdu-payments', 'SDU_PAY_20261120.txt');
    const rows = lines(a);
    // swap two receipts and change the amount of R261120-0002 (+0.10: trailing overpunch { → A)
    const changed = [rows[0]!, rows[2]!.slice(0, 63) + 'A' + rows[2]!.slice(64), rows[1]!, ...rows.slice(3)];
    const b = path.join(dir, 'b.txt');
    fs.writeFileSync(b, changed.join('\n') + '\n');
    const run = await cli('diff', a, b, '--layout', 'sdu-payments', '--json');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { changed: Array<{ key: string; fields: Array<{ field: string; start: number; end: number }> }>; added: unknown[]; removed: unknown[] };
    expect(report.added).toEqual([]);
    expect(report.removed).toEqual([]);
    expect(report.changed.map((c) => [c.key, c.fields.map((f) => [f.field, f.start, f.end])])).toEqual([
      [expect.stringContaining('R261120-0002'), [['amount', 54, 64]]],
    ]);
  });

  it('CRLF line ends are read like LF', async () => {
    const crlf = path.join(tmpDir(), 'crlf.txt');
    fs.writeFileSync(crlf, fs.readFileSync(GOLDEN, 'latin1').replace(/\n/g, '\r\n'), 'latin1');
    expect((await diffFiles(GOLDEN, crlf, 'levy-otw')).equal).toBe(true);
  });

  it('exit 2: a missing file, an unknown layout, a CSV layout', async () => {
    const missing = path.join(tmpDir(), 'nope.txt');
    const r = await cli('diff', GOLDEN, missing, '--layout', 'levy-otw');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nope.txt');
    expect((await cli('diff', GOLDEN, GOLDEN, '--layout', 'nope')).code).toBe(2);
    expect((await cli('diff', GOLDEN, GOLDEN, '--layout', 'tasks')).code).toBe(2);
    expect((await cli('diff', GOLDEN, tmpDir(), '--layout', 'levy-otw')).code).toBe(2);
  });
});
