/**
 * Reruns (OPERATIONS "Guarantees", issue 6): a date earlier than one already run is refused
 * (exit 2, nothing changed) unless --force, which runs it, recomputes no later date and says which
 * to rerun in order; a same-date rerun stays allowed; `run <id>` recomputes what depends on the
 * interface and nothing else. Then every exit code path of OPERATIONS not covered elsewhere.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planRun } from '../../src/runner/night.ts';
import { MECHANISMS, OUTBOUND } from '../../src/interfaces.ts';
import { cli, cliProcess, copyInbox, FIXTURES, snapshotFiles, tmpDir } from '../helpers/cli.ts';
import { expectLogsFreeOfSecrets, fixtureDates, lockHeldBy, query } from '../helpers/operator.ts';

const DATES = fixtureDates();
const FIRST = DATES[0]!;
const LAST = DATES.at(-1)!;
const outs: string[] = [];

// every log written by these tests is free of fixture SSNs and account numbers
afterAll(() => {
  expect(expectLogsFreeOfSecrets(outs)).toBeGreaterThan(3);
});

async function nightlyEvery(inbox: string, out: string): Promise<number[]> {
  const codes: number[] = [];
  for (const d of DATES) codes.push((await cli('nightly', '--date', d, '--inbox', inbox, '--out', out)).code);
  return codes;
}

function state(out: string) {
  const db = path.join(out, 'csebatch.db');
  return {
    files: snapshotFiles(out),
    runs: query(db, 'SELECT count(*) AS n FROM runs'),
    decisions: query(db, 'SELECT * FROM decisions ORDER BY decision_id'),
    ledger: query(db, 'SELECT * FROM levy_ledger ORDER BY business_date, fein, account_number, person_id'),
    staged: query(db, 'SELECT * FROM inbound_files ORDER BY file_id'),
  };
}

describe('rerunning an earlier business date', () => {
  let inbox: string;
  let out: string;

  beforeAll(async () => {
    inbox = copyInbox();
    out = tmpDir();
    outs.push(out);
    const codes = await nightlyEvery(inbox, out);
    expect(codes.every((c) => c === 0 || c === 1)).toBe(true);
  });

  it('is refused with exit 2, naming the later dates, and changes nothing (nightly and run)', async () => {
    const before = state(out);
    const r = await cli('nightly', '--date', FIRST, '--inbox', inbox, '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`refusing to rerun ${FIRST}`);
    for (const d of DATES.slice(1)) expect(r.stderr).toContain(d);
    expect(r.stderr).toContain('--force');
    expect(r.stderr).toContain('ledgers');
    const r2 = await cli('run', 'levy-otw', '--date', FIRST, '--inbox', inbox, '--out', out);
    expect(r2.code).toBe(2);
    expect(state(out)).toEqual(before);
  });

  it('the real executable refuses it too (exit 2 on stderr)', () => {
    const r = cliProcess('run', 'fidm', '--date', FIRST, '--inbox', inbox, '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`refusing to rerun ${FIRST}`);
  });

  it('a date never run before but earlier than one already run is refused as well', async () => {
    const r = await cli('nightly', '--date', '2026-01-02', '--inbox', inbox, '--out', out);
    expect(r.code).toBe(2);
    expect(fs.existsSync(path.join(out, '2026-01-02'))).toBe(false);
  });

  it('a later night that crashed after some mechanisms committed counts as run (its ledgers hold rows)', async () => {
    // as if a night after LAST had been killed after its levy committed: FAILED run, decisions left
    const later = '2026-12-31';
    const db = new Database(path.join(out, 'csebatch.db'));
    db.prepare(`INSERT INTO runs (business_date, command, interfaces, status, pid, started_at) VALUES (?, 'nightly', '[]', 'FAILED', 1, 'x')`).run(later);
    const runId = db.prepare('SELECT max(run_id) AS id FROM runs').pluck().get();
    db.prepare(`INSERT INTO decisions (business_date, mechanism, subject_key, outcome, reason_codes, facts, sources) VALUES (?, 'levy', 'K', 'ISSUE', '', '{}', '[]')`).run(later);
    db.close();
    try {
      const r = await cli('nightly', '--date', LAST, '--inbox', inbox, '--out', out);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(later);
    } finally {
      const undo = new Database(path.join(out, 'csebatch.db'));
      undo.prepare('DELETE FROM decisions WHERE business_date = ?').run(later);
      undo.prepare('DELETE FROM runs WHERE run_id = ?').run(runId);
      undo.close();
    }
  });

  it('a same-date rerun of the latest date stays allowed', async () => {
    const before = snapshotFiles(path.join(out, LAST));
    const r = await cli('nightly', '--date', LAST, '--inbox', inbox, '--out', out);
    expect(r.code).toBeLessThanOrEqual(1);
    expect(r.stderr).not.toContain('refusing');
    expect(snapshotFiles(path.join(out, LAST))).toEqual(before);
  });

  it('--force runs it, leaves the later dates alone and lists them on stderr, in the result and in the log', async () => {
    const laterFolders = DATES.slice(1).map((d) => snapshotFiles(path.join(out, d)));
    const laterDecisions = query(path.join(out, 'csebatch.db'), 'SELECT * FROM decisions WHERE business_date > ? ORDER BY decision_id', FIRST);
    const firstBefore = snapshotFiles(path.join(out, FIRST));
    const r = await cli('nightly', '--date', FIRST, '--inbox', inbox, '--out', out, '--force', '--json');
    expect(r.code).toBeLessThanOrEqual(1);
    const result = JSON.parse(r.stdout) as { laterDates: string[]; warnings: string[]; logFile: string; runId: number };
    expect(result.laterDates).toEqual(DATES.slice(1));
    expect(r.stderr).toContain('NOT recomputed');
    // commands that work as printed: the operator's --inbox and --out, --force for all but the last (issue 14.8)
    const later = DATES.slice(1);
    expect(r.stderr).toContain(later.map((d, i) => `csebatch nightly --date ${d} --inbox ${inbox} --out ${out}${i < later.length - 1 ? ' --force' : ''}`).join(' ; then '));
    expect(fs.readFileSync(result.logFile, 'utf8')).toContain(DATES.slice(1).join(', '));
    const history = query<{ summary: string }>(path.join(out, 'csebatch.db'), 'SELECT summary FROM runs WHERE run_id = ?', result.runId);
    expect(JSON.parse(history[0]!.summary).laterDates).toEqual(DATES.slice(1));
    // the later dates were not recomputed: their folders and decisions are as they were
    expect(DATES.slice(1).map((d) => snapshotFiles(path.join(out, d)))).toEqual(laterFolders);
    expect(query(path.join(out, 'csebatch.db'), 'SELECT * FROM decisions WHERE business_date > ? ORDER BY decision_id', FIRST)).toEqual(laterDecisions);
    // the same inputs and (for FIRST) the same ledger before it: the same outputs
    expect(snapshotFiles(path.join(out, FIRST))).toEqual(firstBefore);
  });

  it('after the forced rerun, the later dates rerun in order with --force for all but the last', async () => {
    for (const d of DATES.slice(1)) {
      const r = await cli('nightly', '--date', d, '--inbox', inbox, '--out', out, ...(d === LAST ? [] : ['--force']));
      expect(r.code, d).toBeLessThanOrEqual(1);
    }
  });
});

describe('`run <id>` recomputes what depends on it and nothing else', () => {
  it('`run fidm` reloads fidm only and leaves the decisions of mechanisms that do not read fidm untouched', async () => {
    const inbox = copyInbox();
    const out = tmpDir();
    outs.push(out);
    await nightlyEvery(inbox, out);
    const db = path.join(out, 'csebatch.db');
    // the latest date with FIDM files (later dates may have none); --force since later dates ran
    const LAST = [...DATES].reverse().find((d) => fs.existsSync(path.join(inbox, d, 'fidm')))!;
    // the store's case-extract snapshot is then LAST's (a `run` for a date whose snapshot is not in
    // the store reloads the case extract first, which is right but not what this test looks at)
    expect((await cli('nightly', '--date', LAST, '--inbox', inbox, '--out', out, '--force')).code).toBeLessThanOrEqual(1);
    const plan = planRun('run', ['fidm']);
    const affected = new Set(plan.mechanisms.map((m) => m.id));
    expect(affected).toContain('levy');
    const unaffected = MECHANISMS.map((m) => m.id).filter((id) => !affected.has(id));
    const unaffectedFiles = OUTBOUND.filter((o) => !affected.has(o.mechanism)).map((o) => o.id);
    const pick = (mechs: string[]) =>
      query(db, `SELECT * FROM decisions WHERE business_date = ? AND mechanism IN (SELECT value FROM json_each(?)) ORDER BY decision_id`, LAST, JSON.stringify(mechs));
    const affectedRows = () =>
      pick([...affected]).map((r) => {
        const { decision_id: _id, ...rest } = r as Record<string, unknown>;
        return rest;
      });
    const otherInbound = () => query(db, `SELECT * FROM inbound_files WHERE business_date = ? AND interface <> 'fidm' ORDER BY file_id`, LAST);
    const fidmInbound = () => query<{ file_id: number }>(db, `SELECT file_id FROM inbound_files WHERE business_date = ? AND interface = 'fidm'`, LAST);
    const mtimes = () => {
      const m: Record<string, number> = {};
      for (const f of fs.readdirSync(path.join(out, LAST))) {
        const full = path.join(out, LAST, f);
        if (fs.statSync(full).isFile()) m[f] = fs.statSync(full).mtimeMs;
      }
      return m;
    };
    // every file of the date dated an hour back: a rewritten file shows a new mtime whatever the
    // clock's or the file system's resolution (no sleep needed)
    const past = new Date(Date.now() - 3_600_000);
    for (const f of fs.readdirSync(path.join(out, LAST))) fs.utimesSync(path.join(out, LAST, f), past, past);
    const before = {
      unaffected: pick(unaffected),
      affected: affectedRows(),
      otherInbound: otherInbound(),
      fidmIds: fidmInbound(),
      files: snapshotFiles(path.join(out, LAST)),
      mtimes: mtimes(),
      tasksOfOthers: query(db, `SELECT * FROM tasks WHERE business_date = ? AND mechanism NOT IN (SELECT value FROM json_each(?)) ORDER BY task_id`, LAST, JSON.stringify([...affected])),
    };
    const r = await cli('run', 'fidm', '--date', LAST, '--inbox', inbox, '--out', out, '--json', '--force');
    expect(r.code).toBeLessThanOrEqual(1);
    const result = JSON.parse(r.stdout) as { interfaces: Array<{ interface: string }> };
    // only fidm reloaded (no other inbound interface, not the case extract of the date)
    const inbound = result.interfaces.map((i) => i.interface).filter((i) => !OUTBOUND.some((o) => o.id === i) && i !== 'tasks');
    expect(inbound).toEqual(['fidm']);
    expect(otherInbound()).toEqual(before.otherInbound);
    expect(fidmInbound()).not.toEqual(before.fidmIds); // reloaded: new file rows
    // mechanisms that do not take fidm as input: same decision rows, ids included; their tasks too
    expect(pick(unaffected)).toEqual(before.unaffected);
    expect(query(db, `SELECT * FROM tasks WHERE business_date = ? AND mechanism NOT IN (SELECT value FROM json_each(?)) ORDER BY task_id`, LAST, JSON.stringify([...affected]))).toEqual(before.tasksOfOthers);
    // the mechanisms that read fidm were recomputed (new ids) to the same result
    expect(affectedRows()).toEqual(before.affected);
    expect(snapshotFiles(path.join(out, LAST))).toEqual(before.files);
    // outbound files of unaffected mechanisms were not even rewritten
    const after = mtimes();
    for (const id of unaffectedFiles) {
      for (const f of Object.keys(before.mtimes).filter((x) => x.startsWith(`${id}.`) || x.startsWith(`${id}-`))) expect(after[f], f).toBe(before.mtimes[f]);
    }
    // while levy-otw (fidm → levy) was
    expect(after['levy-otw.txt']).not.toBe(before.mtimes['levy-otw.txt']);
  });
});

describe('exit codes (OPERATIONS "Exit codes"), paths not covered by nightly.test.ts', () => {
  const D = LAST;

  it('0: --help of every command', async () => {
    for (const cmd of ['nightly', 'run', 'validate', 'explain', 'diff', 'verify', 'runs', 'config']) {
      const r = await cli(cmd, '--help');
      expect(r.code, cmd).toBe(0);
      expect(r.stdout, cmd).toMatch(new RegExp(`^Usage: csebatch ${cmd} `));
    }
  });

  it('2: an unknown command or option', async () => {
    expect((await cli('frobnicate')).code).toBe(2);
    expect((await cli('nightly', '--date', D, '--no-such-option')).code).toBe(2);
  });

  it('2: a configuration file that is not JSON, nothing changed', async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'c.json'), '{ not json');
    const out = tmpDir();
    const r = await cli('nightly', '--date', D, '--inbox', path.join(FIXTURES, 'inbox'), '--out', out, '--config', path.join(dir, 'c.json'));
    expect(r.code).toBe(2);
    expect(fs.readdirSync(out)).toEqual([]);
  });

  it('validate: 0 valid, 1 invalid, 2 unknown layout or missing file', async () => {
    const good = path.join(FIXTURES, 'inbox', FIRST, 'fidm', fs.readdirSync(path.join(FIXTURES, 'inbox', FIRST, 'fidm'))[0]!);
    expect((await cli('validate', good, '--layout', 'fidm')).code).toBe(0);
    expect((await cli('validate', path.join(FIXTURES, 'bad', 'fidm', 'wrong-trailer-count.txt'), '--layout', 'fidm')).code).toBe(1);
    expect((await cli('validate', good, '--layout', 'no-such-layout')).code).toBe(2);
    expect((await cli('validate', path.join(tmpDir(), 'nothing.txt'), '--layout', 'fidm')).code).toBe(2);
  });

  it('0: rejected records within rejects.maxPerInterface do not fail the night', async () => {
    const inbox = copyInbox();
    const out = tmpDir();
    outs.push(out);
    fs.copyFileSync(path.join(FIXTURES, 'bad', 'fidm', 'wrong-trailer-count.txt'), path.join(inbox, FIRST, 'fidm', 'ZZ_BAD.txt'));
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'c.json'), JSON.stringify({ rejects: { maxPerInterface: 1000 } }));
    const r = await cli('nightly', '--date', FIRST, '--inbox', inbox, '--out', out, '--config', path.join(dir, 'c.json'));
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(out, FIRST, 'rejects', 'fidm.rejects.csv'), 'utf8')).toContain('ZZ_BAD.txt');
  });

  it('3: `run` while another process holds the lock, nothing changed', async () => {
    const out = tmpDir();
    const holder = spawn('sleep', ['30']);
    try {
      fs.writeFileSync(path.join(out, 'csebatch.db.lock'), lockHeldBy(holder.pid!, D));
      const r = await cli('run', 'fidm', '--date', D, '--inbox', path.join(FIXTURES, 'inbox'), '--out', out);
      expect(r.code).toBe(3);
      expect(fs.existsSync(path.join(out, 'csebatch.db'))).toBe(false);
    } finally {
      holder.kill();
    }
  });

  it('1: a night whose inbox folder for the date does not exist (case extract missing)', async () => {
    const out = tmpDir();
    outs.push(out);
    const r = await cli('nightly', '--date', '2026-01-01', '--inbox', path.join(FIXTURES, 'inbox'), '--out', out);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/case-extract\s+missing/);
  });
});
