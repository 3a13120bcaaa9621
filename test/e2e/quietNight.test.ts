/**
 * Issue 11 end to end on the bundled fixtures (09-15, then 09-30, the first night of the P5
 * scenarios): a night with obligors without an address and an NMSN case without a child exits 0;
 * the closing summary lists per mechanism issued / suppressed / tasks and the exit reason; progress
 * lines go to stderr only on a terminal (off one, stderr stays empty); the manifest and explain show
 * truncations by field; `csebatch config` shows tasks.locateAddressDays.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';
import { cli, FIXTURES, tmpDir } from '../helpers/cli.ts';

const INBOX = path.join(FIXTURES, 'inbox');
const CONFIG = path.join(FIXTURES, 'config', 'acceptance.json');
const D = '2026-09-30';

async function run(out: string, date: string, isTTY: boolean) {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'csebatch', 'nightly', '--date', date, '--inbox', INBOX, '--out', out, '--config', CONFIG], {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    stderrIsTTY: isTTY,
  });
  return { code, stdout, stderr };
}

describe('a quiet night: no address and no child are reasons, not errors', () => {
  let out: string;
  let onTty: { code: number; stdout: string; stderr: string };
  let offTty: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    out = tmpDir();
    expect((await run(out, '2026-09-15', false)).code).toBe(0);
    onTty = await run(out, D, true);
    offTty = await run(out, D, false); // a rerun of the same date: same decisions
  }, 120_000);

  it('exits 0 on and off a terminal, with the exit reason on the first line', () => {
    expect(onTty.code).toBe(0);
    expect(offTty.code).toBe(0);
    expect(offTty.stdout.split('\n')[0]).toMatch(/^csebatch run \d+ for 2026-09-30: exit 0 \(everything ran\)$/);
    expect(offTty.stdout).not.toContain('problem:');
  });

  it('the summary lists per mechanism issued / suppressed (by reason) / tasks, written files with record counts, and truncations', () => {
    const s = offTty.stdout;
    expect(s).toMatch(/^ {2}\[cswn\] +issued 2, suppressed 97 \(.*NO_ADDRESS 1.*\), tasks 0$/m);
    expect(s).toMatch(/^ {2}\[license\] +issued 8, .*suppressed 8 \(.*NO_ADDRESS 1\), tasks 0$/m);
    expect(s).toMatch(/^ {2}\[nmsn\] +issued 1, no change 1, suppressed 2 \(NO_CHILD_ON_FILE 1, NO_FEIN 1\), tasks 1$/m);
    expect(s).toMatch(/^ {2}\[address\] +issued 0, suppressed 0, tasks 2$/m);
    expect(s).toMatch(/^ {2}eiwo +written 44 record\(s\)$/m);
    expect(s).toMatch(/^ {2}tasks +written 7 record\(s\)$/m);
    expect(s).toMatch(/^ {2}no file +fidm, msfidm, calpers, tsp, ftb, fop-collections, fop-rejects, lump-sum$/m);
    expect(s).toMatch(/^ {2}truncated +eiwo\.txt: detail\.employerName 1, detail\.issuingTribunalName 20$/m);
    expect(s.split('\n').length).toBeLessThan(45); // one screen
  });

  it('off a terminal nothing but the summary: stderr is empty; on a terminal the long steps show overwritten progress lines with counts', () => {
    expect(offTty.stderr).toBe('');
    const lines = onTty.stderr.split('\n');
    for (const l of lines.slice(0, -1)) expect(l.startsWith('\r')).toBe(true);
    expect(onTty.stderr).toMatch(/\rcase-extract participants\.csv: 203 rows read\x1b\[K\n/);
    expect(onTty.stderr).toMatch(/\redd EDD_CLAIMS_20260930\.txt: 5 loaded, 0 rejected\x1b\[K\n/);
    expect(onTty.stderr).toMatch(/\rmechanism cswn: deciding\.\.\.\x1b\[K/);
    expect(onTty.stderr).toMatch(/\rwriting eiwo\.txt: 44 records\x1b\[K\n/);
    expect(onTty.stderr).toMatch(/\rmechanism address: issued 0, suppressed 0, tasks 2\x1b\[K\n/);
    // the summary itself is the same on and off a terminal (run ids aside)
    const strip = (s: string) => s.replace(/run \d+/, 'run N').replace(/\.\d+\.log/, '.N.log');
    expect(strip(onTty.stdout)).toBe(strip(offTty.stdout));
  });

  it('the manifest gives truncations per interface, record and field next to the truncated count', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(out, D, 'manifest.json'), 'utf8'));
    const eiwo = manifest.outputs.find((o: { interface: string }) => o.interface === 'eiwo');
    expect(eiwo.truncated).toBe(21);
    expect(eiwo.truncatedFields).toEqual({ 'detail.employerName': 1, 'detail.issuingTribunalName': 20 });
    const cswn = manifest.outputs.find((o: { interface: string }) => o.interface === 'cswn');
    expect(cswn).toMatchObject({ truncated: 0, truncatedFields: {} });
  });

  it('explain shows the truncated field on the output record, and the NO_ADDRESS facts', async () => {
    const e = await cli('explain', '--person', 'P500030', '--date', D, '--out', out);
    expect(e.code).toBe(0);
    expect(e.stdout).toMatch(/output: eiwo\.txt line \d+ detail caseId=C111-500031 .*\n {4}truncated: detail\.employerName \(positions 103-159\)/);
    const j = JSON.parse((await cli('explain', '--person', 'P500030', '--date', D, '--out', out, '--json')).stdout);
    const iwo = j.decisions.find((d: { mechanism: string; outcome: string }) => d.mechanism === 'iwo' && d.outcome === 'ISSUE');
    expect(iwo.output.truncatedFields).toContainEqual({ field: 'detail.employerName', start: 103, end: 159 });
    const a = JSON.parse((await cli('explain', '--person', 'P500010', '--date', D, '--out', out, '--json')).stdout);
    const cswn = a.decisions.find((d: { mechanism: string }) => d.mechanism === 'cswn');
    expect(cswn).toMatchObject({ outcome: 'SUPPRESS', reasonCodes: ['NO_ADDRESS'], output: null });
    expect(cswn.facts.address).toEqual({ of: 'obligor', fieldsLookedAt: ['address_line1', 'city', 'state', 'zip'], missing: ['address_line1', 'city', 'state', 'zip'] });
    expect(a.decisions.find((d: { mechanism: string }) => d.mechanism === 'address')).toMatchObject({ outcome: 'TASK', reasonCodes: ['NO_ADDRESS'] });
  });

  it('csebatch config shows tasks.locateAddressDays and tasks.noChildOnFileDays', async () => {
    const c = JSON.parse((await cli('config')).stdout);
    expect(c.tasks).toEqual({ locateAddressDays: 30, noChildOnFileDays: 30 });
  });
});
