/**
 * Migration 30 back-fills the claim key of the ocss-im lump sums a store already holds, so that a
 * CSLN report of a claim OCSS paid before the upgrade is a DUPLICATE_MATCH, not a second LUM.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/store/db.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';

describe('migration 30: iwo_ledger.claim_key', () => {
  it('is set for earlier ocss-im LUM rows (FEIN | upper-cased claim number) and only for them', () => {
    const db = new Database(':memory:');
    for (const m of [...MIGRATIONS].filter((x) => x.version < 30).sort((a, b) => a.version - b.version)) db.exec(m.sql);
    db.pragma(`user_version = ${Math.max(...MIGRATIONS.filter((x) => x.version < 30).map((x) => x.version))}`);
    const decision = db.prepare(
      `INSERT INTO decisions (business_date, mechanism, subject_key, person_id, outcome, reason_codes, facts, sources)
       VALUES ('2026-09-30', 'iwo', ?, 'P1', 'ISSUE', '', ?, '[]')`,
    );
    const ledger = db.prepare(
      `INSERT INTO iwo_ledger (business_date, source, ledger_key, action, person_id, case_id, fein, current_support_cents,
                               arrears_payment_cents, dtl_values, decision_id)
       VALUES ('2026-09-30', ?, ?, ?, 'P1', 'C1', '941770012', 0, 0, '{}', ?)`,
    );
    const lum = decision.run('ocss-im|P1|941770012|gp-bi-1', JSON.stringify({ record: { claimNumber: 'gp-bi-1' } })).lastInsertRowid;
    ledger.run('ocss-im', 'P1|941770012|gp-bi-1', 'LUM', lum);
    const org = decision.run('edd|UI1', JSON.stringify({ record: { claimId: 'UI1' } })).lastInsertRowid;
    ledger.run('edd', 'UI1', 'ORG', org);
    migrate(db);
    expect(db.prepare('SELECT source, claim_key FROM iwo_ledger ORDER BY source').all()).toEqual([
      { source: 'edd', claim_key: null },
      { source: 'ocss-im', claim_key: '941770012|GP-BI-1' },
    ]);
    db.close();
  });
});
