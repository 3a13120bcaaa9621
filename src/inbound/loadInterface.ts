/**
 * Loads every file of one fixed-width inbound interface for business date D from
 * `<inbox>/<D>/<interface>/`: hashes it, skips a file already loaded on an earlier date
 * (duplicate), streams it through the layout reader into the staging tables, and records the file,
 * its counts and its rejects. A rerun of D first discards D's files of the interface (their staged
 * rows go with them) and loads them again.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../store/db.ts';
import { FileStager } from '../store/staging.ts';
import { compileLayout } from '../layout/codec.ts';
import type { CompiledLayout } from '../layout/codec.ts';
import { fixedLayout } from '../layout/registry.ts';
import { readFixedWidthFile } from './fixedWidthReader.ts';
import { sha256File } from '../io/atomicWrite.ts';
import { isRegularFileInside } from '../io/inboxFile.ts';
import type { RejectRow } from '../types.ts';
import type { Logger } from '../log.ts';
import { progress } from '../io/progress.ts';

export interface InboundFileResult {
  interface: string;
  file: string;
  bytes: number;
  sha256: string;
  status: 'loaded' | 'duplicate' | 'rejected';
  read: number;
  loaded: number;
  rejected: number;
  /** why the file counts as a failed transfer (empty, no header or trailer: a line-0 STRUCTURE row), if it does */
  failedTransfer?: string;
}

export interface FixedWidthInterfaceSpec {
  id: string;
  /** 'record.field' N fields that readers also accept as signed overpunch */
  signedOverpunch?: string[];
  /** 'record.field' whose failure rejects the whole file */
  fileFatalFields?: string[];
  /** a shorter line length also accepted, as if padded with spaces */
  tolerateLength?: number;
  /** 'record.field' holding the obligor SSN by which records join to participants */
  ssnFields: string[];
  /**
   * runs once every file of D is staged (also when D has no file): derives the interface's own
   * tables from D's staged records; may reject records (it then moves them from loaded to
   * rejected in `files`)
   */
  afterLoad?: (db: Db, businessDate: string, files: InboundFileResult[]) => void;
}

export interface LoadContext {
  db: Db;
  businessDate: string;
  runId: number;
  /** `<inbox>/<D>` */
  dateDir: string;
  log: Logger;
}

const compiled = new Map<string, CompiledLayout>();
function compiledFor(spec: FixedWidthInterfaceSpec): CompiledLayout {
  let c = compiled.get(spec.id);
  if (!c) {
    c = compileLayout(fixedLayout(spec.id), { signedOverpunch: spec.signedOverpunch ?? [] });
    compiled.set(spec.id, c);
  }
  return c;
}

/** Discards what a previous run of D loaded for this interface (files, staged rows, rejects). */
export function discardInterfaceDate(db: Db, interfaceId: string, businessDate: string): void {
  db.transaction(() => {
    db.prepare('DELETE FROM inbound_files WHERE business_date = ? AND interface = ?').run(businessDate, interfaceId);
    db.prepare('DELETE FROM rejects WHERE business_date = ? AND interface = ?').run(businessDate, interfaceId);
  })();
}

export function storeRejects(db: Db, businessDate: string, interfaceId: string, rejects: RejectRow[]): void {
  const ins = db.prepare(
    `INSERT INTO rejects (business_date, interface, file, line, record_type, field, start_pos, end_pos,
                          value_masked, reason, message)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (const r of rejects) {
      ins.run(businessDate, interfaceId, r.file, r.line, r.recordType, r.field, r.start, r.end, r.valueMasked, r.reason, r.message);
    }
  })();
}

/**
 * The regular files of an interface folder, sorted by name. Anything that is not a regular file
 * inside the folder (a symlink leading out of the inbox, a sub-folder, a FIFO) is refused with a
 * file-level reject rather than followed.
 */
export function listInterfaceFiles(dir: string, inboxRoot: string): { files: string[]; refused: RejectRow[] } {
  const files: string[] = [];
  const refused: RejectRow[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue; // editor swap files, partial uploads (.part), .DS_Store
    if (isRegularFileInside(path.join(dir, name), inboxRoot)) files.push(name);
    else
      refused.push({
        file: name,
        line: 0,
        recordType: '',
        field: '',
        start: null,
        end: null,
        valueMasked: '',
        reason: 'FILE_REJECTED',
        message: `${name} is not a regular file inside the inbox (symlink out of the inbox, folder or device); not read`,
      });
  }
  return { files, refused };
}

export async function loadFixedWidthInterface(
  ctx: LoadContext,
  spec: FixedWidthInterfaceSpec,
  inboxRoot: string,
): Promise<{ files: InboundFileResult[]; refused: number }> {
  const { db, businessDate } = ctx;
  const layout = fixedLayout(spec.id);
  const codec = compiledFor(spec);
  discardInterfaceDate(db, spec.id, businessDate);

  const dir = path.join(ctx.dateDir, spec.id);
  const results: InboundFileResult[] = [];
  if (!fs.existsSync(dir)) {
    ctx.log.info({ interface: spec.id }, 'no file tonight');
    spec.afterLoad?.(db, businessDate, results);
    return { files: results, refused: 0 };
  }
  const { files, refused } = listInterfaceFiles(dir, inboxRoot);

  const duplicateOf = db.prepare(
    `SELECT business_date FROM inbound_files
     WHERE interface = ? AND sha256 = ? AND status = 'loaded' AND business_date < ?
     ORDER BY business_date LIMIT 1`,
  );
  const insertFile = db.prepare(
    `INSERT INTO inbound_files (business_date, interface, file, bytes, sha256, status, read, loaded, rejected, run_id)
     VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, ?)`,
  );
  const finishFile = db.prepare('UPDATE inbound_files SET status = ?, read = ?, loaded = ?, rejected = ? WHERE file_id = ?');

  for (const name of files) {
    const full = path.join(dir, name);
    const { sha256, bytes } = await sha256File(full);
    const earlier = duplicateOf.get(spec.id, sha256, businessDate) as { business_date: string } | undefined;
    if (earlier) {
      insertFile.run(businessDate, spec.id, name, bytes, sha256, 'duplicate', ctx.runId);
      ctx.log.warn({ interface: spec.id, file: name, firstLoadedOn: earlier.business_date }, 'duplicate file: already loaded on an earlier date, not loaded again');
      results.push({ interface: spec.id, file: name, bytes, sha256, status: 'duplicate', read: 0, loaded: 0, rejected: 0 });
      continue;
    }
    // 'loading' until the file is read to its end: a crash mid-file never makes it a duplicate source.
    const fileId = Number(insertFile.run(businessDate, spec.id, name, bytes, sha256, 'loading', ctx.runId).lastInsertRowid);
    const stager = new FileStager(db, layout, fileId);
    const bar = progress(`${spec.id} ${name}`);
    let seen = 0;
    let read: Awaited<ReturnType<typeof readFixedWidthFile>>;
    try {
      read = await readFixedWidthFile({
        compiled: codec,
        path: full,
        fileName: name,
        onRecord: (rec) => {
          stager.add(rec.recordType, rec.line, rec.batchLine, rec.values);
          if ((++seen & 0x3fff) === 0) bar.tick(seen);
        },
        onDiscard: (from, to) => stager.discard(from, to),
        ...(spec.fileFatalFields ? { fileFatalFields: spec.fileFatalFields } : {}),
        ...(spec.tolerateLength ? { tolerateLength: spec.tolerateLength } : {}),
      });
    } catch (err) {
      stager.abandon();
      throw err;
    }
    stager.flush();
    bar.done(`${read.loaded} loaded, ${read.rejected} rejected`);
    // a file with nothing loaded and a reject row (an empty file has no line, only its STRUCTURE row) is rejected
    const status = read.loaded === 0 && (read.rejected > 0 || read.rejects.length > 0) ? 'rejected' : 'loaded';
    const transfer = read.rejects.find((r) => r.line === 0 && r.reason === 'STRUCTURE');
    finishFile.run(status, read.read, read.loaded, read.rejected, fileId);
    // rejects stay with the store: a rejected million-line file must not be copied around in memory
    storeRejects(db, businessDate, spec.id, read.rejects);
    results.push({
      interface: spec.id,
      file: name,
      bytes,
      sha256,
      status,
      read: read.read,
      loaded: read.loaded,
      rejected: read.rejected,
      ...(transfer ? { failedTransfer: transfer.message } : {}),
    });
    ctx.log.info(
      { interface: spec.id, file: name, read: read.read, loaded: read.loaded, rejected: read.rejected, status },
      'file loaded',
    );
  }
  storeRejects(db, businessDate, spec.id, refused);
  spec.afterLoad?.(db, businessDate, results);
  return { files: results, refused: refused.length };
}
