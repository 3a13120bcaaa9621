/**
 * Byte-identity check of a finished night (issue 10: "nothing changes in what is written").
 *
 *   node bin/run-ts.js scripts/bench-hash.ts --out DIR --date D [--db FILE] [--compare baseline.json]
 *
 * Prints one JSON object: the sha256 of every file under `<out>/<D>/` (outbound files, tasks.csv,
 * rejects files, manifest.json) and of an ordered dump of the decision-bearing tables of the
 * database (decisions with and without their ids, tasks, ledgers, rejects, summaries, output
 * files). With `--compare` it also compares with an earlier result and exits 1 naming every
 * difference (a file or table missing on either side counts).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';

export interface NightHashes {
  files: Record<string, string>;
  tables: Record<string, { rows: number; sha256: string }>;
}

/** Tables whose content a night decides; staging and snapshot tables are inputs, `runs` holds wall-clock times. */
const TABLE_PATTERN = /^(decisions|tasks|rejects|summaries|output_files|file_sequences|sdu_receipts|.*_ledger|metro2_.*)$/;

function listFiles(dir: string, base = dir): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name), base) : [path.relative(base, path.join(dir, e.name))]))
    .sort();
}

function hashFile(file: string): string {
  const hash = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.allocUnsafe(8 << 20);
  try {
    for (let n = fs.readSync(fd, buf); n > 0; n = fs.readSync(fd, buf)) hash.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

function hashQuery(db: Database.Database, sql: string): { rows: number; sha256: string } {
  const hash = crypto.createHash('sha256');
  let rows = 0;
  for (const row of db.prepare(sql).raw().iterate() as IterableIterator<unknown[]>) {
    hash.update(JSON.stringify(row));
    hash.update('\n');
    rows++;
  }
  return { rows, sha256: hash.digest('hex') };
}

export function hashNight(outDir: string, date: string, dbFile: string): NightHashes {
  const dateDir = path.join(outDir, date);
  const files: Record<string, string> = {};
  for (const rel of listFiles(dateDir)) files[rel] = hashFile(path.join(dateDir, rel));
  const db = new Database(dbFile, { readonly: true });
  try {
    const tables: NightHashes['tables'] = {};
    const names = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all() as string[]).filter((n) => TABLE_PATTERN.test(n));
    for (const name of names) {
      const cols = (db.prepare(`SELECT name FROM pragma_table_info(?) ORDER BY cid`).pluck().all(name) as string[]).map((c) => `"${c}"`);
      // every column, in column order, sorted by every column: independent of physical row order
      tables[name] = hashQuery(db, `SELECT ${cols.join(', ')} FROM "${name}" ORDER BY ${cols.map((_, i) => i + 1).join(', ')}`);
    }
    // the same decisions without their ids: tells a changed insertion order from a changed decision
    const decisionCols = (db.prepare(`SELECT name FROM pragma_table_info('decisions') WHERE name <> 'decision_id' ORDER BY cid`).pluck().all() as string[]).map((c) => `"${c}"`);
    if (decisionCols.length > 0) {
      tables['decisions(without decision_id)'] = hashQuery(db, `SELECT ${decisionCols.join(', ')} FROM decisions ORDER BY ${decisionCols.map((_, i) => i + 1).join(', ')}`);
    }
    return { files, tables };
  } finally {
    db.close();
  }
}

/** Every difference between two results, one line each; empty when identical. */
export function compareHashes(before: NightHashes, after: NightHashes): string[] {
  const diffs: string[] = [];
  const keys = (a: object, b: object) => [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  for (const f of keys(before.files, after.files)) {
    if (before.files[f] !== after.files[f]) diffs.push(`file ${f}: ${before.files[f] ?? 'missing'} → ${after.files[f] ?? 'missing'}`);
  }
  for (const t of keys(before.tables, after.tables)) {
    const a = before.tables[t];
    const b = after.tables[t];
    if (a?.sha256 !== b?.sha256) diffs.push(`table ${t}: ${a ? `${a.rows} rows ${a.sha256}` : 'missing'} → ${b ? `${b.rows} rows ${b.sha256}` : 'missing'}`);
  }
  return diffs;
}

if (process.argv[1]?.endsWith('bench-hash.ts')) {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      date: { type: 'string', default: '2026-11-20' },
      db: { type: 'string' },
      compare: { type: 'string' },
    },
  });
  if (!values.out) {
    console.error('usage: bench-hash.ts --out DIR [--date D] [--db FILE] [--compare baseline.json]');
    process.exit(2);
  }
  const result = hashNight(values.out, values.date!, values.db ?? path.join(values.out, 'csebatch.db'));
  console.log(JSON.stringify(result, null, 2));
  if (values.compare) {
    const diffs = compareHashes(JSON.parse(fs.readFileSync(values.compare, 'utf8')) as NightHashes, result);
    for (const d of diffs) console.error(`DIFFERENT ${d}`);
    console.error(diffs.length === 0 ? `identical to ${values.compare}` : `${diffs.length} difference(s) from ${values.compare}`);
    process.exit(diffs.length === 0 ? 0 : 1);
  }
}
