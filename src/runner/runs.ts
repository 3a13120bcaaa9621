/** `csebatch runs`: the run history kept in the store (Spring Batch's job repository, read side). */
import Database from 'better-sqlite3';

export interface RunHistoryRow {
  runId: number;
  businessDate: string;
  command: string;
  interfaces: string[];
  status: string;
  exitCode: number | null;
  pid: number;
  startedAt: string;
  endedAt: string | null;
  summary: unknown;
}

export function listRuns(dbFile: string, businessDate?: string): RunHistoryRow[] {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare(
        `SELECT run_id, business_date, command, interfaces, status, exit_code, pid, started_at, ended_at, summary
         FROM runs ${businessDate ? 'WHERE business_date = ?' : ''} ORDER BY run_id`,
      )
      .all(...(businessDate ? [businessDate] : [])) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      runId: r.run_id as number,
      businessDate: r.business_date as string,
      command: r.command as string,
      interfaces: JSON.parse(r.interfaces as string) as string[],
      status: r.status as string,
      exitCode: r.exit_code as number | null,
      pid: r.pid as number,
      startedAt: r.started_at as string,
      endedAt: r.ended_at as string | null,
      summary: r.summary ? JSON.parse(r.summary as string) : null,
    }));
  } finally {
    db.close();
  }
}

/**
 * Business dates after `businessDate` that have a finished run (SUCCEEDED, or
 * COMPLETED_WITH_ERRORS: such a night still decided and wrote its ledgers), ascending. Their
 * ledgers were computed on top of `businessDate`'s, so rerunning `businessDate` would leave them
 * stale: the runner refuses unless forced (OPERATIONS: reruns). A FAILED run (crashed, or
 * stopped by an error) counts when it left decisions: each mechanism commits on its own, so its
 * ledgers may already hold rows of that date.
 */
export function laterRunDates(db: Database.Database, businessDate: string): string[] {
  return (
    db
      .prepare(
        `SELECT business_date FROM runs
         WHERE business_date > :d AND status IN ('SUCCEEDED', 'COMPLETED_WITH_ERRORS')
         UNION
         -- a later night that crashed after some mechanisms committed has decisions (and ledgers) too
         SELECT business_date FROM decisions WHERE business_date > :d
         ORDER BY business_date`,
      )
      .all({ d: businessDate }) as Array<{ business_date: string }>
  ).map((r) => r.business_date);
}
