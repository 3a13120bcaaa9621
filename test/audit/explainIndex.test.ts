/**
 * explain's lookups by person and by case are index searches of one night (issue 10): the person and
 * case indexes are (business_date, mechanism, person_id | case_id), so explain names the mechanisms
 * of the date, found with one probe of decisions_by_subject each.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BY_PERSON_OR_CASES, mechanismsOn, ofDate } from '../../src/audit/explain.ts';
import { migrate } from '../../src/store/db.ts';

function store(): Database.Database {
  const db = new Database(':memory:');
  migrate(db);
  const insert = db.prepare(
    `INSERT INTO decisions (business_date, mechanism, subject_key, person_id, case_id, outcome, reason_codes, facts, sources)
     VALUES (?, ?, ?, ?, ?, 'SUPPRESS', '', '{}', '[]')`,
  );
  for (const [d, m, k] of [
    ['2026-11-19', 'aaa-earlier-night-only', 'K0'],
    ['2026-11-20', 'levy', 'K1'],
    ['2026-11-20', 'levy', 'K2'],
    ['2026-11-20', 'iwo', 'K3'],
    ['2026-11-20', 'zz-not-a-registered-mechanism', 'K4'],
    ['2026-11-21', 'fop', 'K5'],
  ] as const) insert.run(d, m, k, `P-${k}`, `C-${k}`);
  return db;
}

describe('explain: decisions of one date by person and by case', () => {
  it('lists every mechanism that decided on the date, sorted, whatever its name, and none of other dates', () => {
    const db = store();
    expect(mechanismsOn(db, '2026-11-20')).toEqual(['iwo', 'levy', 'zz-not-a-registered-mechanism']);
    expect(mechanismsOn(db, '2026-11-19')).toEqual(['aaa-earlier-night-only']);
    expect(mechanismsOn(db, '2026-11-22')).toEqual([]);
  });

  it('searches the person and case indexes by date, mechanism and key', () => {
    const db = store();
    const plan = (sql: string, ...params: string[]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((r) => r.detail).join('\n');
    const m = '["iwo","levy"]';
    expect(plan(`SELECT * FROM decisions WHERE ${ofDate} AND case_id = ?`, '2026-11-20', m, 'X')).toContain(
      'USING INDEX decisions_by_case (business_date=? AND mechanism=? AND case_id=?)',
    );
    const both = plan(`SELECT * FROM decisions WHERE decision_id IN (${BY_PERSON_OR_CASES})`, '2026-11-20', m, 'X', '2026-11-20', m, '[]');
    expect(both).toContain('USING COVERING INDEX decisions_by_person (business_date=? AND mechanism=? AND person_id=?)');
    expect(both).toContain('USING COVERING INDEX decisions_by_case (business_date=? AND mechanism=? AND case_id=?)');
    const rows = db
      .prepare(`SELECT subject_key FROM decisions WHERE decision_id IN (${BY_PERSON_OR_CASES}) ORDER BY 1`)
      .all('2026-11-20', JSON.stringify(mechanismsOn(db, '2026-11-20')), 'P-K4', '2026-11-20', JSON.stringify(mechanismsOn(db, '2026-11-20')), '["C-K1","C-K0","C-K5"]');
    expect(rows).toEqual([{ subject_key: 'K1' }, { subject_key: 'K4' }]);
  });
});
