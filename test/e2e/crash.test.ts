/**
 * Crash safety (OPERATIONS "Guarantees": atomic, idempotent; the lock): the real executable is
 * killed with SIGKILL at several points of a night — as soon as the run has started, and right
 * after given steps finished (CSEBATCH_LOG_LEVEL=debug logs a 'step finished' line per step) —
 * then the night is run again. Every time: outputs byte-identical to an uninterrupted run, no
 * ledger row duplicated, the levy ledger exactly as without the crash, no run left RUNNING, and
 * the dead process's lock recovered and logged.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cli, copyInbox, tmpDir } from '../helpers/cli.ts';
import { expectLogsFreeOfSecrets, fixtureDates, ledgerKeyColumns, ledgerTables, query, sha256Tree, tableRowsWithoutIds } from '../helpers/operator.ts';

const DATES = fixtureDates();
const LAST = DATES.at(-1)!;

interface KillPoint {
  label: string;
  /** kill once the run log of LAST contains this */
  when: (log: string) => boolean;
  /** and this many ms later */
  delayMs: number;
}

const stepFinished = (step: string) => (log: string) => log.includes(`"step":"${step}"`) && log.includes('step finished');

// Six points keep the file under a minute on 2 busy cores (each costs a process start and a rerun).
const KILL_POINTS: KillPoint[] = [
  { label: 'right after the run started', when: (l) => l.includes('run started'), delayMs: 0 },
  { label: 'after the case extract loaded', when: stepFinished('case-extract'), delayMs: 0 },
  { label: 'after the derived facts', when: stepFinished('derived'), delayMs: 0 },
  { label: 'after the levy (decided, file written)', when: stepFinished('levy'), delayMs: 0 },
  { label: 'after tasks.csv, before the manifest', when: stepFinished('tasks'), delayMs: 0 },
  { label: '150 ms after the run started', when: (l) => l.includes('run started'), delayMs: 150 },
];

function runLog(out: string): string {
  const dir = path.join(out, 'logs');
  if (!fs.existsSync(dir)) return '';
  return fs
    .readdirSync(dir)
    .filter((f) => f.startsWith(`${LAST}.`))
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
    .join('');
}

/**
 * Starts `nightly --date LAST` as a child process and SIGKILLs it at the kill point. The run log
 * is written synchronously line by line, so the check runs on each change of the logs folder
 * (fs.watch) rather than on a busy poll that would compete with the child for the CPU on a 2-core
 * machine; a slow poll backs the watcher up in case an event is coalesced or lost.
 */
function nightlyKilledAt(inbox: string, out: string, point: KillPoint): Promise<{ killed: boolean; code: number | null }> {
  const logs = path.join(out, 'logs');
  fs.mkdirSync(logs, { recursive: true, mode: 0o700 });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'nightly', '--date', LAST, '--inbox', inbox, '--out', out], {
      env: { ...process.env, CSEBATCH_LOG_LEVEL: 'debug' },
      stdio: 'ignore',
    });
    let armed = true;
    const check = () => {
      if (!armed || !point.when(runLog(out))) return;
      stop();
      const kill = () => {
        child.kill('SIGKILL');
      };
      if (point.delayMs > 0) setTimeout(kill, point.delayMs);
      else kill();
    };
    const watcher = fs.watch(logs, check);
    const backup = setInterval(check, 50);
    const stop = () => {
      armed = false;
      watcher.close();
      clearInterval(backup);
    };
    child.on('error', (e) => {
      stop();
      reject(e);
    });
    child.on('exit', (code, signal) => {
      stop();
      resolve({ killed: signal === 'SIGKILL', code });
    });
  });
}

function ledgerState(dbFile: string) {
  const tables = ledgerTables(dbFile);
  return Object.fromEntries(tables.map((t) => [t, tableRowsWithoutIds(dbFile, t)]));
}

describe('kill -9 during a night, then rerun', () => {
  let inbox: string;
  /** the state before LAST: every earlier night run */
  let pre: string;
  let baseline: { files: Record<string, string>; ledgers: Record<string, string[]> };
  const outs: string[] = [];

  beforeAll(async () => {
    inbox = copyInbox();
    pre = tmpDir();
    for (const d of DATES.slice(0, -1)) await cli('nightly', '--date', d, '--inbox', inbox, '--out', pre);
    const base = tmpDir();
    fs.cpSync(pre, base, { recursive: true });
    const r = await cli('nightly', '--date', LAST, '--inbox', inbox, '--out', base);
    expect(r.code).toBeLessThanOrEqual(1);
    outs.push(base);
    baseline = { files: sha256Tree(base), ledgers: ledgerState(path.join(base, 'csebatch.db')) };
    expect(Object.keys(baseline.files)).toContain(`${LAST}/manifest.json`);
    expect(Object.keys(baseline.ledgers)).toContain('levy_ledger');
  });

  afterAll(() => {
    expect(expectLogsFreeOfSecrets(outs)).toBeGreaterThan(0);
  });

  let killedCount = 0;
  it.each(KILL_POINTS)('killed $label: the rerun recovers to the uninterrupted result', async (point) => {
    const out = tmpDir();
    fs.cpSync(pre, out, { recursive: true });
    outs.push(out);
    const { killed } = await nightlyKilledAt(inbox, out, point);
    const lockLeft = fs.existsSync(path.join(out, 'csebatch.db.lock'));
    if (killed) killedCount++;
    // a process killed while it held the lock leaves it behind
    if (killed && runLog(out) !== '') expect(lockLeft).toBe(true);

    // a kill in the middle of an atomic write leaves its temporary file beside the final name
    // (rare at these points, so one is planted): the rerun removes it
    fs.mkdirSync(path.join(out, LAST), { recursive: true });
    fs.writeFileSync(path.join(out, LAST, '.levy-otw.txt.999999.tmp'), 'HALF WRITTEN');
    const logsBefore = new Set(fs.readdirSync(path.join(out, 'logs')));
    const r = await cli('nightly', '--date', LAST, '--inbox', inbox, '--out', out);
    expect(r.code).toBeLessThanOrEqual(1);
    const rerunLog = fs
      .readdirSync(path.join(out, 'logs'))
      .filter((f) => !logsBefore.has(f))
      .map((f) => fs.readFileSync(path.join(out, 'logs', f), 'utf8'))
      .join('');
    if (lockLeft) expect(rerunLog).toContain('recovered a stale lock left by a process that no longer runs');
    expect(rerunLog).toContain('removed a partial output left by an interrupted run');
    expect(fs.existsSync(path.join(out, 'csebatch.db.lock'))).toBe(false);

    // outputs byte-identical to the uninterrupted run (every date folder; logs excluded)
    expect(sha256Tree(out)).toEqual(baseline.files);
    // no ledger row duplicated on its natural key; the ledgers equal the uninterrupted run's
    const db = path.join(out, 'csebatch.db');
    for (const table of ledgerTables(db)) {
      const key = ledgerKeyColumns(db, table).map((c) => `"${c}"`).join(', ');
      expect(query(db, `SELECT ${key}, count(*) AS n FROM "${table}" GROUP BY ${key} HAVING count(*) > 1`), table).toEqual([]);
    }
    expect(ledgerState(db)).toEqual(baseline.ledgers);
    // every levy ledger row still points at a levy decision of its date
    expect(
      query(db, `SELECT l.* FROM levy_ledger l LEFT JOIN decisions d ON d.decision_id = l.decision_id AND d.business_date = l.business_date AND d.mechanism = 'levy' WHERE d.decision_id IS NULL`),
    ).toEqual([]);
    // the killed run is closed in the history; nothing left RUNNING
    expect(query(db, `SELECT run_id FROM runs WHERE status = 'RUNNING'`)).toEqual([]);
    if (killed && lockLeft) expect(query(db, `SELECT run_id FROM runs WHERE business_date = ? AND status = 'FAILED'`, LAST).length).toBeGreaterThan(0);
  });

  it('most kill points did interrupt a running night', () => {
    // a kill point that came after the process had already exited proves nothing on its own
    expect(killedCount).toBeGreaterThanOrEqual(KILL_POINTS.length - 2);
  });
});
