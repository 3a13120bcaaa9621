/**
 * `csebatch whatif`: D's decisions recomputed under another configuration in a scratch copy. The
 * real database and out/ are byte-identical afterwards; the comparison is like for like (the same
 * configuration gives no change and reproduces the recorded decisions); a changed threshold moves
 * exactly the subjects the threshold decides.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { MECHANISMS } from '../../src/interfaces.ts';
import { FIXTURE_CONFIG, FIXTURE_INBOX, runFixtureNights } from '../../scripts/fixture-nights.ts';
import type { WhatIfResult } from '../../src/reports/whatif.ts';
import { cli, tmpDir } from '../helpers/cli.ts';

const D = '2026-11-20';

/** sha256 of every file under a folder, the database and its sidecars included. */
function hashTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out[path.relative(dir, full)] = crypto.createHash('sha256').update(fs.readFileSync(full)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

describe('csebatch whatif', () => {
  let out: string;
  let cfgDir: string;
  const whatif = (config: string, ...extra: string[]) =>
    cli('whatif', '--date', D, '--out', out, '--inbox', FIXTURE_INBOX, '--base-config', FIXTURE_CONFIG, '--config', path.join(cfgDir, config), ...extra);

  beforeAll(async () => {
    out = tmpDir();
    cfgDir = tmpDir();
    const nights = await runFixtureNights(FIXTURE_INBOX, out);
    expect(nights.every((n) => n.code === 0)).toBe(true);
    fs.writeFileSync(path.join(cfgDir, 'same.json'), '{}');
    fs.writeFileSync(path.join(cfgDir, 'levy500.json'), JSON.stringify({ levy: { minBalanceCents: 50_000 } }));
    fs.writeFileSync(path.join(cfgDir, 'bad.json'), JSON.stringify({ license: { sb1055IncomePercent: 170 } }));
    fs.writeFileSync(path.join(cfgDir, 'unknown.json'), JSON.stringify({ levy: { minBalance: 1 } }));
  }, 120_000);

  it('never touches the real database, out/, ledgers or run history (sha256 before and after)', async () => {
    const before = hashTree(out);
    const html = path.join(cfgDir, 'whatif.html');
    const r = await whatif('levy500.json', '--json', '--html', html);
    expect(r.code).toBe(0);
    expect(hashTree(out)).toEqual(before);
    expect(Object.keys(before)).toContain('csebatch.db');
    const page = fs.readFileSync(html, 'utf8');
    expect(page).toContain('<svg');
    expect(page).not.toMatch(/<script|<link|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  }, 60_000);

  it('the same configuration changes nothing and the recomputed baseline equals the recorded decisions of D', async () => {
    const r = await whatif('same.json', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as WhatIfResult;
    expect(j.configChanges).toEqual([]);
    expect(j.changes).toEqual([]);
    expect(j.recordedDifferences).toBe(0);
    for (const m of j.mechanisms) for (const c of m.counts) expect([c.difference, c.differenceAmountCents]).toEqual([0, 0]);
    expect(j.mechanisms.map((m) => m.mechanism)).toEqual(MECHANISMS.map((m) => m.id));
  }, 60_000);

  it('levy.minBalanceCents 100 → 500 dollars: exactly the orders on balances under $500 become BELOW_BALANCE_THRESHOLD', async () => {
    const r = await whatif('levy500.json', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as WhatIfResult;
    expect(j.configChanges).toEqual([{ key: 'levy.minBalanceCents', base: 10_000, alt: 50_000 }]);
    expect(j.recordedDifferences).toBe(0);
    // by hand from the recorded decisions of D: levy orders on a balance of at least $100 but under $500
    const db = new Database(path.join(out, 'csebatch.db'), { readonly: true });
    const recorded = db
      .prepare(`SELECT person_id, case_id, amount_cents, json_extract(facts, '$.balanceCents') AS balance FROM decisions WHERE business_date = ? AND mechanism = 'levy' AND outcome = 'ISSUE'`)
      .all(D) as Array<{ person_id: string; case_id: string; amount_cents: number; balance: number }>;
    db.close();
    const flipped = recorded.filter((x) => x.balance < 50_000);
    expect(flipped.length).toBeGreaterThan(0);
    const levyChanges = j.changes.filter((c) => c.mechanism === 'levy');
    const issuedBefore = levyChanges.filter((c) => c.base[0]!.outcome === 'ISSUE');
    expect(issuedBefore.map((c) => c.personId).sort()).toEqual(flipped.map((x) => x.person_id).sort());
    for (const c of levyChanges) expect(c.alt).toEqual([{ outcome: 'SUPPRESS', reasons: 'BELOW_BALANCE_THRESHOLD', amountCents: null }]);
    // no other mechanism reads the levy threshold
    expect(j.changes.every((c) => c.mechanism === 'levy')).toBe(true);
    const levy = j.mechanisms.find((m) => m.mechanism === 'levy')!;
    const issue = levy.counts.find((c) => c.outcome === 'ISSUE' && c.reasons === '')!;
    expect(issue.difference).toBe(-flipped.length);
    expect(issue.differenceAmountCents).toBe(-flipped.reduce((n, x) => n + x.amount_cents, 0));
    const below = levy.counts.find((c) => c.reasons === 'BELOW_BALANCE_THRESHOLD')!;
    expect(below.difference).toBe(levyChanges.length);
    // masked subject keys, with primary case and LCSA
    for (const c of levyChanges) {
      expect(c.subjectKey).toMatch(/\*{4,}\d{4}$/);
      expect(c.caseId).toMatch(/^C\d{3}-/);
      expect(c.lcsaCode).toBe(c.caseId!.slice(1, 4));
    }
    const text = await whatif('levy500.json');
    expect(text.stdout).toContain('levy.minBalanceCents: 10000 → 50000');
    expect(text.stdout).toMatch(/\* SUPPRESS BELOW_BALANCE_THRESHOLD +\d+ → +\d+ +\+\d+/);
  }, 60_000);

  it.each([
    ['bad.json', /invalid configuration in .*bad\.json:\n {2}license\.sb1055IncomePercent: /],
    ['unknown.json', /invalid configuration in .*unknown\.json:\n {2}levy: Unrecognized key/],
  ])('an invalid configuration (%s) exits 2 with the validation message', async (file, message) => {
    const r = await whatif(file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('a date whose case extract is neither in the store nor in the inbox exits 2', async () => {
    const r = await cli('whatif', '--date', D, '--out', out, '--inbox', tmpDir(), '--config', path.join(cfgDir, 'same.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`the store holds the case extract of 2026-11-30, not of ${D}; give --inbox DIR`);
  });
});
