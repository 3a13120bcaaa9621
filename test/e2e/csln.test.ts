/**
 * CSLN end to end on the bundled fixtures (issue 12): the csln inbound file loads and feeds the
 * IWO mechanism; the listing is written only on its weekday (2026-10-31, a Saturday, by default)
 * or on `run csln-submission`, and a later nightly of a requested date keeps that file;
 * validate, diff and explain work on the new files and decisions.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { diffFiles } from '../../src/audit/diff.ts';
import { cli, copyInbox, FIXTURES, tmpDir } from '../helpers/cli.ts';
import { query } from '../helpers/operator.ts';

const M1 = '2026-09-30';
const M2 = '2026-10-31';
const CONFIG = path.join(FIXTURES, 'config', 'acceptance.json');
const manifest = (out: string, d: string) => JSON.parse(fs.readFileSync(path.join(out, d, 'manifest.json'), 'utf8'));
const outputs = (out: string, d: string) => manifest(out, d).outputs.map((o: { file: string }) => o.file) as string[];

describe('csln and csln-submission', () => {
  let inbox: string;
  let out: string;
  let db: string;

  beforeAll(async () => {
    inbox = copyInbox();
    out = tmpDir();
    db = path.join(out, 'csebatch.db');
    for (const d of ['2026-09-15', M1]) expect((await cli('nightly', '--date', d, '--inbox', inbox, '--out', out, '--config', CONFIG)).code).toBe(0);
  }, 120_000);

  it('a night that is not the submission weekday writes no csln-submission.txt and says why in the manifest', () => {
    expect(outputs(out, M1)).not.toContain('csln-submission.txt');
    expect(outputs(out, M1)).toContain('eiwo.txt');
    expect(manifest(out, M1).summary.csln).toMatchObject({ produced: false, due: 'NOT_DUE' });
    expect(manifest(out, M1).summary.csln.reason).toMatch(/^not produced: not the submission weekday/);
    expect(manifest(out, M1).summary.inbound.csln).toMatchObject({ noMatch: 1, ambiguous: 0 });
  });

  it('run csln-submission writes the listing on any night; a later nightly of that date keeps it', async () => {
    const r = await cli('run', 'csln-submission', '--date', M1, '--inbox', inbox, '--out', out, '--config', CONFIG);
    expect(r.code).toBe(0);
    const file = path.join(out, M1, 'csln-submission.txt');
    const before = fs.readFileSync(file, 'latin1');
    expect(before.split('\n')[0]).toMatch(/^HCSLN-SUB  CADCSS    CSLN      2026093020260930000001/);
    expect(manifest(out, M1).summary.csln).toMatchObject({ produced: true, due: 'REQUESTED' });
    expect((await cli('nightly', '--date', M1, '--inbox', inbox, '--out', out, '--config', CONFIG)).code).toBe(0);
    expect(fs.readFileSync(file, 'latin1')).toBe(before);
    expect(outputs(out, M1)).toContain('csln-submission.txt');
    const v = await cli('validate', file, '--layout', 'csln-submission');
    expect(v.code).toBe(0);
    expect(v.stdout).toContain('valid');
  });

  it('validate and diff read the csln inbound files (matched by claimant SSN, insurer FEIN, claim number)', async () => {
    const a = path.join(FIXTURES, 'inbox', M1, 'csln', 'CSLN_CA_20260930.txt');
    const b = path.join(FIXTURES, 'inbox', M2, 'csln', 'CSLN_CA_20261031.txt');
    expect((await cli('validate', a, '--layout', 'csln')).code).toBe(0);
    const d = await diffFiles(a, b, 'csln');
    // P700010's claim is in both files: open on 09-30, settling on 10-31 (and its match date)
    expect(d.changed.filter((c) => c.recordType === 'detail').map((c) => c.fields.map((f) => f.field))).toEqual([['matchDate', 'claimStatus']]);
    expect(d.added.filter((x) => x.recordType === 'detail')).toHaveLength(2);
    expect(d.removed.filter((x) => x.recordType === 'detail')).toHaveLength(9);
    expect(d.changed.find((c) => c.recordType === 'detail')!.key).toMatch(/claimantSsn=\*+0010 insurerFein=941770012 claimNumber=GP-BI-2026-700010/);
  });

  it('explain shows the OCSS LUM and the CSLN report of the same claim as DUPLICATE_MATCH naming it', async () => {
    const r = await cli('explain', '--person', 'P700050', '--date', M1, '--out', out, '--db', db, '--json', '--unmask');
    expect(r.code).toBe(0);
    const rows = (JSON.parse(r.stdout) as { decisions: Array<{ mechanism: string; subjectKey: string; outcome: string; reasonCodes: string[]; facts: Record<string, unknown> }> }).decisions.filter(
      (x) => x.mechanism === 'iwo',
    );
    expect(rows.map((x) => [x.subjectKey, x.outcome, x.reasonCodes]).sort()).toEqual([
      ['csln|P700050|941770012|GP-DI-2026-700050', 'NO_CHANGE', ['DUPLICATE_MATCH']],
      ['ocss-im|P700050|941770012|GP-DI-2026-700050', 'ISSUE', []],
    ]);
    expect(rows.find((x) => x.outcome === 'NO_CHANGE')!.facts.duplicateOf).toMatchObject({ source: 'ocss-im', subjectKey: 'ocss-im|P700050|941770012|GP-DI-2026-700050' });
    expect(query<{ n: number }>(db, `SELECT count(*) AS n FROM iwo_ledger WHERE claim_key = '941770012|GP-DI-2026-700050'`)[0]!.n).toBe(1);
  });
});

describe('csln configuration keys', () => {
  it('csln.submissionWeekday moves the listing to that weekday; csln.minPrincipalCents is shown by config; a bad weekday is exit 2', async () => {
    const dir = tmpDir();
    const config = path.join(dir, 'csebatch.json');
    fs.writeFileSync(config, JSON.stringify({ csln: { submissionWeekday: 'WED', minPrincipalCents: 100_000 } }));
    const shown = JSON.parse((await cli('config', '--config', config)).stdout) as { csln: unknown };
    expect(shown.csln).toEqual({ submissionWeekday: 'WED', minPrincipalCents: 100_000 });
    const inbox = copyInbox();
    const out = tmpDir();
    for (const d of ['2026-09-15', M1]) expect((await cli('nightly', '--date', d, '--inbox', inbox, '--out', out, '--config', config)).code).toBe(0);
    expect(outputs(out, '2026-09-15')).not.toContain('csln-submission.txt'); // a Tuesday
    expect(outputs(out, M1)).toContain('csln-submission.txt'); // 2026-09-30 is a Wednesday
    // 1,000.00 minimum: P700100 (500.00) is not listed, P700020 (2,000.00) is
    const rows = query<{ subject_key: string; outcome: string; reason_codes: string }>(
      path.join(out, 'csebatch.db'),
      `SELECT subject_key, outcome, reason_codes FROM decisions WHERE business_date = ? AND mechanism = 'csln' AND subject_key IN ('P700020', 'P700100') ORDER BY 1`,
      M1,
    );
    expect(rows).toEqual([
      { subject_key: 'P700020', outcome: 'ISSUE', reason_codes: '' },
      { subject_key: 'P700100', outcome: 'SUPPRESS', reason_codes: 'BELOW_ARREARS_THRESHOLD' },
    ]);
    fs.writeFileSync(config, JSON.stringify({ csln: { submissionWeekday: 'FUNDAY' } }));
    expect((await cli('config', '--config', config)).code).toBe(2);
  }, 120_000);
});
