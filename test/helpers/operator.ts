/** Helpers of the operator/auditor tests (reruns, crash safety, audit commands, hostile input). */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { compileLayout } from '../../src/layout/codec.ts';
import { fixedLayout } from '../../src/layout/registry.ts';
import { FIXTURES, snapshotFiles } from './cli.ts';
import { csvRows } from './records.ts';
import { fixtureDates } from '../../scripts/fixture-nights.ts';
import { processStartTime } from '../../src/runner/lock.ts';

export { fixtureDates } from '../../scripts/fixture-nights.ts';

/** sha256 of every file under a folder (relative path → hash), logs, database and lock left out. */
export function sha256Tree(dir: string): Record<string, string> {
  const hashes = Object.entries(snapshotFiles(dir)).map(([file, bytes]) => [file, crypto.createHash('sha256').update(bytes, 'latin1').digest('hex')]);
  return Object.fromEntries(hashes.sort(([a], [b]) => (a! < b! ? -1 : 1)));
}

/** Rows of a query on a database file (read-only). */
export function query<T = Record<string, unknown>>(dbFile: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(dbFile, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** The SSNs and account numbers of the fixtures: participants' SSNs and every FIDM/MSFIDM account and SSN. */
export function fixtureSecrets(inbox = path.join(FIXTURES, 'inbox')): string[] {
  const secrets = new Set<string>();
  const fidm = compileLayout(fixedLayout('fidm'), { signedOverpunch: ['bRecord.accountBalance'] });
  const msfidm = compileLayout(fixedLayout('msfidm'));
  for (const date of fixtureDates(inbox)) {
    const participants = path.join(inbox, date, 'case-extract', 'participants.csv');
    if (fs.existsSync(participants)) {
      for (const p of csvRows(participants)) {
        if (p.ssn && p.ssn.length >= 8) secrets.add(p.ssn);
      }
    }
    for (const [id, codec, fields] of [
      ['fidm', fidm, ['matchedSsn', 'payeeAccountNumber']],
      ['msfidm', msfidm, ['matchedSsn', 'payeeAccountNumber']],
    ] as const) {
      const dir = path.join(inbox, date, id);
      if (!fs.existsSync(dir)) continue;
      for (const f of fs.readdirSync(dir)) {
        for (const line of fs.readFileSync(path.join(dir, f), 'latin1').split(/\r?\n/)) {
          const record = codec.identify(line);
          if (!record) continue;
          for (const name of fields) {
            const field = record.fieldByName.get(name);
            const v = field ? line.slice(field.start - 1, field.end).trim() : '';
            // short values (4 characters or fewer) are what masking leaves visible anyway
            if (v.length > 4 && /\d{5,}/.test(v)) secrets.add(v);
          }
        }
      }
    }
  }
  return [...secrets];
}

/** No log file under any of these output folders contains a fixture SSN or account number. */
export function expectLogsFreeOfSecrets(outDirs: string[], secrets = fixtureSecrets()): number {
  let scanned = 0;
  for (const out of outDirs) {
    const dir = path.join(out, 'logs');
    if (!fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir)) {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      scanned++;
      for (const s of secrets) expect(text.includes(s), `${path.join(dir, f)} contains an SSN or account number (…${s.slice(-4)})`).toBe(false);
    }
  }
  return scanned;
}

/** Tables whose name ends in _ledger. */
export function ledgerTables(dbFile: string): string[] {
  return query<{ name: string }>(dbFile, `SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%\\_ledger' ESCAPE '\\' ORDER BY name`).map((r) => r.name);
}

/**
 * The natural key of a ledger table: its primary key columns, or, when it has none, every column
 * but the decision id (which a rerun renumbers) and the rowid.
 */
export function ledgerKeyColumns(dbFile: string, table: string): string[] {
  const cols = query<{ name: string; pk: number }>(dbFile, `SELECT name, pk FROM pragma_table_info(?)`, table);
  const pk = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
  return pk.length > 0 ? pk : cols.map((c) => c.name).filter((n) => n !== 'decision_id');
}

/** Rows of a table without its decision_id column (renumbered by reruns), sorted. */
export function tableRowsWithoutIds(dbFile: string, table: string): string[] {
  const cols = query<{ name: string }>(dbFile, `SELECT name FROM pragma_table_info(?)`, table)
    .map((c) => c.name)
    .filter((n) => n !== 'decision_id');
  return query(dbFile, `SELECT ${cols.map((c) => `"${c}"`).join(', ')} FROM "${table}"`)
    .map((r) => JSON.stringify(r))
    .sort();
}

/** The lock file a live csebatch run `pid` would hold (with its process start time, src/runner/lock.ts). */
export function lockHeldBy(pid: number, businessDate: string): string {
  const startTime = processStartTime(pid);
  return JSON.stringify({ pid, command: 'nightly', businessDate, ...(startTime !== null ? { startTime } : {}) });
}
