/**
 * `<out>/<D>/rejects/<interface>.rejects.csv` (OPERATIONS.md "Rejects"): one per inbound interface,
 * always written (header only when clean), rows sorted by file then line, values masked. The last
 * column, `message`, says what is wrong in words (issue 14.6: a code alone does not tell a partner
 * what to fix); it was appended so that the contract's columns keep their positions.
 */
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { Db } from '../store/db.ts';
import { writeFileAtomic } from '../io/atomicWrite.ts';

const COLUMNS = ['file', 'line', 'record_type', 'field', 'start', 'end', 'value_masked', 'reason', 'message'];

export function writeRejectsFile(db: Db, dateOutDir: string, businessDate: string, interfaceId: string): number {
  const rows = db
    .prepare(
      `SELECT file, line, record_type, field, start_pos, end_pos, value_masked, reason, message
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
