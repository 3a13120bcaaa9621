import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db.ts';
import { BackgroundCheckpointer } from '../../src/store/checkpointer.ts';
import { tmpDir } from '../helpers/cli.ts';

/** A night-like connection on a file, with a table to write pages into. */
function store() {
  const file = path.join(tmpDir(), 'csebatch.db');
  const db = openDb(file);
  db.exec('CREATE TABLE t (n INTEGER, pad TEXT)');
  const insert = db.prepare('INSERT INTO t (n, pad) VALUES (?, ?)');
  /** one committed step of `rows` rows of 1 KB */
  const step = (rows: number) =>
    db.transaction(() => {
      for (let i = 0; i < rows; i++) insert.run(i, 'x'.repeat(1000));
    })();
  const walBytes = () => (fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0);
  /** frames in the WAL not yet copied into the database, as another connection would see them */
  const uncopied = () => {
    const r = (db.pragma('wal_checkpoint(NOOP)') as Array<{ log: number; checkpointed: number }>)[0]!;
    return r.log - r.checkpointed;
  };
  return { file, db, step, walBytes, uncopied };
}

describe('BackgroundCheckpointer (issue 10: the WAL copied on the second core)', () => {
  it('stops the connection checkpointing itself; the worker copies each committed step; stop() leaves an empty WAL and every row', async () => {
    const { file, db, step, walBytes, uncopied } = store();
    const cp = new BackgroundCheckpointer(db, file);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    step(2000); // ~2 MB: more than the 1,000 pages after which the connection would checkpoint itself
    expect(uncopied()).toBeGreaterThan(0);
    await cp.afterCommit();
    await cp.stop();
    expect(cp.stats.checkpoints).toBe(1);
    expect(walBytes()).toBe(0);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    db.close();
    const reopened = new Database(file, { readonly: true });
    expect((reopened.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n).toBe(2000);
    reopened.close();
  });

  it('waits for the worker when the WAL passes its limit, so the WAL starts over and stays bounded', async () => {
    const { file, db, step, walBytes } = store();
    const limit = 1 << 20;
    const cp = new BackgroundCheckpointer(db, file, { maxWalBytes: limit });
    const sizes: number[] = [];
    for (let i = 0; i < 8; i++) {
      step(1500); // ~1.5 MB a step
      await cp.afterCommit();
      sizes.push(walBytes());
    }
    expect(cp.stats.waits).toBeGreaterThan(0);
    // without restarts the WAL would hold all eight steps (~12 MB); with them, one step beyond the limit at most
    expect(Math.max(...sizes)).toBeLessThan(limit + 3 * 1024 * 1024);
    await cp.stop();
    expect((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n).toBe(12000);
    db.close();
  });

  it('checkpoints on its own between requests, so a step of many small commits (a load) keeps a small WAL', async () => {
    const { file, db, step, walBytes } = store();
    const cp = new BackgroundCheckpointer(db, file, { intervalMs: 5 });
    for (let i = 0; i < 80; i++) {
      step(200); // ~200 KB a commit, 16 MB in all, no step boundary
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    expect(walBytes()).toBeLessThan(4 * 1024 * 1024);
    await cp.stop();
    expect((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n).toBe(16000);
    db.close();
  });

  it('falls back to the connection checkpointing itself when the worker fails', async () => {
    const { file, db, step } = store();
    const errors: string[] = [];
    const cp = new BackgroundCheckpointer(db, file, { onError: (m) => errors.push(m) });
    // as when the worker's connection reports an error or the thread dies
    (cp as unknown as { fail(m: string): void }).fail('simulated');
    expect(errors).toEqual(['simulated']);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    step(10);
    await cp.afterCommit(); // no worker: nothing to wait for
    await cp.stop();
    db.close();
  });

  it('does nothing for an in-memory database', async () => {
    const db = openDb(':memory:');
    const cp = new BackgroundCheckpointer(db, ':memory:');
    await cp.afterCommit();
    await cp.stop();
    expect(cp.stats.checkpoints).toBe(0);
    db.close();
  });
});
