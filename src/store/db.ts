/**
 * The SQLite store: one file holding staged inbound data, the case-extract snapshot, decisions,
 * ledgers and run history. Schema changes are versioned migrations (src/store/migrations.ts);
 * staging tables for fixed-width interfaces are generated from their layouts (src/store/staging.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.ts';

export type Db = Database.Database;

/**
 * Opens (creating when needed) the database and brings it to the latest schema version.
 * WAL + synchronous=NORMAL: a committed night survives a crash, and readers (`runs`, `explain`)
 * do not block a running night.
 */
export function openDb(file: string): Db {
  if (file !== ':memory:') createPrivate(file);
  const db = new Database(file);
  // 16 KiB pages for a new database (no effect on an existing one): a night writes millions of
  // decision rows with JSON facts; a quarter of the pages to write, index and commit than at 4 KiB
  // (COMMIT time of a 100k-case night 7.8 s → 6.2 s, same CPU). Must precede the switch to WAL.
  db.pragma('page_size = 16384');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // Temporary tables (a night's derived facts and working sets: millions of rows) live in a temp
  // file behind a bounded page cache, so peak memory stays bounded whatever the size of the night.
  db.pragma('temp_store = FILE');
  // Page caches: the temporary tables (derived facts, working sets of millions of rows, probed at
  // random by every mechanism) get most of the memory; the main database is written mostly in
  // order and read through indexes. Measured on a 1M-case night (issue 10, scripts/profile-sql.ts):
  // the temp cache from 128 to 600 MiB took levy's decide from 78 s to 55 s and the derived facts
  // from 26 s to 18 s; the main cache from 128 MiB to 1 GiB changed nothing, and below 96 MiB it
  // made the sorts faster (a sort's in-memory runs are as large as the main cache: smaller runs,
  // merged by the sorter's threads below) but the e-IWO writer's random reads slower (iwo decide +
  // build 71.2 s at 64 MiB, 78.8 s at 24 MiB). The OS page cache holds the rest of both files
  // without counting against the process. Peak RSS is the caches, up to three of a sort's runs in
  // memory at once (two threads) and the JS heap: 1,033 MB at three times the California night
  // with 48 + 352 MiB, so the temp cache is 288 MiB.
  db.pragma('cache_size = -49152');
  db.pragma('temp.cache_size = -294912');
  // Up to two threads per sort (ORDER BY, window partitions, CREATE INDEX): the machines have two
  // cores and the rules are single-threaded SQL. levy's decide 44.0 s → 37.8 s with the 48 MiB
  // main cache; the bench night's files, decisions and their ids hash the same as before.
  db.pragma('threads = 2');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

/**
 * The database holds full SSNs and account numbers (issue 14.5): its folder is created 0700 and the
 * file 0600 before SQLite opens it. SQLite creates the -wal and -shm files with the database
 * file's mode; a database (or WAL/SHM) left readable by an older version is narrowed to 0600.
 */
function createPrivate(file: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if ((fs.statSync(f).mode & 0o077) !== 0) fs.chmodSync(f, 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
}

/** Applies every migration newer than the database's `user_version`, each in its own transaction. */
export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (const m of [...MIGRATIONS].sort((a, b) => a.version - b.version)) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}

