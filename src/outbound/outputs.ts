/**
 * What every outbound module hands the runner, and how the runner records it: the file content,
 * its record counts and control totals for the manifest, and the file sequence numbers of
 * OPERATIONS.md (assigned on first write of a date, reused by reruns).
 */
import path from 'node:path';
import type { Db } from '../store/db.ts';
import { commitTempFile, writeFileAtomic } from '../io/atomicWrite.ts';
import { isSpooled } from './spool.ts';
import type { SpooledContent } from './spool.ts';
import type { FieldValue } from '../types.ts';
import type { FormatError } from '../layout/codec.ts';
import { markUnwritable } from '../rules/unwritable.ts';

export interface OutboundFile {
  interface: string;
  /** file name relative to `<out>/<D>/` */
  file: string;
  /** the whole text, the records (each written followed by LF), or a spooled temporary file */
  content: string | readonly string[] | SpooledContent;
  records: Record<string, number>;
  controls: Record<string, FieldValue>;
  truncated: number;
  /** truncations by `<record>.<field>` (the manifest's truncatedFields) */
  truncatedFields?: Record<string, number>;
  /** the lines with a truncated value and which fields of them were cut (explain) */
  truncatedLines?: readonly TruncatedLine[];
}

export interface TruncatedLine {
  line: number;
  record: string;
  fields: readonly string[];
}

/** The file sequence of (interface, D): reused when the date was written before, else max + 1. */
export function fileSequence(db: Db, interfaceId: string, businessDate: string): number {
  const existing = db
    .prepare('SELECT sequence FROM file_sequences WHERE interface = ? AND business_date = ?')
    .get(interfaceId, businessDate) as { sequence: number } | undefined;
  if (existing) return existing.sequence;
  const next =
    (db.prepare('SELECT coalesce(max(sequence), 0) + 1 AS n FROM file_sequences WHERE interface = ?').get(interfaceId) as { n: number }).n;
  db.prepare('INSERT INTO file_sequences (interface, business_date, sequence) VALUES (?, ?, ?)').run(interfaceId, businessDate, next);
  return next;
}

/** Writes the file atomically under `<out>/<D>/` and records it for the manifest. */
export function writeOutbound(db: Db, dateOutDir: string, businessDate: string, out: OutboundFile): void {
  const target = path.join(dateOutDir, out.file);
  let written: { bytes: number; sha256: string };
  if (isSpooled(out.content)) {
    commitTempFile(out.content.spooled, target);
    written = out.content;
  } else {
    written = writeFileAtomic(target, out.content);
  }
  db.transaction(() => {
    db.prepare(
      `INSERT INTO output_files (business_date, interface, file, bytes, sha256, records, controls, truncated, truncated_fields)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (business_date, file) DO UPDATE SET
         interface = excluded.interface, bytes = excluded.bytes, sha256 = excluded.sha256,
         records = excluded.records, controls = excluded.controls, truncated = excluded.truncated,
         truncated_fields = excluded.truncated_fields`,
    ).run(
      businessDate,
      out.interface,
      out.file,
      written.bytes,
      written.sha256,
      JSON.stringify(out.records),
      JSON.stringify(out.controls),
      out.truncated,
      JSON.stringify(sortedKeys(out.truncatedFields ?? {})),
    );
    db.prepare('DELETE FROM output_truncations WHERE business_date = ? AND file = ?').run(businessDate, out.file);
    const line = db.prepare('INSERT INTO output_truncations (business_date, file, line, record, fields) VALUES (?, ?, ?, ?, ?)');
    for (const t of out.truncatedLines ?? []) line.run(businessDate, out.file, t.line, t.record, JSON.stringify(t.fields));
  })();
}

/** The same object with its keys in byte order (the manifest is byte-identical for the same state). */
function sortedKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]!]));
}

/** A record a writer could not write: its decision and the format problem. */
export interface Unwritable {
  decisionId: number;
  problem: FormatError;
}

/**
 * The records a writer wrote: decision id → `<file>:<line>`, in the order written. Held in typed
 * arrays (14 bytes a record) rather than one object and one string per record: a 1M-case night
 * writes 2.46M records, and at three times that size the objects were hundreds of megabytes of
 * heap (issue 10, flat memory). The references are stored after the writer's query is finished
 * (better-sqlite3 does not write while a statement is being iterated).
 */
export class WrittenRefs {
  private ids = new Float64Array(4096);
  private lines = new Uint32Array(4096);
  private fileOf = new Uint16Array(4096);
  private readonly files: string[] = [];
  private lastFile: string | null = null;
  private lastFileIndex = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  add(decisionId: number, file: string, line: number): void {
    if (file !== this.lastFile) {
      let i = this.files.indexOf(file);
      if (i < 0) {
        if (this.files.length > 0xffff) throw new Error(`WrittenRefs: more than ${0xffff + 1} files`);
        i = this.files.push(file) - 1;
      }
      this.lastFile = file;
      this.lastFileIndex = i;
    }
    if (this.count === this.ids.length) this.grow();
    this.ids[this.count] = decisionId;
    this.lines[this.count] = line;
    this.fileOf[this.count] = this.lastFileIndex;
    this.count += 1;
  }

  /** Each reference in the order added. */
  *entries(): Generator<{ decisionId: number; ref: string }> {
    for (let i = 0; i < this.count; i++) yield { decisionId: this.ids[i]!, ref: `${this.files[this.fileOf[i]!]!}:${this.lines[i]!}` };
  }

  private grow(): void {
    const n = this.ids.length * 2;
    const ids = new Float64Array(n);
    ids.set(this.ids);
    this.ids = ids;
    const lines = new Uint32Array(n);
    lines.set(this.lines);
    this.lines = lines;
    const fileOf = new Uint16Array(n);
    fileOf.set(this.fileOf);
    this.fileOf = fileOf;
  }
}

/**
 * What every writer does once its file is formatted (DOMAIN 6): each unwritable record's decision
 * becomes SUPPRESS UNWRITABLE_VALUE and its ledger row of D is removed (the ledger stays as if it
 * had not been sent); each written record's decision gets `output_ref` = `<file>:<line>`.
 */
export function settleWrites(
  db: Db,
  businessDate: string,
  ledgerTable: string,
  unwritable: readonly Unwritable[],
  written: WrittenRefs,
): void {
  for (const u of unwritable) markUnwritable(db, u.decisionId, u.problem);
  if (unwritable.length > 0) {
    // one pass over D's ledger rows (ledgers are not indexed by decision id): a night with tens of
    // thousands of unwritable records must not scan the ledger once per record
    db.exec('CREATE TEMP TABLE IF NOT EXISTS unwritable_decision (decision_id INTEGER PRIMARY KEY); DELETE FROM temp.unwritable_decision;');
    const add = db.prepare('INSERT OR IGNORE INTO temp.unwritable_decision (decision_id) VALUES (?)');
    for (const u of unwritable) add.run(u.decisionId);
    db.prepare(`DELETE FROM ${ledgerTable} WHERE business_date = ? AND decision_id IN (SELECT decision_id FROM temp.unwritable_decision)`).run(businessDate);
  }
  // Set-based (issue 10): the references go into a temporary table keyed by decision id, then one
  // UPDATE walks it in decision id order, so each page of the table is read and dirtied once (in
  // output order the updates jump across a table far larger than the page cache). One statement
  // per reference cost 13.7 s for the 2.46M references of a 1M-case night. INSERT OR REPLACE keeps
  // a decision referenced twice on the reference of its later record, as before.
  if (written.length === 0) return;
  db.exec('CREATE TEMP TABLE IF NOT EXISTS output_ref_update (decision_id INTEGER PRIMARY KEY, ref TEXT NOT NULL); DELETE FROM temp.output_ref_update;');
  const add = db.prepare('INSERT OR REPLACE INTO temp.output_ref_update (decision_id, ref) VALUES (?, ?)');
  for (const w of written.entries()) add.run(w.decisionId, w.ref);
  // written as IN (…) so that the plan walks the temporary table and probes decisions by rowid
  // (UPDATE … FROM scanned the whole decisions table: the temporary table has no statistics)
  db.exec(
    `UPDATE decisions SET output_ref = (SELECT u.ref FROM temp.output_ref_update u WHERE u.decision_id = decisions.decision_id)
     WHERE decision_id IN (SELECT decision_id FROM temp.output_ref_update)`,
  );
  db.exec('DELETE FROM temp.output_ref_update');
}
