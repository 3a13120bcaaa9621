/**
 * `<out>/<D>/rejects/<interface>.rejects.csv` (OPERATIONS.md "Rejects"): one per inbound interface,
 * always written (header only when clean), rows sorted by file then line, values masked. The last
 * column, `message`, says what is wrong in words (issue 14.6: a code alone does not tell a partner
 * what to fix); it was appended so that the contract's columns keep their positions.
 */
import path from 'node:path';
import type { Db } from '../store/db.ts';
import { commitTempFile, writeFileAtomic } from '../io/atomicWrite.ts';
import { isSpooled, LineSpool, spoolCsv } from '../outbound/spool.ts';

const COLUMNS = ['file', 'line', 'record_type', 'field', 'start', 'end', 'value_masked', 'reason', 'message'];

export function writeRejectsFile(db: Db, dateOutDir: string, businessDate: string, interfaceId: string): number {
  const rows = db
    .prepare(
      `SELECT file, line, record_type, field, start_pos, end_pos, value_masked, reason, message
       FROM rejects WHERE business_date = ? AND interface = ?
       ORDER BY file, line, coalesce(start_pos, 0), reason, field`,
    )
    .raw()
    .iterate(businessDate, interfaceId) as IterableIterator<unknown[]>;
  function* records(): Generator<string[]> {
    yield COLUMNS;
    for (const r of rows) yield r.map((v) => (v === null ? '' : String(v)));
  }
  // streamed into the atomic write's temporary file: a rejected million-line file is not held in memory
  const name = path.join('rejects', `${interfaceId}.rejects.csv`);
  const spool = new LineSpool(dateOutDir, name);
  const written = spoolCsv(spool, records());
  const content = spool.finish();
  const target = path.join(dateOutDir, name);
  if (isSpooled(content)) commitTempFile(content.spooled, target);
  else writeFileAtomic(target, content);
  return written - 1;
}
