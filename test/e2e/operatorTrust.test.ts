/**
 * Issue 14, "operator trust": one typo must not block the calendar, an empty file is not a good
 * night, the audit record stays true. One test per numbered finding (14.1 … 14.10), on the fixture
 * nights and the real CLI.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, copyInbox, FIXTURES, snapshotFiles, tmpDir } from '../helpers/cli.ts';
import { csvRows } from '../helpers/records.ts';
import { expectLogsFreeOfSecrets, fixtureDates, lockHeldBy, query } from '../helpers/operator.ts';
import { rerunCommands } from '../../src/runner/night.ts';

const DATES = fixtureDates();
const FIRST = DATES[0]!;
const SECOND = DATES[1]!;
const CONFIG = path.join(FIXTURES, 'config', 'acceptance.json');
const outs: string[] = [];

afterAll(() => {
  expectLogsFreeOfSecrets(outs);
});

function newOut(): string {
  const out = tmpDir();
  outs.push(out);
  return out;
}

function dbOf(out: string): string {
  return path.join(out, 'csebatch.db');
}

/** A business date `days` after today's date (UTC). */
function daysFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

function configFile(content: unknown): string {
  const f = path.join(tmpDir(), 'config.json');
  fs.writeFileSync(f, JSON.stringify(content));
  return f;
}

function manifestOf(out: string, d: string) {
  return JSON.parse(fs.readFileSync(path.join(out, d, 'manifest.json'), 'utf8')) as {
    inputs: Array<{ interface: string; file: string; status: string; read: number; loaded: number; rejected: number }>;
    configuration: { sha256: string | null; file: string | null };
  };
}

function rejectsOf(out: string, d: string, id: string) {
  return csvRows(path.join(out, d, 'rejects', `${id}.rejects.csv`));
}

describe('issue 14.1: a typo must not block the calendar', () => {
  it('a date whose case extract is missing does not count as run (issue 14.1)', async () => {
    const inbox = copyInbox();
    const out = newOut();
    // the typo: a date after every fixture night, with no inbox folder; still in the past
    const typo = '2026-12-02';
    const r = await cli('nightly', '--date', typo, '--inbox', inbox, '--out', out);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/case-extract\s+missing/);
    expect(query(dbOf(out), 'SELECT decided FROM runs')).toEqual([{ decided: 0 }]);
    // the real night still runs: nothing of the typo counts as run
    const real = await cli('nightly', '--date', FIRST, '--inbox', inbox, '--out', out);
    expect(real.code).toBe(0);
    expect(real.stderr).not.toContain('refusing');
  });

  it('a database of an earlier version: runs whose case extract was missing are marked as not decided by migration 60 (issue 14.1)', async () => {
    const { migrate } = await import('../../src/store/db.ts');
    const { MIGRATIONS } = await import('../../src/store/migrations.ts');
    const db = new Database(':memory:');
    try {
      const earlier = MIGRATIONS.filter((x) => x.version < 60).sort((x, y) => x.version - y.version);
      for (const m of earlier) db.exec(m.sql);
      db.pragma(`user_version = ${earlier.at(-1)!.version}`);
      const insert = db.prepare(`INSERT INTO runs (business_date, command, interfaces, status, exit_code, pid, started_at, summary) VALUES (?, 'nightly', '[]', 'COMPLETED_WITH_ERRORS', 1, 1, 'x', ?)`);
      insert.run('2027-11-30', JSON.stringify({ problems: ['case-extract: missing for 2027-11-30 (x)', 'no rules run and no outbound file written for 2027-11-30: the case extract is missing or rejected; earlier outputs of 2027-11-30 are kept'] }));
      insert.run('2026-11-20', JSON.stringify({ problems: ['edd: 4 rejected record(s), more than rejects.maxPerInterface = 0'] }));
      migrate(db);
      expect(db.prepare('SELECT business_date, decided FROM runs ORDER BY run_id').all()).toEqual([
        { business_date: '2027-11-30', decided: 0 },
        { business_date: '2026-11-20', decided: 1 },
      ]);
    } finally {
      db.close();
    }
  });

  it('a business date after today beyond schedule.maxDaysAhead is refused with exit 2 before anything is recorded (issue 14.1)', async () => {
    const out = newOut();
    const future = daysFromToday(365);
    const r = await cli('nightly', '--date', future, '--inbox', path.join(FIXTURES, 'inbox'), '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`refusing business date ${future}`);
    expect(r.stderr).toContain('schedule.maxDaysAhead = 1');
    expect(fs.readdirSync(out)).toEqual([]); // no database, no lock, no folder
    // tomorrow is within the default tolerance (time zones), and the tolerance is configuration
    expect((await cli('nightly', '--date', daysFromToday(1), '--inbox', path.join(FIXTURES, 'inbox'), '--out', newOut())).code).toBe(1);
    const wide = configFile({ schedule: { maxDaysAhead: 400 } });
    expect((await cli('nightly', '--date', future, '--inbox', path.join(FIXTURES, 'inbox'), '--out', newOut(), '--config', wide)).code).toBe(1);
  });

  it('runs --void RUN_ID --why TEXT records who and why, and a voided run does not count for the rerun refusal (issue 14.1)', async () => {
    const inbox = copyInbox();
    const out = newOut();
    expect((await cli('nightly', '--date', FIRST, '--inbox', inbox, '--out', out)).code).toBe(0);
    // a mistaken run of a later date that did decide (its case extract was there)
    expect((await cli('nightly', '--date', SECOND, '--inbox', inbox, '--out', out)).code).toBe(0);
    expect((await cli('nightly', '--date', FIRST, '--inbox', inbox, '--out', out)).code).toBe(2);
    expect((await cli('runs', '--void', '2', '--out', out)).code).toBe(2); // --why is required
    expect((await cli('runs', '--void', '99', '--why', 'x', '--out', out)).code).toBe(2);
    const v = await cli('runs', '--void', '2', '--why', 'ran the wrong date', '--out', out);
    expect(v.code).toBe(0);
    const who = os.userInfo().username;
    expect(v.stdout).toContain(`run 2 (${SECOND}) voided by ${who}`);
    const runs = JSON.parse((await cli('runs', '--out', out, '--json')).stdout) as Array<{ runId: number; voided: { by: string; why: string } | null }>;
    expect(runs.find((x) => x.runId === 2)!.voided).toMatchObject({ by: who, why: 'ran the wrong date' });
    expect((await cli('runs', '--out', out)).stdout).toMatch(/VOIDED .*voided by .*: ran the wrong date/);
    expect((await cli('runs', '--void', '2', '--why', 'again', '--out', out)).code).toBe(2); // once only
    expect((await cli('nightly', '--date', FIRST, '--inbox', inbox, '--out', out)).code).toBe(0);
  });
});

describe('issue 14.2: an empty partner file is not a good night', () => {
  it('an empty (0-byte) partner file is a failed transfer: exit 1, and console, manifest and rejects file agree (issue 14.2)', async () => {
    const inbox = copyInbox();
    const out = newOut();
    fs.writeFileSync(path.join(inbox, FIRST, 'edd', 'ZZ_EMPTY.txt'), '');
    fs.writeFileSync(path.join(inbox, FIRST, 'fidm', 'ZZ_EMPTY.txt'), ''); // a layout without a file header
    // whatever the reject tolerance
    const r = await cli('nightly', '--date', FIRST, '--inbox', inbox, '--out', out, '--config', configFile({ rejects: { maxPerInterface: 1000 } }));
    expect(r.code).toBe(1);
    for (const id of ['edd', 'fidm']) {
      expect(r.stdout).toContain(`problem: ${id}: ZZ_EMPTY.txt: failed transfer: empty file`);
      expect(r.stdout).toMatch(new RegExp(`${id}\\s+loaded read \\d+, loaded \\d+, rejected 0 \\(1 row\\(s\\) in rejects/${id}.rejects.csv\\)`));
      const input = manifestOf(out, FIRST).inputs.find((i) => i.file === `${id}/ZZ_EMPTY.txt`)!;
      expect(input).toMatchObject({ status: 'rejected', read: 0, loaded: 0, rejected: 0 });
      const rows = rejectsOf(out, FIRST, id).filter((x) => x.file === 'ZZ_EMPTY.txt');
      expect(rows).toEqual([expect.objectContaining({ line: '0', reason: 'STRUCTURE', message: expect.stringContaining('empty file') })]);
      // validate calls the same file invalid
      expect((await cli('validate', path.join(inbox, FIRST, id, 'ZZ_EMPTY.txt'), '--layout', id)).code).toBe(1);
    }
  });

  it('a file without its header and trailer (a truncated transfer) is a failed transfer too (issue 14.2)', async () => {
    const inbox = copyInbox();
    const out = newOut();
    const good = fs.readFileSync(path.join(inbox, FIRST, 'edd', 'EDD_CLAIMS_20260915.txt'), 'latin1').split('\n').filter((l) => l !== '');
    fs.writeFileSync(path.join(inbox, FIRST, 'edd', 'ZZ_CUT.txt'), `${good.slice(1, -1).join('\n')}\n`);
    const r = await cli('nightly', '--date', FIRST, '--inbox', inbox, '--out', out, '--config', configFile({ rejects: { maxPerInterface: 1000 } }));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('problem: edd: ZZ_CUT.txt: failed transfer: no');
    expect(manifestOf(out, FIRST).inputs.find((i) => i.file === 'edd/ZZ_CUT.txt')!.status).toBe('rejected');
  });
});

describe('issue 14.3: the audit record stays true', () => {
  it('a failed run of a date already run keeps its manifest, inputs and outputs (issue 14.3)', async () => {
    const inbox = copyInbox();
    const out = newOut();
    expect((await cli('nightly', '--date', FIRST, '--inbox', inbox, '--out', out)).code).toBe(0);
    const before = snapshotFiles(path.join(out, FIRST));
    const inputsBefore = query(dbOf(out), 'SELECT interface, file, sha256, status FROM inbound_files WHERE business_date = ? ORDER BY file_id', FIRST);
    fs.rmSync(path.join(inbox, FIRST, 'case-extract'), { recursive: true });
    const r = await cli('nightly', '--date', FIRST, '--inbox', inbox, '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the manifest of ${FIRST} is kept`);
    const after = snapshotFiles(path.join(out, FIRST));
    // the manifest and every output are as they were; only the case extract's rejects say what is missing
    for (const [file, bytes] of Object.entries(before)) if (!file.startsWith('rejects/case-extract')) expect(after[file], file).toBe(bytes);
    expect(query(dbOf(out), 'SELECT interface, file, sha256, status FROM inbound_files WHERE business_date = ? ORDER BY file_id', FIRST)).toEqual(inputsBefore);
    expect((await cli('verify', path.join(out, FIRST, 'manifest.json'))).code).toBe(0);
  });

  it('a missing --inbox folder is a usage error: exit 2, nothing changed (issue 14.3)', async () => {
    const inbox = copyInbox();
    const out = newOut();
    expect((await cli('nightly', '--date', FIRST, '--inbox', inbox, '--out', out)).code).toBe(0);
    const before = snapshotFiles(out);
    const runs = query(dbOf(out), 'SELECT count(*) AS n FROM runs');
    for (const args of [['nightly'], ['run', 'fidm']]) {
      const r = await cli(...args, '--date', FIRST, '--inbox', path.join(tmpDir(), 'nonexistent'), '--out', out);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('does not exist (--inbox); nothing was changed');
    }
    expect(snapshotFiles(out)).toEqual(before);
    expect(query(dbOf(out), 'SELECT count(*) AS n FROM runs')).toEqual(runs);
  });

  it('`run levy-otw` without --inbox recomputes from the staged snapshot, or says why not, and never drops the case extract from the manifest (issue 14.3, 14.10)', async () => {
    const inbox = copyInbox();
    const out = newOut();
    for (const d of [FIRST, SECOND]) expect((await cli('nightly', '--date', d, '--inbox', inbox, '--out', out)).code).toBe(0);
    const manifestFirst = fs.readFileSync(path.join(out, FIRST, 'manifest.json'), 'utf8');
    const noInbox = path.join(tmpDir(), 'inbox'); // exists, holds no date
    fs.mkdirSync(noInbox);
    // FIRST: the store holds SECOND's snapshot and the inbox has no FIRST: refused, saying why
    const r = await cli('run', 'levy-otw', '--date', FIRST, '--force', '--inbox', noInbox, '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`the store holds the case-extract snapshot of ${SECOND}`);
    expect(fs.readFileSync(path.join(out, FIRST, 'manifest.json'), 'utf8')).toBe(manifestFirst);
    // SECOND: its snapshot is the staged one, no inbox needed; the manifest keeps the case extract
    const levyBefore = fs.readFileSync(path.join(out, SECOND, 'levy-otw.txt'));
    const ok = await cli('run', 'levy-otw', '--date', SECOND, '--inbox', noInbox, '--out', out);
    expect(ok.code).toBe(0);
    expect(fs.readFileSync(path.join(out, SECOND, 'levy-otw.txt'))).toEqual(levyBefore);
    expect(manifestOf(out, SECOND).inputs.filter((i) => i.interface === 'case-extract').length).toBe(5);
  });
});

describe('issue 14.4: the lock', () => {
  it('the lock is written atomically and names its holder with its start time (issue 14.4)', async () => {
    const { acquireLock, processStartTime } = await import('../../src/runner/lock.ts');
    const dir = tmpDir();
    const lock = acquireLock(path.join(dir, 'x.db.lock'), { command: 'nightly', businessDate: FIRST });
    const info = JSON.parse(fs.readFileSync(path.join(dir, 'x.db.lock'), 'utf8'));
    expect(info).toMatchObject({ pid: process.pid, command: 'nightly', businessDate: FIRST, startTime: processStartTime(process.pid) });
    expect(fs.readdirSync(dir)).toEqual(['x.db.lock']); // no temporary file left beside it
    expect(fs.statSync(path.join(dir, 'x.db.lock')).mode & 0o777).toBe(0o600);
    lock.release();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('an empty or unreadable lock older than a minute is taken over; a younger one is held (issue 14.4)', async () => {
    const { acquireLock, LockHeldError } = await import('../../src/runner/lock.ts');
    const file = path.join(tmpDir(), 'x.db.lock');
    fs.writeFileSync(file, '');
    expect(() => acquireLock(file, { command: 'nightly', businessDate: FIRST })).toThrow(LockHeldError);
    fs.writeFileSync(file, '{"pid": 12');
    const old = new Date(Date.now() - 2 * 60_000);
    fs.utimesSync(file, old, old);
    const lock = acquireLock(file, { command: 'nightly', businessDate: FIRST });
    expect(lock.recoveredFrom).toMatchObject({ pid: 0 });
    lock.release();
    // through the CLI: an empty lock of yesterday does not block tonight
    const out = newOut();
    fs.writeFileSync(path.join(out, 'csebatch.db.lock'), '');
    fs.utimesSync(path.join(out, 'csebatch.db.lock'), old, old);
    expect((await cli('nightly', '--date', FIRST, '--inbox', path.join(FIXTURES, 'inbox'), '--out', out)).code).toBe(0);
  });

  it('a live unrelated process that reuses a dead run\'s pid is not mistaken for the run (issue 14.4)', async () => {
    const { acquireLock, LockHeldError, processStartTime } = await import('../../src/runner/lock.ts');
    const other = spawn('sleep', ['30']);
    try {
      const file = path.join(tmpDir(), 'x.db.lock');
      await new Promise((r) => setTimeout(r, 50));
      const start = processStartTime(other.pid!)!;
      // the dead run's lock: same pid, another start time
      fs.writeFileSync(file, JSON.stringify({ pid: other.pid, command: 'nightly', businessDate: FIRST, startTime: String(Number(start) + 1) }));
      const lock = acquireLock(file, { command: 'nightly', businessDate: FIRST });
      expect(lock.recoveredFrom?.pid).toBe(other.pid);
      lock.release();
      // an older lock without a start time, held by a process that is not csebatch
      fs.writeFileSync(file, JSON.stringify({ pid: other.pid, command: 'nightly', businessDate: FIRST }));
      acquireLock(file, { command: 'nightly', businessDate: FIRST }).release();
      // the same pid with its start time is the live holder
      fs.writeFileSync(file, lockHeldBy(other.pid!, FIRST));
      expect(() => acquireLock(file, { command: 'nightly', businessDate: FIRST })).toThrow(LockHeldError);
    } finally {
      other.kill();
    }
  });
});

describe('issue 14.5: permissions', () => {
  it('the database and its WAL and SHM files are created 0600, the out folders 0700 (issue 14.5)', async () => {
    const { openDb } = await import('../../src/store/db.ts');
    const parent = tmpDir();
    const out = path.join(parent, 'out');
    const db = openDb(path.join(out, 'csebatch.db'));
    try {
      db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
      for (const f of ['csebatch.db', 'csebatch.db-wal', 'csebatch.db-shm']) expect(fs.statSync(path.join(out, f)).mode & 0o777, f).toBe(0o600);
      expect(fs.statSync(out).mode & 0o777).toBe(0o700);
    } finally {
      db.close();
    }
    // a database left readable by an older version is narrowed
    fs.chmodSync(path.join(out, 'csebatch.db'), 0o644);
    openDb(path.join(out, 'csebatch.db')).close();
    expect(fs.statSync(path.join(out, 'csebatch.db')).mode & 0o777).toBe(0o600);
    // a night: out/, out/<D>/, out/logs/
    const out2 = path.join(parent, 'out2');
    expect((await cli('nightly', '--date', FIRST, '--inbox', path.join(FIXTURES, 'inbox'), '--out', out2)).code).toBe(0);
    outs.push(out2);
    for (const d of [out2, path.join(out2, FIRST), path.join(out2, FIRST, 'rejects'), path.join(out2, 'logs')]) expect(fs.statSync(d).mode & 0o777, d).toBe(0o700);
    expect(fs.statSync(path.join(out2, 'csebatch.db')).mode & 0o777).toBe(0o600);
  });
});

describe('issue 14.6: rejects say why', () => {
  it('every rejects row carries its message, in a last column (issue 14.6)', async () => {
    const inbox = copyInbox();
    const out = newOut();
    const p = path.join(inbox, FIRST, 'case-extract', 'participants.csv');
    fs.writeFileSync(p, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), fs.readFileSync(p)]));
    expect((await cli('nightly', '--date', FIRST, '--inbox', inbox, '--out', out)).code).toBe(1);
    const text = fs.readFileSync(path.join(out, FIRST, 'rejects', 'case-extract.rejects.csv'), 'utf8');
    expect(text.split('\n')[0]).toBe('file,line,record_type,field,start,end,value_masked,reason,message');
    const rows = rejectsOf(out, FIRST, 'case-extract');
    expect(rows.find((r) => r.file === 'participants.csv')).toMatchObject({ reason: 'STRUCTURE', message: expect.stringContaining('byte order mark') });
    for (const r of rows) expect(r.message, `${r.file}:${r.line}`).not.toBe('');
  });

  it('masking is for personal data: control totals and column names are shown (issue 14.6)', async () => {
    const dir = tmpDir();
    // a trailer count that disagrees: the count is shown as it is
    const r = await cli('validate', path.join(FIXTURES, 'bad', 'edd', 'wrong-control-count.txt'), '--layout', 'edd', '--json');
    const errors = (JSON.parse(r.stdout) as { errors: Array<{ reason: string; valueMasked: string; message: string }> }).errors;
    const mismatch = errors.find((e) => e.reason === 'CONTROL_MISMATCH')!;
    expect(mismatch.valueMasked).not.toContain('*');
    expect(mismatch.message).not.toContain('*');
    // a header with two columns swapped names them
    const cases = fs.readFileSync(path.join(FIXTURES, 'inbox', FIRST, 'case-extract', 'children.csv'), 'utf8').split('\n');
    const header = cases[0]!.split(',');
    [header[0], header[1]] = [header[1]!, header[0]!];
    fs.writeFileSync(path.join(dir, 'children.csv'), [header.join(','), ...cases.slice(1)].join('\n'));
    const h = await cli('validate', path.join(dir, 'children.csv'), '--layout', 'case-extract');
    expect(h.stdout).toContain(`header column 1 is '${header[0]}'`);
  });

  it('validate --unmask shows the rejected values in full (issue 14.6)', async () => {
    const file = path.join(FIXTURES, 'bad', 'edd', 'bad-date.txt');
    const masked = JSON.parse((await cli('validate', file, '--layout', 'edd', '--json')).stdout) as { errors: Array<{ line: number; start: number | null; end: number | null; valueMasked: string; value?: string }> };
    const unmasked = JSON.parse((await cli('validate', file, '--layout', 'edd', '--json', '--unmask')).stdout) as typeof masked;
    const lines = fs.readFileSync(file, 'latin1').split('\n');
    const e = unmasked.errors.find((x) => x.start !== null && x.valueMasked.includes('*'))!;
    expect(e.value).toBe(lines[e.line - 1]!.slice(e.start! - 1, e.end!));
    expect(masked.errors.every((x) => x.value === undefined)).toBe(true);
    expect((await cli('validate', file, '--layout', 'edd', '--unmask')).stdout).toContain(`(unmasked: '${e.value}')`);
  });
});

describe('issue 14.7: runs', () => {
  it('`runs` shows a run whose lock holder is gone as INTERRUPTED, and a live one as RUNNING (issue 14.7)', async () => {
    const out = newOut();
    expect((await cli('nightly', '--date', FIRST, '--inbox', path.join(FIXTURES, 'inbox'), '--out', out)).code).toBe(0);
    const holder = spawn('sleep', ['30']);
    try {
      const db = new Database(dbOf(out));
      db.prepare(`INSERT INTO runs (business_date, command, interfaces, status, pid, started_at) VALUES (?, 'nightly', '[]', 'RUNNING', ?, 'x')`).run(SECOND, holder.pid);
      db.close();
      // killed: no lock at all
      expect((await cli('runs', '--out', out, '--date', SECOND)).stdout).toContain('INTERRUPTED');
      // a live holder of the lock
      fs.writeFileSync(path.join(out, 'csebatch.db.lock'), lockHeldBy(holder.pid!, SECOND));
      const live = await cli('runs', '--out', out, '--date', SECOND, '--json');
      expect((JSON.parse(live.stdout) as Array<{ status: string }>)[0]!.status).toBe('RUNNING');
    } finally {
      holder.kill();
    }
  });
});

describe('issue 14.8: the forced-rerun warning', () => {
  it('prints commands that work, with the options the operator used (issue 14.8)', () => {
    expect(rerunCommands(['2026-11-20', '2026-11-30'], ['--inbox', '/data/in box', '--out', 'out', '--config', 'c.json'])).toEqual([
      "csebatch nightly --date 2026-11-20 --inbox '/data/in box' --out out --config c.json --force",
      'csebatch nightly --date 2026-11-30 --inbox '.concat("'/data/in box' --out out --config c.json"),
    ]);
  });
});

describe('issue 14.9: the configuration used is recorded', () => {
  it('manifest and run history record the configuration; a rerun under another one warns with the keys that differ, visible in runs (issue 14.9)', async () => {
    const inbox = copyInbox();
    const out = newOut();
    expect((await cli('nightly', '--date', FIRST, '--inbox', inbox, '--out', out, '--config', CONFIG)).code).toBe(0);
    const first = manifestOf(out, FIRST).configuration;
    expect(first.file).toBe('acceptance.json');
    expect(first.sha256).toMatch(/^[0-9a-f]{64}$/);
    const same = await cli('nightly', '--date', FIRST, '--inbox', inbox, '--out', out, '--config', CONFIG);
    expect(same.stderr).not.toContain('configuration differs');
    const other = await cli('nightly', '--date', FIRST, '--inbox', inbox, '--out', out);
    expect(other.stderr).toContain(`configuration differs from run 2 of ${FIRST} (${CONFIG} → the defaults): compliance.noWageDays, lien.eRecordingCounties`);
    expect(manifestOf(out, FIRST).configuration).toEqual({ sha256: expect.not.stringMatching(first.sha256!), file: null });
    const history = query<{ config_sha256: string; config_file: string | null }>(dbOf(out), 'SELECT config_sha256, config_file FROM runs ORDER BY run_id');
    expect(history.map((h) => h.config_file)).toEqual([CONFIG, CONFIG, null]);
    expect(history[0]!.config_sha256).toBe(first.sha256);
    const runs = (await cli('runs', '--out', out)).stdout.split('\n');
    expect(runs[3]).toContain(`${history[2]!.config_sha256.slice(0, 12)} (defaults) ≠ run 2`);
    expect(runs[1]).toContain(`${first.sha256!.slice(0, 12)} acceptance.json`);
  });
});

describe('issue 14.10: the smaller ones', () => {
  it('validate on a directory: exit 2 with a clear message (issue 14.10)', async () => {
    const r = await cli('validate', tmpDir(), '--layout', 'fidm');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not a regular file (a folder?)');
    expect(r.stderr).not.toContain('EISDIR');
  });

  it('diff --layout X on a file of another layout says the file is not that layout (issue 14.10)', async () => {
    const edd = path.join(FIXTURES, 'inbox', FIRST, 'edd', 'EDD_CLAIMS_20260915.txt');
    const r = await cli('diff', edd, edd, '--layout', 'fidm');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not a fidm file');
  });

  it('the console\'s counts agree with the rejects file for a binary file (issue 14.10)', async () => {
    const inbox = copyInbox();
    const out = newOut();
    const bytes = Buffer.alloc(1500);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 131 + 7) % 256;
    fs.writeFileSync(path.join(inbox, FIRST, 'edd', 'ZZ_BINARY.txt'), bytes);
    const r = await cli('nightly', '--date', FIRST, '--inbox', inbox, '--out', out);
    expect(r.code).toBe(1);
    const rows = rejectsOf(out, FIRST, 'edd');
    const m = /edd\s+\S+ read \d+, loaded \d+, rejected (\d+)(?: \((\d+) row\(s\) in rejects\/edd\.rejects\.csv\))?/.exec(r.stdout)!;
    // rejected counts lines; the rejects file holds one row per problem: the console names both
    expect(Number(m[2] ?? m[1])).toBe(rows.length);
    expect(Number(m[1])).toBe(new Set(rows.filter((x) => x.line !== '0').map((x) => x.line)).size);
  });

  it('a directory in an interface folder is not "no file" (issue 14.10)', async () => {
    const inbox = copyInbox();
    const out = newOut();
    fs.mkdirSync(path.join(inbox, FIRST, 'tsp', 'resend'), { recursive: true });
    const r = await cli('nightly', '--date', FIRST, '--inbox', inbox, '--out', out);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/tsp\s+rejected .*1 entry refused unread/);
    expect(r.stdout).not.toMatch(/tsp\s+no file/);
  });

  it('`runs` has column headers and says UTC (issue 14.10)', async () => {
    const out = newOut();
    await cli('nightly', '--date', FIRST, '--inbox', path.join(FIXTURES, 'inbox'), '--out', out);
    const lines = (await cli('runs', '--out', out)).stdout.split('\n');
    expect(lines[0]).toMatch(/^\s+run\s+date\s+command\s+interfaces\s+status\s+exit\s+started \(UTC\)\s+ended \(UTC\)\s+config$/);
    expect(lines[1]).toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/);
  });

  it('explain on a date that never ran says so (issue 14.10)', async () => {
    const out = newOut();
    await cli('nightly', '--date', FIRST, '--inbox', path.join(FIXTURES, 'inbox'), '--out', out);
    const r = await cli('explain', '--person', 'P300010', '--date', '2026-10-01', '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('2026-10-01 has never run');
  });

  it('--version prints the package version (issue 14.10)', async () => {
    const version = (JSON.parse(fs.readFileSync(path.join(FIXTURES, '..', 'package.json'), 'utf8')) as { version: string }).version;
    const r = await cli('--version');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });

  it('README and the runbook cite only contract pages that ship in docs/ (issue 14.10)', () => {
    const root = path.join(FIXTURES, '..');
    const contract = fs.readFileSync(path.join(root, 'docs', 'contract.md'), 'utf8');
    const sections = new Set([...contract.matchAll(/^#{2,3} (O?\d+(?:\.\d+)?|O\d+)\b/gm)].map((m) => m[1]));
    for (const doc of ['README.md', 'docs/operations.md', 'docs/design.md']) {
      const text = fs.readFileSync(path.join(root, doc), 'utf8');
      expect(text, doc).not.toMatch(/DOMAIN\.md|OPERATIONS\.md/);
      for (const m of text.matchAll(/contract\.md §(O?\d+(?:\.\d+)?)/g)) expect(sections.has(m[1]!), `${doc}: §${m[1]}`).toBe(true);
    }
  });
});
