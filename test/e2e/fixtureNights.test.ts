/**
 * Every fixture night in order (fixtures/inbox, fixtures/config/acceptance.json): each outbound
 * file equals its reviewed golden file, and each mechanism decides for the scenario subjects what
 * the fixture engineer derived by hand (fixtures/expected/<date>/<mechanism>-expected.csv,
 * tasks-scenarios.csv; arithmetic in fixtures/README.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { LEVY_REASONS } from '../../src/rules/levy.ts';
import { GATE_ORDER } from '../../src/rules/derived.ts';
import { EMPLOYER_IWO_REASONS, EMPLOYER_IWO_TRM_TRIGGERS } from '../../src/rules/iwoEmployer.ts';
import { MATCH_IWO_REASONS } from '../../src/rules/iwoMatch.ts';
import { WORKLIST_REASONS } from '../../src/rules/worklist.ts';
import { NMSN_REASONS } from '../../src/rules/nmsn.ts';
import { LIEN_REASONS } from '../../src/rules/lien.ts';
import { CSWN_REASONS } from '../../src/rules/cswn.ts';
import { LICENSE_REASONS } from '../../src/rules/license.ts';
import { FOP_REASONS } from '../../src/rules/fop.ts';
import { FTB_REASONS } from '../../src/rules/ftb.ts';
import { METRO2_REASONS } from '../../src/rules/metro2.ts';
import { CSLN_REASONS } from '../../src/rules/csln.ts';
import { LUMP_SUM_REASONS } from '../../src/rules/iwoLumpSum.ts';
import { COMPLIANCE_REASONS } from '../../src/rules/compliance.ts';
import { FIXTURE_INBOX, fixtureDates, GOLDEN_DIR, outboundFiles, runFixtureNights } from '../../scripts/fixture-nights.ts';
import type { NightResult } from '../../scripts/fixture-nights.ts';
import { FIXTURES, tmpDir } from '../helpers/cli.ts';
import { csvRows } from '../helpers/records.ts';

const EXPECTED = path.join(FIXTURES, 'expected');
const dates = fixtureDates();

/** fixtures/expected/<date>/<mechanism>-expected.csv of every date. */
function expectationFiles(): Array<{ date: string; mechanism: string; file: string }> {
  return dates.flatMap((date) => {
    const dir = path.join(EXPECTED, date);
    if (!fs.existsSync(dir)) return [];
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('-expected.csv') && f !== 'tasks-expected.csv')
      .sort()
      .map((f) => ({ date, mechanism: f.replace(/-expected\.csv$/, ''), file: path.join(dir, f) }));
  });
}

interface DecisionRow {
  subject_key: string;
  outcome: string;
  reason_codes: string;
  amount_cents: number | null;
  action: string | null;
}

describe('the fixture nights', () => {
  let out: string;
  let nights: NightResult[];
  let db: Database.Database;

  beforeAll(async () => {
    out = tmpDir();
    nights = await runFixtureNights(FIXTURE_INBOX, out);
    db = new Database(path.join(out, 'csebatch.db'), { readonly: true });
    return () => db.close();
  }, 120_000);

  it('runs every night clean (exit 0)', () => {
    expect(nights.map((n) => n.date)).toEqual(dates);
    for (const n of nights) expect({ date: n.date, code: n.code, stderr: n.code === 0 ? '' : n.stderr }).toEqual({ date: n.date, code: 0, stderr: '' });
  });

  describe.each(dates)('%s', (date) => {
    it('writes exactly the reviewed golden files, byte for byte', () => {
      const goldenDir = path.join(GOLDEN_DIR, date);
      const golden = fs.existsSync(goldenDir) ? fs.readdirSync(goldenDir).sort() : [];
      expect(outboundFiles(out, date)).toEqual(golden);
      for (const f of golden) {
        const actual = fs.readFileSync(path.join(out, date, f), 'latin1');
        expect(actual, `${date}/${f}`).toBe(fs.readFileSync(path.join(goldenDir, f), 'latin1'));
      }
    });
  });

  const expectations = expectationFiles();
  it.each(expectations.map((e) => [`${e.date} ${e.mechanism}`, e] as const))('%s: the hand-derived decisions', (_name, e) => {
    const byKey = new Map<string, DecisionRow[]>();
    const rows = db
      .prepare(
        `SELECT subject_key, outcome, reason_codes, amount_cents, json_extract(facts, '$.action') AS action
         FROM decisions WHERE business_date = ? AND mechanism = ?`,
      )
      .all(e.date, e.mechanism) as DecisionRow[];
    for (const r of rows) byKey.set(r.subject_key, [...(byKey.get(r.subject_key) ?? []), r]);
    // A TASK row beside an ISSUE/SUPPRESS of the same subject is the task (checked below); a
    // subject whose only decision is its task (the worklist) is judged by that row.
    for (const [k, v] of byKey) if (v.length > 1) byKey.set(k, v.filter((r) => r.outcome !== 'TASK'));
    // every expected row next to what the store holds for that subject, compared at once so a
    // failure shows every difference of the file
    const actual: Array<Record<string, string>> = [];
    const expected: Array<Record<string, string>> = [];
    for (const want of csvRows(e.file)) {
      const got = byKey.get(want.subject_key!) ?? [];
      const g = got[0];
      const a: Record<string, string> = g
        ? { subject_key: g.subject_key, outcome: got.length === 1 ? g.outcome : `${got.length} decisions`, reason_codes: g.reason_codes }
        : { subject_key: want.subject_key!, outcome: 'no decision', reason_codes: '' };
      const x: Record<string, string> = { subject_key: want.subject_key!, outcome: want.outcome!, reason_codes: want.reason_codes ?? '' };
      if (want.amount_cents) {
        a.amount_cents = String(g?.amount_cents ?? '');
        x.amount_cents = want.amount_cents;
      }
      if (want.action) {
        a.action = g?.action ?? '';
        x.action = want.action;
      }
      actual.push(a);
      expected.push(x);
    }
    expect(actual).toEqual(expected);
  });

  it('every reason code a night wrote is one its mechanism declares (the lists auditors read)', () => {
    // UNWRITABLE_VALUE is the writers' (DOMAIN 6); AMBIGUOUS_SSN / EMPLOYER_INCOMPLETE… on TASK rows
    // name why the task was raised; CLAIM_ENDED ends a match IWO whose claim ended (6.2)
    const declared: Record<string, readonly string[]> = {
      levy: LEVY_REASONS,
      iwo: [...GATE_ORDER, ...EMPLOYER_IWO_REASONS, ...EMPLOYER_IWO_TRM_TRIGGERS, ...MATCH_IWO_REASONS, ...LUMP_SUM_REASONS, 'CLAIM_ENDED'],
      worklist: [...GATE_ORDER, ...WORKLIST_REASONS],
      nmsn: NMSN_REASONS,
      lien: LIEN_REASONS,
      cswn: CSWN_REASONS,
      license: LICENSE_REASONS,
      fop: FOP_REASONS,
      ftb: FTB_REASONS,
      metro2: METRO2_REASONS,
      csln: CSLN_REASONS,
      compliance: COMPLIANCE_REASONS,
    };
    const used = db
      .prepare(
        `SELECT DISTINCT mechanism, reason_codes AS reason FROM decisions
         WHERE outcome IN ('SUPPRESS', 'TERMINATE', 'RELEASE') AND reason_codes NOT IN ('', 'UNWRITABLE_VALUE')
         ORDER BY 1, 2`,
      )
      .all() as Array<{ mechanism: string; reason: string }>;
    expect(used.length).toBeGreaterThan(20);
    expect(used.filter((u) => !(declared[u.mechanism] ?? []).includes(u.reason))).toEqual([]);
  });

  it.each(dates.filter((d) => fs.existsSync(path.join(EXPECTED, d, 'collections-counts.json'))))('%s: sdu-payments and lump-sum counts, receipts and duplicates', (date) => {
    const manifest = JSON.parse(fs.readFileSync(path.join(out, date, 'manifest.json'), 'utf8'));
    const { receipts, ...inbound } = JSON.parse(fs.readFileSync(path.join(EXPECTED, date, 'collections-counts.json'), 'utf8')) as Record<string, Record<string, number>>;
    for (const [id, c] of Object.entries(inbound)) {
      const inputs = manifest.inputs.filter((i: { interface: string }) => i.interface === id);
      const sum = (k: string) => inputs.reduce((n: number, i: Record<string, number>) => n + i[k]!, 0);
      expect({ read: sum('read'), loaded: sum('loaded'), rejected: sum('rejected'), ...manifest.summary.inbound[id] }, id).toMatchObject(c);
    }
    expect(manifest.summary.compliance.receipts).toEqual(receipts);
  });

  it.each(dates.filter((d) => fs.existsSync(path.join(EXPECTED, d, 'tasks-scenarios.csv'))))('%s: the hand-derived scenario tasks', (date) => {
    const tasks = db
      .prepare(`SELECT task_type, source_interface, source_file, source_line, case_id, amount_cents FROM tasks WHERE business_date = ?`)
      .all(date) as Array<Record<string, string | number | null>>;
    // an empty amount_cents in the expectation means "not checked"
    const key = (t: Record<string, unknown>, withAmount: boolean) =>
      [t.task_type, t.source_interface, t.source_file, t.source_line, t.case_id ?? '', withAmount ? (t.amount_cents ?? '') : '*'].map(String).join('|');
    const have = new Set(tasks.flatMap((t) => [key(t, true), key(t, false)]));
    const wanted = csvRows(path.join(EXPECTED, date, 'tasks-scenarios.csv')).map((t) => key(t, t.amount_cents !== ''));
    expect(wanted.filter((w) => !have.has(w)), `${date}: expected tasks missing (actual: ${[...have].join(', ')})`).toEqual([]);
  });
});
