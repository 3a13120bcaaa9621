/**
 * `csebatch explain` and `csebatch verify` on the bundled fixtures. Generic over the registered
 * mechanisms: expectations are read back from the store (every decision row of the subject must
 * be shown); a levy decision with an order to withhold is used for the outbound-record checks.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileLayout } from '../../src/layout/codec.ts';
import { fixedLayout } from '../../src/layout/registry.ts';
import type { Explanation } from '../../src/audit/explain.ts';
import { cli, copyInbox, tmpDir } from '../helpers/cli.ts';
import { expectLogsFreeOfSecrets, fixtureDates, fixtureSecrets, query } from '../helpers/operator.ts';

const DATES = fixtureDates();
const D = '2026-11-20';

interface Row {
  decision_id: number;
  mechanism: string;
  person_id: string | null;
  case_id: string | null;
  outcome: string;
  reason_codes: string;
  sources: string;
  output_ref: string | null;
  subject_key: string;
}

describe('explain and verify', () => {
  let inbox: string;
  let out: string;
  let db: string;
  /** a levy decision that produced an outbound record */
  let issued: Row;
  let ssnOfIssued: string;

  beforeAll(async () => {
    inbox = copyInbox();
    out = tmpDir();
    db = path.join(out, 'csebatch.db');
    for (const d of DATES) await cli('nightly', '--date', d, '--inbox', inbox, '--out', out);
    issued = query<Row>(db, `SELECT * FROM decisions WHERE business_date = ? AND mechanism = 'levy' AND output_ref IS NOT NULL ORDER BY decision_id LIMIT 1`, D)[0]!;
    ssnOfIssued = query<{ ssn: string }>(db, 'SELECT ssn FROM ce_participants WHERE person_id = ?', issued.person_id)[0]!.ssn;
  });

  afterAll(() => {
    expect(expectLogsFreeOfSecrets([out])).toBeGreaterThan(0);
  });

  it('--person lists every decision of the person and of their cases, with reasons, facts, sources and output record', async () => {
    const r = await cli('explain', '--person', issued.person_id!, '--date', D, '--out', out, '--json');
    expect(r.code).toBe(0);
    const e = JSON.parse(r.stdout) as Explanation;
    const cases = query<{ case_id: string }>(db, 'SELECT case_id FROM ce_cases WHERE obligor_person_id = ?', issued.person_id).map((c) => c.case_id);
    const expected = query<Row>(
      db,
      `SELECT * FROM decisions WHERE business_date = ? AND (person_id = ? OR case_id IN (SELECT value FROM json_each(?))) ORDER BY decision_id`,
      D,
      issued.person_id,
      JSON.stringify(cases),
    );
    expect(e.decisions.map((d) => d.decisionId).sort((a, b) => a - b)).toEqual(expected.map((d) => d.decision_id));
    for (const c of cases) expect(e.cases).toContain(c);
    const mine = e.decisions.find((d) => d.decisionId === issued.decision_id)!;
    expect(mine.mechanism).toBe('levy');
    expect(mine.outcome).toBe(issued.outcome);
    expect(mine.reasonCodes).toEqual(issued.reason_codes === '' ? [] : issued.reason_codes.split(','));
    expect(mine.sources).toEqual(JSON.parse(issued.sources));
    expect(mine.sources[0]).toMatchObject({ interface: expect.any(String), file: expect.any(String), line: expect.any(Number) });
    expect(Object.keys(mine.facts as object).length).toBeGreaterThan(3);
    // the outbound record: file and line as decided, the line really is this person's order
    const [file, line] = [issued.output_ref!.slice(0, issued.output_ref!.lastIndexOf(':')), Number(issued.output_ref!.split(':').at(-1))];
    expect(mine.output).toMatchObject({ file, line, interface: 'levy-otw', recordType: 'detail', note: '' });
    const text = fs.readFileSync(path.join(out, D, file), 'latin1').split('\n')[line - 1]!;
    expect(compileLayout(fixedLayout('levy-otw')).parse(text).values.ssn).toBe(ssnOfIssued);
    expect(mine.output!.keyFields.ssn).toBe(`*****${ssnOfIssued.slice(-4)}`);
  });

  it('masks SSNs and account numbers unless --unmask', async () => {
    const secrets = fixtureSecrets(inbox);
    const [, , account] = issued.subject_key.split('|');
    expect(secrets).toContain(account);
    for (const args of [['--json'], []]) {
      const r = await cli('explain', '--person', issued.person_id!, '--date', D, '--out', out, ...args);
      for (const s of secrets) expect(r.stdout.includes(s), `…${s.slice(-4)}`).toBe(false);
      expect(r.stdout).toContain(account!.slice(-4));
    }
    const u = await cli('explain', '--person', issued.person_id!, '--date', D, '--out', out, '--unmask');
    expect(u.stdout).toContain(account);
    expect(u.stdout).toContain(ssnOfIssued);
  });

  it('the human form shows outcome, reason, values compared, source file and line, and the outbound record', async () => {
    const r = await cli('explain', '--person', issued.person_id!, '--date', D, '--out', out);
    expect(r.code).toBe(0);
    const src = JSON.parse(issued.sources)[0] as { interface: string; file: string; line: number };
    expect(r.stdout).toContain(`[levy]`);
    expect(r.stdout).toContain(issued.outcome);
    expect(r.stdout).toContain(`source: ${src.interface} ${src.file} line ${src.line}`);
    expect(r.stdout).toMatch(new RegExp(`output: levy-otw\\.txt line \\d+ detail ssn=\\*{5}${ssnOfIssued.slice(-4)}`));
    // a suppressed decision shows its reason code
    const suppressed = query<Row>(db, `SELECT * FROM decisions WHERE business_date = ? AND outcome = 'SUPPRESS' AND person_id IS NOT NULL LIMIT 1`, D)[0]!;
    const s = await cli('explain', '--person', suppressed.person_id!, '--date', D, '--out', out);
    expect(s.stdout).toContain(`SUPPRESS ${suppressed.reason_codes}`);
  });

  it('--case lists exactly the decisions of that case', async () => {
    const r = await cli('explain', '--case', issued.case_id!, '--date', D, '--out', out, '--json');
    expect(r.code).toBe(0);
    const e = JSON.parse(r.stdout) as Explanation;
    const expected = query<Row>(db, 'SELECT decision_id FROM decisions WHERE business_date = ? AND case_id = ?', D, issued.case_id);
    expect(e.decisions.length).toBe(expected.length);
    expect(e.decisions.every((d) => d.caseId === issued.case_id)).toBe(true);
  });

  it('employer compliance: the failure and the later receipt are both explained, with dates and receipts looked at (issue 12)', async () => {
    // default configuration: noWageDays 45, so the ORG of 2026-09-30 is due on 2026-11-20 (51 days)
    const failed = await cli('explain', '--case', 'C037-600021', '--date', D, '--out', out, '--json');
    const f = (JSON.parse(failed.stdout) as Explanation).decisions.find((d) => d.mechanism === 'compliance')!;
    expect(f).toMatchObject({ subjectKey: 'C037-600021|956000602', outcome: 'TASK', reasonCodes: ['NO_WAGE_RECEIPT'], sources: [{ interface: 'eiwo', file: 'eiwo.txt' }] });
    expect(f.facts).toMatchObject({ taskType: 'EMPLOYER_NONCOMPLIANCE', orgDate: '2026-09-30', dueDate: '2026-11-14', daysSinceOrg: 51,
      receiptsLookedAt: { sourceType: 'WAGE', caseId: 'C037-600021', receiptDateFrom: '2026-09-30', loadedUpTo: D, count: 0 } });
    const later = await cli('explain', '--case', 'C037-600021', '--date', '2026-11-30', '--out', out, '--json');
    const l = (JSON.parse(later.stdout) as Explanation).decisions.find((d) => d.mechanism === 'compliance')!;
    expect(l).toMatchObject({ outcome: 'NO_CHANGE', reasonCodes: ['WAGE_RECEIVED'] });
    expect(l.facts).toMatchObject({ failureRaisedOn: D, countingReceipt: { receiptId: 'R261130-0001', receiptDate: '2026-11-27', amountCents: 22500 } });
    const human = await cli('explain', '--case', 'C037-600021', '--date', '2026-11-30', '--out', out);
    expect(human.stdout).toContain('WAGE_RECEIVED');
    expect(human.stdout).toContain('failureRaisedOn');
  });

  it('a lump-sum LUM shows the employer report it came from and its e-IWO record (issue 12)', async () => {
    const run = await cli('explain', '--person', 'P600070', '--date', D, '--out', out, '--json');
    const lum = (JSON.parse(run.stdout) as Explanation).decisions.find((d) => d.subjectKey.startsWith('lump-sum|'))!;
    expect(lum).toMatchObject({ outcome: 'ISSUE', amountCents: 150000, sources: [{ interface: 'lump-sum', file: 'LUMP_SUM_20261120.txt', line: 2 }] });
    expect(lum.facts).toMatchObject({ action: 'LUM', record: { paymentType: 'BON', grossCents: 300000 } });
    expect(lum.output).toMatchObject({ interface: 'eiwo', recordType: 'detail', note: '' });
  });

  it('exit 1 when nothing for the subject on the date; 2 on usage errors', async () => {
    const none = await cli('explain', '--case', 'C000-000000', '--date', D, '--out', out);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no decision');
    expect((await cli('explain', '--person', issued.person_id!, '--date', '2026-01-01', '--out', out)).code).toBe(1);
    expect((await cli('explain', '--date', D, '--out', out)).code).toBe(2);
    expect((await cli('explain', '--case', 'X', '--person', 'Y', '--date', D, '--out', out)).code).toBe(2);
    expect((await cli('explain', '--case', 'X', '--out', out)).code).toBe(2);
    expect((await cli('explain', '--case', 'X', '--date', '2026-13-01', '--out', out)).code).toBe(2);
    expect((await cli('explain', '--case', 'X', '--date', D, '--db', path.join(tmpDir(), 'none.db'))).code).toBe(2);
  });

  it('shows a note instead of failing when the outbound file is gone', async () => {
    const copy = tmpDir();
    fs.copyFileSync(db, path.join(copy, 'csebatch.db'));
    const r = await cli('explain', '--person', issued.person_id!, '--date', D, '--out', copy, '--json');
    expect(r.code).toBe(0);
    const e = JSON.parse(r.stdout) as Explanation;
    expect(e.decisions.find((d) => d.decisionId === issued.decision_id)!.output!.note).toBe('file not in the output folder');
  });

  it('verify: 0 when every output matches its manifest', async () => {
    for (const d of DATES) {
      const r = await cli('verify', path.join(out, d, 'manifest.json'));
      expect(r.code, d).toBe(0);
      expect(r.stdout).toContain('all match');
    }
  });

  it('verify: 1 naming each changed or missing output', async () => {
    const copy = path.join(tmpDir(), D);
    fs.cpSync(path.join(out, D), copy, { recursive: true });
    const manifest = JSON.parse(fs.readFileSync(path.join(copy, 'manifest.json'), 'utf8')) as { outputs: Array<{ file: string }> };
    expect(manifest.outputs.length).toBeGreaterThanOrEqual(2);
    const [changed, missing] = [manifest.outputs[0]!.file, manifest.outputs[1]!.file];
    fs.appendFileSync(path.join(copy, changed), 'X');
    fs.rmSync(path.join(copy, missing));
    const r = await cli('verify', path.join(copy, 'manifest.json'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`MISMATCH  ${changed}`);
    expect(r.stdout).toContain(`MISSING   ${missing}`);
    expect(r.stderr).toContain(changed);
    expect(r.stderr).toContain(missing);
    const j = JSON.parse((await cli('verify', path.join(copy, 'manifest.json'), '--json')).stdout) as { ok: boolean; outputs: Array<{ file: string; status: string }> };
    expect(j.ok).toBe(false);
    expect(j.outputs.filter((o) => o.status !== 'ok').map((o) => o.file).sort()).toEqual([changed, missing].sort());
  });

  it('verify: 2 for a manifest that cannot be read or is not a manifest; a path out of the folder is not followed', async () => {
    const dir = tmpDir();
    expect((await cli('verify', path.join(dir, 'none.json'))).code).toBe(2);
    fs.writeFileSync(path.join(dir, 'bad.json'), '{"x":1}');
    expect((await cli('verify', path.join(dir, 'bad.json'))).code).toBe(2);
    fs.writeFileSync(path.join(dir, 'escape.json'), JSON.stringify({ businessDate: D, outputs: [{ interface: 'x', file: '../etc/passwd', bytes: 1, sha256: 'ab' }] }));
    const r = await cli('verify', path.join(dir, 'escape.json'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('UNREADABLE ../etc/passwd');
  });
});
