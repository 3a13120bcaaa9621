/**
 * `npm run bench`: a California-sized night, end to end.
 *
 * 1. Generates bench/inbox/<date> (1,000,000 cases, 2,000,000 participants, 1,000,000 FIDM and
 *    1,000,000 MSFIDM records by default) unless the same size is already there.
 * 2. Runs `csebatch nightly` on it `--runs` times (default 3), each on a fresh database, and reports
 *    the median wall time, rows/s per reader and peak RSS.
 * 3. Where the `sqlite3` CLI is installed, times its `.import` of the same five CSV files and
 *    reports the ratio of our case-extract load time to it.
 *
 * 4. With --keep DIR, the last run's out folder and database stay in DIR and their hashes
 *    (scripts/bench-hash.ts) are part of the result; with --baseline FILE (an earlier
 *    `bench-hash.ts` result) they are compared with it and every difference is listed.
 *
 * Options: --cases N --participants N --fidm N --msfidm N --runs N --date D --dir DIR (where the
 * generated inbox goes, default <repo>/bench) --keep DIR --baseline FILE. Prints one JSON object:
 * every step's seconds (each reader, derived values, every mechanism's decide / build / commit /
 * write, tasks, manifest; medians and each run), rows/s per reader, peak RSS, the sqlite3 ratio.
 * Targets (issue 10; not asserted anywhere): whole night ≤ 180 s, peak RSS ≤ 1 GB, case-extract
 * load ≤ 2× sqlite3 .import.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_SIZE, generateNight } from './generate-night.ts';
import type { NightSize } from './generate-night.ts';
import { PACKAGE_ROOT } from '../src/config.ts';
import { sizeFromArgs } from './generate-common.ts';
import { INBOUND_IDS } from '../src/interfaces.ts';
import { compareHashes, hashNight } from './bench-hash.ts';
import type { NightHashes } from './bench-hash.ts';

const { values } = parseArgs({
  options: {
    cases: { type: 'string' },
    participants: { type: 'string' },
    fidm: { type: 'string' },
    msfidm: { type: 'string' },
    runs: { type: 'string', default: '3' },
    date: { type: 'string', default: '2026-11-20' },
    dir: { type: 'string' },
    keep: { type: 'string' },
    baseline: { type: 'string' },
  },
});
const size: NightSize = sizeFromArgs(values, DEFAULT_SIZE);
const runCount = Number(values.runs);
const date = values.date!;
const benchDir = path.resolve(values.dir ?? path.join(PACKAGE_ROOT, 'bench'));
const inbox = path.join(benchDir, 'inbox');
const marker = path.join(inbox, date, 'size.json');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

if (!fs.existsSync(marker) || fs.readFileSync(marker, 'utf8') !== JSON.stringify(size)) {
  log(`generating ${JSON.stringify(size)} into ${inbox}/${date} ...`);
  const t = performance.now();
  generateNight(inbox, date, size);
  fs.writeFileSync(marker, JSON.stringify(size));
  log(`generated in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

interface RunJson {
  exitCode: number;
  timings: Record<string, number>;
  peakRssMb: number;
  interfaces: Array<{ interface: string; read?: number }>;
}

const runs: Array<{ wallMs: number; json: RunJson }> = [];
let hashes: NightHashes | null = null;
for (let i = 0; i < runCount; i++) {
  const keep = values.keep !== undefined && i === runCount - 1;
  if (keep) fs.rmSync(values.keep!, { recursive: true, force: true });
  const out = keep ? path.resolve(values.keep!) : fs.mkdtempSync(path.join(os.tmpdir(), 'csebatch-bench-'));
  fs.mkdirSync(out, { recursive: true });
  const t = performance.now();
  const r = spawnSync(process.execPath, [path.join(PACKAGE_ROOT, 'bin', 'csebatch.js'), 'nightly', '--date', date, '--inbox', inbox, '--out', out, '--json'], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const wallMs = performance.now() - t;
  if (r.status !== 0 && r.status !== 1) throw new Error(`nightly exited ${r.status}: ${r.stderr}`);
  const json = JSON.parse(r.stdout) as RunJson;
  runs.push({ wallMs, json });
  log(`run ${i + 1}: ${(wallMs / 1000).toFixed(1)} s, peak RSS ${json.peakRssMb} MB, steps ${JSON.stringify(json.timings)}`);
  if (keep) hashes = hashNight(out, date, path.join(out, 'csebatch.db'));
  else fs.rmSync(out, { recursive: true, force: true });
}

const rowsOf = (id: string) => runs[0]!.json.interfaces.find((x) => x.interface === id)?.read ?? 0;
const stepMedian = (step: string) => median(runs.map((r) => r.json.timings[step] ?? 0));
const readers = Object.fromEntries(
  INBOUND_IDS.map((id) => {
    const ms = stepMedian(id);
    return [id, { rows: rowsOf(id), medianMs: ms, rowsPerSecond: Math.round(rowsOf(id) / (ms / 1000)) }];
  }),
);

// sqlite3 .import of the same CSVs into a fresh file database, for the per-row ingest comparison.
let sqliteImport: { medianMs: number; ratio: number } | null = null;
if (spawnSync('sqlite3', ['--version']).status === 0) {
  const times: number[] = [];
  const ceDir = path.join(inbox, date, 'case-extract');
  for (let i = 0; i < runCount; i++) {
    const dbFile = path.join(os.tmpdir(), `csebatch-bench-import-${process.pid}-${i}.db`);
    fs.rmSync(dbFile, { force: true });
    const script = ['participants', 'cases', 'employers', 'children', 'licenses']
      .map((f) => `.import --csv ${path.join(ceDir, `${f}.csv`)} ${f}`)
      .join('\n');
    const t = performance.now();
    const r = spawnSync('sqlite3', [dbFile], { input: `${script}\n`, encoding: 'utf8' });
    times.push(performance.now() - t);
    if (r.status !== 0) throw new Error(`sqlite3 .import failed: ${r.stderr}`);
    fs.rmSync(dbFile, { force: true });
  }
  const ms = median(times);
  sqliteImport = { medianMs: Math.round(ms), ratio: Number((stepMedian('case-extract') / ms).toFixed(2)) };
}

const seconds = (ms: number) => Number((ms / 1000).toFixed(1));
const stepNames = Object.keys(runs[0]!.json.timings);
const differences = hashes !== null && values.baseline !== undefined ? compareHashes(JSON.parse(fs.readFileSync(values.baseline, 'utf8')) as NightHashes, hashes) : null;
const result = {
  size,
  runs: runs.length,
  wallSecondsMedian: seconds(median(runs.map((r) => r.wallMs))),
  wallSecondsRuns: runs.map((r) => seconds(r.wallMs)),
  exitCodes: runs.map((r) => r.json.exitCode),
  peakRssMbMedian: median(runs.map((r) => r.json.peakRssMb)),
  peakRssMbMax: Math.max(...runs.map((r) => r.json.peakRssMb)),
  stepsSecondsMedian: Object.fromEntries(stepNames.map((k) => [k, seconds(stepMedian(k))])),
  stepsSecondsRuns: Object.fromEntries(stepNames.map((k) => [k, runs.map((r) => seconds(r.json.timings[k] ?? 0))])),
  readers,
  sqliteImport,
  loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
  hashes,
  ...(differences === null ? {} : { identicalToBaseline: differences.length === 0, differences }),
  targets: { wallSeconds: 180, peakRssMb: 1024, caseExtractVsSqliteImport: 2 },
};
console.log(JSON.stringify(result, null, 2));
