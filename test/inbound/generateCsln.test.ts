/**
 * The bench generator's CSLN file (scripts/generate-csln.ts) is a valid csln file: every record
 * passes the codec and the trailer controls, and every claim type and status code occurs.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateCsln } from '../../scripts/generate-csln.ts';
import { compileLayout } from '../../src/layout/codec.ts';
import { fixedLayout } from '../../src/layout/registry.ts';
import { validateFile } from '../../src/validate.ts';
import { tmpDir } from '../helpers/cli.ts';

describe('generate-csln', () => {
  it('writes a valid csln file of n details, deterministic, with every claim type and status', async () => {
    const a = generateCsln(tmpDir(), '2026-11-20', 1_000, 7, 300);
    const b = generateCsln(tmpDir(), '2026-11-20', 1_000, 7, 300);
    expect(fs.readFileSync(a, 'latin1')).toBe(fs.readFileSync(b, 'latin1'));
    const report = await validateFile(a, 'csln');
    expect(report.errors).toEqual([]);
    expect(report.lines).toBe(302);
    const detail = compileLayout(fixedLayout('csln')).recordByName('detail');
    const at = (line: string, field: string) => {
      const f = detail.fieldByName.get(field)!;
      return line.slice(f.start - 1, f.end);
    };
    const details = fs.readFileSync(a, 'latin1').split('\n').filter((l) => l.startsWith('D'));
    expect(new Set(details.map((l) => at(l, 'claimType')))).toEqual(new Set(['BI', 'WC', 'LI', 'AN', 'DI', 'LB']));
    expect(new Set(details.map((l) => at(l, 'claimStatus')))).toEqual(new Set(['O', 'S', 'C', 'D', 'P']));
  });
});
