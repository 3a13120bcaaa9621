/**
 * `<out>/<D>/rejects/<interface>.rejects.csv` (OPERATIONS.md "Rejects"): one per inbound interface,
 * always written (header only when clean), rows sorted by file then line, values masked.
 */
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { Db } from '../store/db.ts';
import { writeFileAtomic } from '../io/atomicWrite.ts';

const COLUMNS = ['file', 'line', 'record_type', 'field', 'start', 'end', 'value_masked', 'reason'];

export function writeRejectsFile(db: Db, dateOutDir: string, businessDate: string, interfaceId: string): number {
  const rows = db
    .prepare(
      `SELECT file, line, record_type, field, start_pos, end_pos, value_masked, reason
       FROM rejects WHERE business_date = ? AND interface = ?
       ORDER BY file, line, coalesce(start_pos, 0), reason, field`,
    )
    .raw()
    .all(businessDate, interfaceId) as unknown[][];
  const content = stringify([COLUMNS, ...rows.map((r) => r.map((v) => (v === null ? '' : String(v))))], {
    record_delimiter: '\n',
  });
  writeFileAtomic(path.join(dateOutDir, 'rejects', `${interfaceId}.rejects.csv`), content);
  return rows.length;
}
