/**
 * Staging tables for fixed-width inbound interfaces, generated from their layouts: one table per
 * record type, `stg_<interface>_<record>`, with one column per non-filler field (named as in the
 * layout) plus the source file id, physical line and enclosing batch-header line. Staged rows
 * persist across nights; a rerun of a date deletes that date's rows first.
 */
import type { Db } from './db.ts';
import { ChunkedTransaction } from './chunkedTransaction.ts';
import type { FieldDef, FixedLayout, RecordTypeDef } from '../layout/schema.ts';
import type { RecordValues } from '../types.ts';

export function stagingTableName(interfaceId: string, recordName: string): string {
  return `stg_${interfaceId.replace(/-/g, '_')}_${recordName}`;
}

function sqlType(f: FieldDef): 'INTEGER' | 'TEXT' {
  return f.type === 'SN' || (f.type === 'N' && f.decimals !== undefined) ? 'INTEGER' : 'TEXT';
}

export function stagedFields(rt: RecordTypeDef): FieldDef[] {
  return rt.fields.filter((f) => f.type !== 'FILLER');
}

/** CREATE TABLE IF NOT EXISTS for every record type of the layout, with the (file_id, line) index. */
export function ensureStagingTables(db: Db, layout: FixedLayout): void {
  for (const rt of layout.recordTypes) {
    const table = stagingTableName(layout.id, rt.name);
    const cols = stagedFields(rt).map((f) => `"${f.name}" ${sqlType(f)}`);
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${table} (
         file_id INTEGER NOT NULL REFERENCES inbound_files (file_id) ON DELETE CASCADE,
         line INTEGER NOT NULL,
         batch_line INTEGER,
         ${cols.join(',\n         ')},
         PRIMARY KEY (file_id, line)
       ) WITHOUT ROWID`,
    );
  }
}

/**
 * Inserts the accepted records of one inbound file as they come, with one prepared statement per
 * record type, committed every `chunkSize` records (ChunkedTransaction: no buffered rows).
 * `discard` removes a failed unit's records; `abandon` rolls back the open chunk when the read
 * fails (as the buffered rows were lost before: the file stays 'loading' and a rerun discards it).
 */
export class FileStager {
  private readonly inserts = new Map<string, { stmt: ReturnType<Db['prepare']>; fields: string[] }>();
  private readonly chunks: ChunkedTransaction;

  constructor(
    private readonly db: Db,
    private readonly layout: FixedLayout,
    private readonly fileId: number,
    chunkSize = 10_000,
  ) {
    this.chunks = new ChunkedTransaction(db, chunkSize);
    for (const rt of layout.recordTypes) {
      const fields = stagedFields(rt).map((f) => f.name);
      const table = stagingTableName(layout.id, rt.name);
      const placeholders = ['?', '?', '?', ...fields.map(() => '?')].join(', ');
      const stmt = db.prepare(
        `INSERT INTO ${table} (file_id, line, batch_line, ${fields.map((f) => `"${f}"`).join(', ')}) VALUES (${placeholders})`,
      );
      this.inserts.set(rt.name, { stmt, fields });
    }
  }

  add(recordType: string, line: number, batchLine: number | null, values: RecordValues): void {
    const ins = this.inserts.get(recordType);
    if (!ins) throw new Error(`no staging table for record type ${recordType} of ${this.layout.id}`);
    const row: unknown[] = [this.fileId, line, batchLine];
    for (const f of ins.fields) row.push(values[f] ?? null);
    this.chunks.run(ins.stmt, row);
  }

  /** Commits the records inserted since the last commit. */
  flush(): void {
    this.chunks.commit();
  }

  /** The read failed: the records of the open chunk are rolled back. */
  abandon(): void {
    this.chunks.rollback();
  }

  /** Removes every record of lines [from, to] of this file (a rejected block or file). */
  discard(from: number, to: number): void {
    this.flush();
    this.db.transaction(() => {
      for (const rt of this.layout.recordTypes) {
        this.db
          .prepare(`DELETE FROM ${stagingTableName(this.layout.id, rt.name)} WHERE file_id = ? AND line BETWEEN ? AND ?`)
          .run(this.fileId, from, to);
      }
    })();
  }
}
