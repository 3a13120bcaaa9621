import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ChunkedTransaction } from '../../src/store/chunkedTransaction.ts';

describe('ChunkedTransaction (issue 10: inserts of a streamed load)', () => {
  const setup = () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (n INTEGER)');
    return { db, insert: db.prepare('INSERT INTO t (n) VALUES (?)'), count: () => (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n };
  };

  it('commits every chunk, says which insert completed one, and commits the rest on commit()', () => {
    const { db, insert, count } = setup();
    const chunks = new ChunkedTransaction(db, 3);
    const completed = [1, 2, 3, 4, 5, 6, 7].map((n) => chunks.run(insert, [n]));
    expect(completed).toEqual([false, false, true, false, false, true, false]);
    expect(db.inTransaction).toBe(true);
    chunks.commit();
    expect(db.inTransaction).toBe(false);
    expect(count()).toBe(7);
  });

  it('rolls back only the open chunk', () => {
    const { db, insert, count } = setup();
    const chunks = new ChunkedTransaction(db, 3);
    for (let n = 1; n <= 5; n++) chunks.run(insert, [n]);
    chunks.rollback();
    expect(db.inTransaction).toBe(false);
    expect(count()).toBe(3);
  });

  it("inside a caller's transaction neither begins nor commits", () => {
    const { db, insert, count } = setup();
    db.exec('BEGIN');
    const chunks = new ChunkedTransaction(db, 2);
    for (let n = 1; n <= 5; n++) chunks.run(insert, [n]);
    chunks.commit();
    expect(db.inTransaction).toBe(true);
    db.exec('ROLLBACK');
    expect(count()).toBe(0);
  });
});
