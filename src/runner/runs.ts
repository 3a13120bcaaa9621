/** `csebatch runs`: the run history kept in the store (Spring Batch's job repository, read side). */
import path from 'node:path';
import Database from 'better-sqlite3';
import { liveLockHolder } from './lock.ts';

export interface RunHistoryRow {
  runId: number;
  businessDate: string;
  command: string;
  interfaces: string[];
  /**
   * RUNNING, SUCCEEDED, COMPLETED_WITH_ERRORS, FAILED, or INTERRUPTED: recorded RUNNING but the
   * lock is no longer held by its process (killed; the next run closes it as FAILED)
   */
  status: string;
  exitCode: number | null;
  pid: number;
  /** wall clock, UTC (ISO 8601 with Z) */
  startedAt: string;
  endedAt: string | null;
  /** whether the run decided any mechanism (a run whose case extract was missing did not) */
  decided: boolean;
  voided: { at: string; by: string; why: string } | null;
  /** the effective configuration (sha256) and the --config file given (null: the defaults) */
  config: { sha256: string | null; file: string | null };
  summary: unknown;
}

export function listRuns(dbFile: string, businessDate?: string): RunHistoryRow[] {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare(
        `SELECT run_id, business_date, command, interfaces, status, exit_code, pid, started_at, ended_at, summary,
                decided, voided_at, voided_by, void_reason, config_sha256, config_file
         FROM runs ${businessDate ? 'WHERE business_date = ?' : ''} ORDER BY run_id`,
      )
      .all(...(businessDate ? [businessDate] : [])) as Array<Record<string, unknown>>;
    // a RUNNING row whose process no longer holds the lock was interrupted (issue 14.7)
    const holder = liveLockHolder(`${path.resolve(dbFile)}.lock`);
    return rows.map((r) => ({
      runId: r.run_id as number,
      businessDate: r.business_date as string,
      command: r.command as string,
      interfaces: JSON.parse(r.interfaces as string) as string[],
      status: r.status === 'RUNNING' && holder?.pid !== r.pid ? 'INTERRUPTED' : (r.status as string),
      exitCode: r.exit_code as number | null,
      pid: r.pid as number,
      startedAt: r.started_at as string,
      endedAt: r.ended_at as string | null,
      decided: r.decided === 1,
      voided: r.voided_at ? { at: r.voided_at as string, by: r.voided_by as string, why: r.void_reason as string } : null,
      config: { sha256: r.config_sha256 as string | null, file: r.config_file as string | null },
      summary: r.summary ? JSON.parse(r.summary as string) : null,
    }));
  } finally {
    db.close();
  }
}

/**
 * Business dates after `businessDate` that have a finished run that decided (SUCCEEDED, or
 * COMPLETED_WITH_ERRORS: such a night still decided and wrote its ledgers), ascending. Their
 * ledgers were computed on top of `businessDate`'s, so rerunning `businessDate` would leave them
 * stale: the runner refuses unless forced (OPERATIONS: reruns). A FAILED run (crashed, or
 * stopped by an error) counts when it left decisions: each mechanism commits on its own, so its
 * ledgers may already hold rows of that date. A run whose case extract was missing or rejected
 * decided nothing and does not count; nor does a run an operator voided (issue 14.1), nor the
 * decisions of a date whose every run is voided.
 */
export function laterRunDates(db: Database.Database, businessDate: string): string[] {
  return (
    db
      .prepare(
        `SELECT business_date FROM runs
         WHERE business_date > :d AND status IN ('SUCCEEDED', 'COMPLETED_WITH_ERRORS') AND decided = 1 AND voided_at IS NULL
         UNION
         -- a later night that crashed after some mechanisms committed has decisions (and ledgers) too
         SELECT DISTINCT business_date FROM decisions
         WHERE business_date > :d
           AND business_date IN (SELECT business_date FROM runs WHERE business_date > :d AND voided_at IS NULL)
         ORDER BY business_date`,
      )
      .all({ d: businessDate }) as Array<{ business_date: string }>
  ).map((r) => r.business_date);
}

export class VoidRefusedError extends Error {
  override name = 'VoidRefusedError';
}

/**
 * `runs --void RUN_ID --why TEXT`: marks a mistaken run (a typo'd business date) as voided, with
 * who and why, in the run history. The run, its outputs and its decisions stay as they are; it
 * only stops counting for the rerun refusal. The caller holds the lock.
 */
export function voidRun(db: Database.Database, runId: number, who: string, why: string, at: string): RunHistoryRow['voided'] & { businessDate: string } {
  const row = db.prepare('SELECT business_date, status, voided_at FROM runs WHERE run_id = ?').get(runId) as
    | { business_date: string; status: string; voided_at: string | null }
    | undefined;
  if (!row) throw new VoidRefusedError(`no run ${runId} in the run history`);
  if (row.voided_at) throw new VoidRefusedError(`run ${runId} was already voided on ${row.voided_at}`);
  if (row.status === 'RUNNING') throw new VoidRefusedError(`run ${runId} is still recorded RUNNING; it cannot be voided while it runs`);
  if (why.trim() === '') throw new VoidRefusedError('--why needs the reason for voiding the run');
  db.prepare('UPDATE runs SET voided_at = ?, voided_by = ?, void_reason = ? WHERE run_id = ?').run(at, who, why, runId);
  return { at, by: who, why, businessDate: row.business_date };
}
