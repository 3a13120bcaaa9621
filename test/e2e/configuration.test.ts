/**
 * The configuration keys of DOMAIN 7 that operators and the acceptance suite set through
 * `--config FILE`, end to end: Metro 2 identity, the county median income table (a path relative
 * to the configuration file) and the e-recording counties, each changing the files written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Explanation } from '../../src/audit/explain.ts';
import { cli, FIXTURES, tmpDir } from '../helpers/cli.ts';
import { decodeFile } from '../helpers/records.ts';

const INBOX = path.join(FIXTURES, 'inbox');
const MONTH_END = '2026-11-30';

describe('--config FILE', () => {
  it('sets the Metro 2 identity, the county median income table (relative path) and the e-recording counties', async () => {
    const dir = tmpDir();
    fs.mkdirSync(path.join(dir, 'ref'));
    // a table in which every 2026 median is 1 dollar: no household income is at or below 70% of it
    const table = fs
      .readFileSync(path.join(FIXTURES, '..', 'schemas', 'reference', 'county-median-income.csv'), 'utf8')
      .split('\n')
      .map((l, i) => (i > 0 && l.split(',')[1] === '2026' ? l.replace(/^(\d{3},2026,)\d+/, '$11') : l))
      .join('\n');
    fs.writeFileSync(path.join(dir, 'ref', 'median.csv'), table);
    fs.writeFileSync(
      path.join(dir, 'csebatch.json'),
      JSON.stringify({
        reference: { countyMedianIncome: 'ref/median.csv' },
        metro2: { identificationPrefix: 'CA06X', reporterName: 'DCSS TEST REPORTER', reporterAddress: 'PO BOX 419064 RANCHO CORDOVA CA 95741' },
        lien: { eRecordingCounties: ['001'] },
      }),
    );
    const config = path.join(dir, 'csebatch.json');

    const shown = JSON.parse((await cli('config', '--config', config)).stdout) as { reference: { countyMedianIncome: string } };
    expect(shown.reference.countyMedianIncome).toBe(path.join(dir, 'ref', 'median.csv'));

    const out = tmpDir();
    const r = await cli('nightly', '--date', MONTH_END, '--inbox', INBOX, '--out', out, '--config', config);
    expect(r.code).toBe(0);

    const metro2 = decodeFile(path.join(out, MONTH_END, 'metro2.txt'), 'metro2');
    expect(metro2[0]!.values).toMatchObject({ reporterName: 'DCSS TEST REPORTER', reporterAddress: 'PO BOX 419064 RANCHO CORDOVA CA 95741' });
    const bases = metro2.filter((p) => p.record === 'base');
    expect(bases.length).toBeGreaterThan(0);
    for (const b of bases) expect(String(b.values.identificationNumber)).toMatch(/^CA06X\d{3}$/);

    // SB 1055: P300300's DMV license is excluded for low income with the shipped table, not with this one
    const shipped = tmpDir();
    expect((await cli('nightly', '--date', MONTH_END, '--inbox', INBOX, '--out', shipped)).code).toBe(0);
    const dmv = async (o: string) => {
      const e = JSON.parse((await cli('explain', '--person', 'P300300', '--date', MONTH_END, '--out', o, '--json')).stdout) as Explanation;
      const d = e.decisions.find((x) => x.mechanism === 'license' && x.subjectKey === 'P300300|DMV');
      expect(d, `license decision P300300|DMV in ${o}`).toBeDefined();
      return d!;
    };
    expect((await dmv(shipped)).reasonCodes).toContain('SB1055_LOW_INCOME');
    expect((await dmv(out)).reasonCodes).not.toContain('SB1055_LOW_INCOME');

    // liens: type E only in the configured county
    const liens = decodeFile(path.join(out, MONTH_END, 'lien.txt'), 'lien').filter((p) => p.record === 'detail');
    expect(liens.map((l) => [l.values.countyCode, l.values.lienType])).toContainEqual(['001', 'E']);
    expect(liens.map((l) => [l.values.countyCode, l.values.lienType])).toContainEqual(['037', 'R']);
    for (const l of liens) expect(l.values.lienType).toBe(l.values.countyCode === '001' ? 'E' : 'R');
  });
});
