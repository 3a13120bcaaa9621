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
