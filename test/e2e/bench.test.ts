/**
 * Smoke run of `npm run bench` at a tiny size (the real benchmark stays out of `npm test`): the
 * script generates a night, runs it, and prints one JSON object with every step's seconds, rows/s
 * per reader, peak RSS and the hashes of the kept night, which equal a second run's.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/config.ts';
import { MECHANISMS } from '../../src/interfaces.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'csebatch-bench-smoke-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function bench(...extra: string[]): Record<string, unknown> {
  const r = spawnSync(
    process.execPath,
    [path.join(PACKAGE_ROOT, 'bin', 'run-ts.js'), path.join(PACKAGE_ROOT, 'scripts', 'bench.ts'),
      '--cases', '300', '--participants', '600', '--fidm', '200', '--msfidm', '200', '--runs', '1', '--dir', path.join(tmp, 'bench'), ...extra],
    { encoding: 'utf8', env: { ...process.env, PATH: '' } }, // PATH '' : no sqlite3 CLI, the import comparison is skipped
  );
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe('npm run bench (tiny size)', () => {
  it('prints every step of the night, reader rates, peak RSS and the kept night hashes, equal on a second run', () => {
    const first = bench('--keep', path.join(tmp, 'kept'));
    const steps = first.stepsSecondsMedian as Record<string, number>;
    for (const step of ['case-extract', 'fidm', 'msfidm', 'derived', 'tasks', 'manifest']) expect(steps).toHaveProperty(step);
    for (const m of MECHANISMS) for (const part of ['decide', 'build', 'commit', 'write']) expect(steps).toHaveProperty(`mechanism:${m.id}:${part}`);
    const readers = first.readers as Record<string, { rows: number; rowsPerSecond: number }>;
    expect(readers['case-extract']!.rows).toBeGreaterThan(0);
    expect(readers['fidm']!.rowsPerSecond).toBeGreaterThan(0);
    expect(first.peakRssMbMax as number).toBeGreaterThan(0);
    const hashes = first.hashes as { files: Record<string, string>; tables: Record<string, { rows: number }> };
    expect(Object.keys(hashes.files)).toEqual(expect.arrayContaining(['levy-otw.txt', 'eiwo.txt', 'tasks.csv', 'manifest.json', 'rejects/fidm.rejects.csv']));
    expect(hashes.tables['decisions']!.rows).toBeGreaterThan(0);

    const baseline = path.join(tmp, 'baseline.json');
    fs.writeFileSync(baseline, JSON.stringify(hashes));
    const second = bench('--keep', path.join(tmp, 'kept2'), '--baseline', baseline);
    expect(second.differences).toEqual([]);
    expect(second.identicalToBaseline).toBe(true);
  }, 60_000);
});
