/**
 * Hostile input, mutation-style: every fixture file of every fixed-width inbound interface, and
 * the case-extract CSVs, get thousands of seeded random edits in total (byte flips, truncations,
 * line duplications and swaps, non-ASCII bytes, NULs, stray CR / CRLF mixing, empty and huge
 * lines). Each mutant goes through the reader the night uses, in process, under a timeout. The
 * reader must never throw, never hang, and account for every line: read = loaded + rejected,
 * every rejected line has a reject row with its line number, every loaded line none, and the
 * records handed over (minus the units taken back) are exactly the loaded lines.
 *
 * Seeded (MUTATION_SEED, default below): a failure message names the seed, the mutant number
 * and its edits, so it reproduces.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { compileLayout } from '../../src/layout/codec.ts';
import type { CompiledLayout } from '../../src/layout/codec.ts';
import { fixedLayout } from '../../src/layout/registry.ts';
import { readFixedWidthFile } from '../../src/inbound/fixedWidthReader.ts';
import { loadCaseExtract } from '../../src/inbound/caseExtract.ts';
import { loadFixedWidthInterface } from '../../src/inbound/loadInterface.ts';
import { CASE_EXTRACT, FIXED_WIDTH_INBOUND } from '../../src/interfaces.ts';
import { openDb } from '../../src/store/db.ts';
import { ensureStagingTables } from '../../src/store/staging.ts';
import { createRunLogger } from '../../src/log.ts';
import { REJECT_REASONS } from '../../src/types.ts';
import { rng } from '../../scripts/generate-common.ts';
import { FIXTURES, tmpDir } from '../helpers/cli.ts';
import { fixtureDates } from '../helpers/operator.ts';

const SEED = Number(process.env.MUTATION_SEED ?? 20261120);
/** mutants per fixed-width fixture file, and per case-extract date */
const PER_FILE = Number(process.env.MUTATIONS_PER_FILE ?? 60);
const PER_SNAPSHOT = Number(process.env.MUTATIONS_PER_SNAPSHOT ?? 30);
const TIMEOUT_MS = 10_000;
const INBOX = path.join(FIXTURES, 'inbox');


type Rand = () => number;
const int = (r: Rand, n: number) => Math.floor(r() * n);

function splitLines(b: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  for (let lf = b.indexOf(10, pos); lf !== -1; lf = b.indexOf(10, pos)) {
    out.push(b.subarray(pos, lf + 1));
    pos = lf + 1;
  }
  if (pos < b.length) out.push(b.subarray(pos));
  return out;
}

const EDITS: Array<[string, (b: Buffer, r: Rand) => Buffer]> = [
  ['flip', (b, r) => {
    if (b.length === 0) return b;
    const c = Buffer.from(b);
    c[int(r, c.length)] = int(r, 256);
    return c;
  }],
  ['truncate', (b, r) => b.subarray(0, int(r, b.length + 1))],
  ['duplicate-line', (b, r) => {
    const ls = splitLines(b);
    if (ls.length === 0) return b;
    const i = int(r, ls.length);
    ls.splice(i, 0, ls[i]!);
    return Buffer.concat(ls);
  }],
  ['swap-lines', (b, r) => {
    const ls = splitLines(b);
    if (ls.length < 2) return b;
    const i = int(r, ls.length);
    const j = int(r, ls.length);
    [ls[i], ls[j]] = [ls[j]!, ls[i]!];
    return Buffer.concat(ls);
  }],
  ['delete-line', (b, r) => {
    const ls = splitLines(b);
    ls.splice(int(r, ls.length), 1);
    return Buffer.concat(ls);
  }],
  ['non-ascii', (b, r) => {
    const at = int(r, b.length + 1);
    const bytes = [Buffer.from('é', 'utf8'), Buffer.from([0xe9]), Buffer.from([0xff, 0xfe]), Buffer.from('€', 'utf8'), Buffer.from([0xc3])][int(r, 5)]!;
    return Buffer.concat([b.subarray(0, at), bytes, b.subarray(at)]);
  }],
  ['replace-non-ascii', (b, r) => {
    if (b.length === 0) return b;
    const c = Buffer.from(b);
    c[int(r, c.length)] = 0x80 + int(r, 128);
    return c;
  }],
  ['nul', (b, r) => {
    const at = int(r, b.length + 1);
    return Buffer.concat([b.subarray(0, at), Buffer.from([0]), b.subarray(at)]);
  }],
  ['crlf-mix', (b, r) => {
    const ls = splitLines(b);
    return Buffer.concat(ls.map((l) => (r() < 0.5 && l.at(-1) === 10 && l.at(-2) !== 13 ? Buffer.concat([l.subarray(0, -1), Buffer.from('\r\n')]) : l)));
  }],
  ['stray-cr', (b, r) => {
    const at = int(r, b.length + 1);
    return Buffer.concat([b.subarray(0, at), Buffer.from('\r'), b.subarray(at)]);
  }],
  ['empty-line', (b, r) => {
    const ls = splitLines(b);
    ls.splice(int(r, ls.length + 1), 0, Buffer.from('\n'));
    return Buffer.concat(ls);
  }],
  ['huge-line', (b, r) => {
    const ls = splitLines(b);
    const size = [5_000, 70_000, 1_100_000][int(r, 3)]!;
    ls.splice(int(r, ls.length + 1), 0, Buffer.concat([Buffer.alloc(size, r() < 0.5 ? 'D' : '9'), Buffer.from('\n')]));
    return Buffer.concat(ls);
  }],
  ['no-final-lf', (b) => (b.at(-1) === 10 ? b.subarray(0, -1) : b)],
];

function mutate(b: Buffer, r: Rand): { bytes: Buffer; edits: string[] } {
  const n = 1 + int(r, 3);
  const edits: string[] = [];
  let bytes = b;
  for (let i = 0; i < n; i++) {
    const [name, edit] = EDITS[int(r, EDITS.length)]!;
    edits.push(name);
    bytes = edit(bytes, r);
  }
  return { bytes, edits };
}

/** Physical lines as the contract counts them: LF-ended lines, plus a last line without LF. */
function physicalLines(b: Buffer): number {
  let n = 0;
  for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) n++;
  return b.length > 0 && b[b.length - 1] !== 10 ? n + 1 : n;
}

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`hang: ${what} took more than ${TIMEOUT_MS} ms`)), TIMEOUT_MS).unref())]);
}

function fixtureFiles(id: string): string[] {
  const files: string[] = [];
  for (const d of fixtureDates()) {
    const dir = path.join(INBOX, d, id);
    if (fs.existsSync(dir)) for (const f of fs.readdirSync(dir).sort()) files.push(path.join(dir, f));
  }
  return files;
}

const REASONS = new Set<string>(REJECT_REASONS);

describe('mutated fixed-width inbound files', () => {
  const codecs = new Map<string, CompiledLayout>();
  for (const spec of FIXED_WIDTH_INBOUND) {
    codecs.set(spec.id, compileLayout(fixedLayout(spec.id), { signedOverpunch: spec.signedOverpunch ?? [] }));
  }

  it.each(FIXED_WIDTH_INBOUND.map((s) => [s.id, s] as const))('%s: never throws or hangs; every line loaded or rejected with its line number', async (id, spec) => {
    const files = fixtureFiles(id);
    expect(files.length, `fixtures of ${id}`).toBeGreaterThan(0);
    const dir = tmpDir('csebatch-mutants-');
    let mutants = 0;
    for (const [fi, file] of files.entries()) {
      const original = fs.readFileSync(file);
      const r = rng(SEED ^ (fi * 7919) ^ id.length * 104729 ^ id.charCodeAt(0));
      for (let k = 0; k < PER_FILE; k++) {
        const { bytes, edits } = mutate(original, r);
        const label = `seed ${SEED}, ${id} ${path.basename(file)} mutant ${k} (${edits.join(', ')})`;
        const target = path.join(dir, `m${k}.txt`);
        fs.writeFileSync(target, bytes);
        const handed = new Set<number>();
        const result = await withTimeout(
          readFixedWidthFile({
            compiled: codecs.get(id)!,
            path: target,
            fileName: `m${k}.txt`,
            onRecord: (rec) => handed.add(rec.line),
            onDiscard: (from, to) => {
              for (let l = from; l <= to; l++) handed.delete(l);
            },
            ...(spec.fileFatalFields ? { fileFatalFields: spec.fileFatalFields } : {}),
            ...(spec.tolerateLength ? { tolerateLength: spec.tolerateLength } : {}),
          }),
          label,
        ).catch((e: Error) => {
          throw new Error(`${label}: reader threw ${e.name}: ${e.message}`);
        });
        const lines = physicalLines(bytes);
        expect(result.read, label).toBe(lines);
        expect(result.loaded + result.rejected, label).toBe(result.read);
        const rejectedLines = new Set(result.rejects.filter((x) => x.line > 0).map((x) => x.line));
        expect(rejectedLines.size, label).toBe(result.rejected);
        for (const l of rejectedLines) expect(l >= 1 && l <= lines, label).toBe(true);
        expect(handed.size, label).toBe(result.loaded);
        for (const l of handed) expect(rejectedLines.has(l), `${label}: line ${l} both loaded and rejected`).toBe(false);
        for (const x of result.rejects) {
          expect(REASONS.has(x.reason), label).toBe(true);
          expect(x.file, label).toBe(`m${k}.txt`);
        }
        mutants++;
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
    expect(mutants).toBe(files.length * PER_FILE);
  });

  it('a rejected file leaves the other interfaces (and the other files of its own) unaffected', async () => {
    const dir = tmpDir('csebatch-mutants-');
    const inbox = path.join(dir, 'inbox');
    const d = fixtureDates().find((x) => fs.existsSync(path.join(INBOX, x, 'fidm')) && fs.existsSync(path.join(INBOX, x, 'edd')))!;
    fs.mkdirSync(path.join(inbox, d), { recursive: true });
    fs.cpSync(path.join(INBOX, d, 'edd'), path.join(inbox, d, 'edd'), { recursive: true });
    fs.cpSync(path.join(INBOX, d, 'fidm'), path.join(inbox, d, 'fidm'), { recursive: true });
    const db = openDb(':memory:');
    const log = createRunLogger(null);
    try {
      db.prepare(`INSERT INTO runs (run_id, business_date, command, interfaces, status, pid, started_at) VALUES (1, ?, 'nightly', '[]', 'RUNNING', 1, 'x')`).run(d);
      for (const s of FIXED_WIDTH_INBOUND) ensureStagingTables(db, fixedLayout(s.id));
      const ctx = { db, businessDate: d, runId: 1, dateDir: path.join(inbox, d), log };
      const edd = FIXED_WIDTH_INBOUND.find((s) => s.id === 'edd')!;
      const fidm = FIXED_WIDTH_INBOUND.find((s) => s.id === 'fidm')!;
      await loadFixedWidthInterface(ctx, edd, inbox);
      const eddState = () => [db.prepare(`SELECT * FROM inbound_files WHERE interface = 'edd' ORDER BY file_id`).all(), db.prepare('SELECT * FROM stg_edd_detail ORDER BY 1').all()];
      const before = eddState();
      const clean = await loadFixedWidthInterface(ctx, fidm, inbox);
      const goodLoaded = clean.files.reduce((n, f) => n + f.loaded, 0);
      const r = rng(SEED);
      const original = fs.readFileSync(path.join(inbox, d, 'fidm', clean.files[0]!.file));
      for (let k = 0; k < 40; k++) {
        const { bytes, edits } = mutate(original, r);
        fs.writeFileSync(path.join(inbox, d, 'fidm', 'ZZ_MUTANT.txt'), bytes);
        const res = await withTimeout(loadFixedWidthInterface(ctx, fidm, inbox), `mutant ${k}`);
        const label = `seed ${SEED}, mutant ${k} (${edits.join(', ')})`;
        const other = res.files.filter((f) => f.file !== 'ZZ_MUTANT.txt');
        // unless the mutant is byte-identical to a file loaded that night (a duplicate is judged per earlier date only)
        expect(other.reduce((n, f) => n + f.loaded, 0), label).toBe(goodLoaded);
        for (const f of res.files) expect(f.read, label).toBe(f.loaded + f.rejected);
        expect(eddState(), label).toEqual(before);
      }
    } finally {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('mutated case extracts', () => {
  const dates = fixtureDates().filter((d) => fs.existsSync(path.join(INBOX, d, CASE_EXTRACT)));

  it('has case extracts to mutate', () => {
    expect(dates.length).toBeGreaterThan(0);
  });

  // one test per date: each has its own time budget (all dates in one test neared the test
  // timeout on a busy 2-core machine)
  it.each(dates)('%s: never throw or hang; every row loaded or rejected with its line; a rejected snapshot keeps the previous one', async (d) => {
    const dir = tmpDir('csebatch-ce-mutants-');
    const db = new Database(':memory:');
    let mutants = 0;
    try {
      const src = path.join(INBOX, d, CASE_EXTRACT);
      const work = path.join(dir, 'inbox', d, CASE_EXTRACT);
      fs.cpSync(src, work, { recursive: true });
      const good = await loadCaseExtract(db, work);
      expect(good.ok, d).toBe(true);
      const snapshot = () => db.prepare(`SELECT (SELECT count(*) FROM ce_participants) AS p, (SELECT count(*) FROM ce_cases) AS c, (SELECT group_concat(case_id) FROM ce_cases) AS ids`).get();
      const before = snapshot();
      const names = fs.readdirSync(src).sort();
      const r = rng(SEED ^ Number(d.replace(/-/g, '')));
      for (let k = 0; k < PER_SNAPSHOT; k++) {
        const name = names[int(r, names.length)]!;
        const original = fs.readFileSync(path.join(src, name));
        const { bytes, edits } = mutate(original, r);
        fs.writeFileSync(path.join(work, name), bytes);
        const label = `seed ${SEED}, ${d} ${name} mutant ${k} (${edits.join(', ')})`;
        const res = await withTimeout(loadCaseExtract(db, work), label).catch((e: Error) => {
          throw new Error(`${label}: loader threw ${e.name}: ${e.message}`);
        });
        expect(res.ok, label).toBe(res.rejects.length === 0);
        for (const f of res.files) {
          expect(f.read, `${label}: ${f.file}`).toBe(f.loaded + f.rejected);
          const lines = new Set(res.rejects.filter((x) => x.file === f.file && x.line >= 2).map((x) => x.line));
          expect(lines.size, `${label}: ${f.file}`).toBe(f.rejected);
        }
        for (const x of res.rejects) {
          expect(REASONS.has(x.reason), label).toBe(true);
          expect(names, label).toContain(x.file);
          expect(x.message, label).not.toBe('');
        }
        if (!res.ok) expect(snapshot(), label).toEqual(before);
        else {
          // a mutant that is still a valid snapshot (e.g. CRLF line ends) was promoted: restore
          await loadCaseExtract(db, src);
        }
        fs.copyFileSync(path.join(src, name), path.join(work, name));
        mutants++;
      }
    } finally {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(mutants).toBe(PER_SNAPSHOT);
  });
});
