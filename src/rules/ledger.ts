/**
 * Ledger plumbing the mechanisms share: removing D's rows of an earlier run of D (a rerun replaces
 * them, DOMAIN 6), and the state in force before D (the latest ledger row per key).
 */
import type { Db } from '../store/db.ts';

/**
 * Deletes D's rows of `ledgerTables` (each has a `business_date` column), then D's tasks and
 * decisions of `mechanism`.
 */
export function clearMechanismDate(db: Db, businessDate: string, mechanism: string, ledgerTables: readonly string[]): void {
  for (const table of ledgerTables) db.prepare(`DELETE FROM ${table} WHERE business_date = ?`).run(businessDate);
  db.prepare('DELETE FROM tasks WHERE business_date = ? AND mechanism = ?').run(businessDate, mechanism);
  db.prepare('DELETE FROM decisions WHERE business_date = ? AND mechanism = ?').run(businessDate, mechanism);
}

/**
 * SELECT of the latest row of `table` before `:d` per key (`keyColumns`), every column plus
 * `latest_date` (SQLite returns the bare columns of the row holding max()). Rows of D itself are
 * excluded: a rerun decides against the same state as the first run.
 */
export function latestBeforeSql(table: string, keyColumns: readonly string[]): string {
  return `SELECT l.*, max(l.business_date) AS latest_date
     FROM ${table} l WHERE l.business_date < :d
     GROUP BY ${keyColumns.map((k) => `l.${k}`).join(', ')}`;
}
