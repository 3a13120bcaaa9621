/**
 * Staging tables for fixed-width inbound interfaces, generated from their layouts: one table per
 * record type, `stg_<interface>_<record>`, with one column per non-filler field (named as in the
 * layout) plus the source file id, physical line and enclosing batch-header line. Staged rows
 * persist across nights; a rerun of a date deletes that date's rows first.
 */
import type { Db } from './db.ts';
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
 * Buffers accepted records of one inbound file and inserts them in chunked transactions with one
 * prepared statement per record type. `discard` removes a failed unit's records, whether still
 * buffered or already flushed.
 */
export class FileStager {
  private readonly buffers = new Map<string, unknown[][]>();
  private readonly inserts = new Map<string, { stmt: ReturnType<Db['prepare']>; fields: string[] }>();
  private buffered = 0;

  constructor(
    private readonly db: Db,
    private readonly layout: FixedLayout,
    private readonly fileId: number,
    private readonly chunkSize = 10_000,
  ) {
    for (const rt of layout.recordTypes) {
      const fields = stagedFields(rt).map((f) => f.name);
      const table = stagingTableName(layout.id, rt.name);
      const placeholders = ['?', '?', '?', ...fields.map(() => '?')].join(', ');
      const stmt = db.prepare(
        `INSERT INTO ${table} (file_id, line, batch_line, ${fields.map((f) => `"${f}"`).join(', ')}) VALUES (${placeholders})`,
      );
      this.inserts.set(rt.name, { stmt, fields });
      this.buffers.set(rt.name, []);
    }
  }

  add(recordType: string, line: number, batchLine: number | null, values: RecordValues): void {
    const ins = this.inserts.get(recordType);
    if (!ins) throw new Error(`no staging table for record type ${recordType} of ${this.layout.id}`);
    const row: unknown[] = [this.fileId, line, batchLine];
    for (const f of ins.fields) row.push(values[f] ?? null);
    this.buffers.get(recordType)!.push(row);
    if (++this.buffered >= this.chunkSize) this.flush();
  }

  flush(): void {
    if (this.buffered === 0) return;
    this.db.transaction(() => {
      for (const [name, rows] of this.buffers) {
        const { stmt } = this.inserts.get(name)!;
        for (const row of rows) stmt.run(row);
        rows.length = 0;
      }
    })();
    this.buffered = 0;
  }

  /** Removes every record of lines [from, to] of this file (a rejected block or file). */
  discard(from: number, to: number): void {
    for (const rows of this.buffers.values()) {
      const kept = rows.filter((r) => (r[1] as number) < from || (r[1] as number) > to);
      this.buffered -= rows.length - kept.length;
      rows.length = 0;
      rows.push(...kept);
    }
    this.db.transaction(() => {
      for (const rt of this.layout.recordTypes) {
        this.db
          .prepare(`DELETE FROM ${stagingTableName(this.layout.id, rt.name)} WHERE file_id = ? AND line BETWEEN ? AND ?`)
          .run(this.fileId, from, to);
      }
    })();
  }
}
