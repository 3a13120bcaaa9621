/**
 * Codec benchmark: 1,000,000 valid FIDM B records (plus A and T) formatted in memory, written to
 * a temp file, then read back with readFixedWidthFile and no-op sinks (the nightly path minus
 * SQLite). Prints one JSON line; each figure is the median of 3 runs, measured both in wall-clock
 * time and in process CPU time (the machine is shared: CPU time is what the code itself costs).
 *
 * Then the e-IWO writer: [details] DTL records (2,406 bytes, default 200,000) through
 * FixedWidthFileBuilder (format, controls, spool to a temp file), as eiwo.ts writes them.
 *
 *   npx tsx scripts/bench-codec.ts [lines] [details]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileLayout, type CompiledLayout } from '../src/layout/codec.ts';
import { fixedLayout } from '../src/layout/registry.ts';
import { readFixedWidthFile } from '../src/inbound/fixedWidthReader.ts';
import { FixedWidthFileBuilder } from '../src/outbound/fixedWidthFile.ts';
import { isSpooled } from '../src/outbound/spool.ts';
import { PACKAGE_ROOT } from '../src/config.ts';
import type { RecordValues } from '../src/types.ts';

const LINES = Number(process.argv[2] ?? 1_000_000);
/** e-IWO details per writer run (2,406 bytes each) */
const EIWO_DETAILS = Number(process.argv[3] ?? 200_000);
const RUNS = 3;

const A_RECORD: RecordValues = {
  institutionTin: '941234567',
  matchYearMonth: '202609',
  institutionName: 'GOLDEN STATE SAVINGS BANK',
  institutionStreet: '100 MARKET ST',
  institutionCity: 'SAN FRANCISCO',
  institutionState: 'CA',
  institutionZip5: '94105',
  transmitterTin: '941234567',
  transmitterName: 'GOLDEN STATE SAVINGS BANK',
};

/** A B record that differs per line in the fields a real file varies most. */
function bRecord(i: number): RecordValues {
  return {
    matchYearMonth: '202609',
    payeeNameControl: 'GARC',
    matchedSsn: String(100_000_000 + i),
    payeeAccountNumber: `ACCT${i}`,
    accountTitle: 'MARIA GARCIA OR JOSE GARCIA JT TEN',
    matchedPayeeName: 'MARIA GARCIA',
    payeeStreet: `${i % 9999} MAIN ST`,
    payeeCity: 'SACRAMENTO',
    payeeState: 'CA',
    payeeZip5: '95814',
    accountBalance: i % 250_000,
    matchFlag: '1',
    trustFundIndicator: '0',
    accountBalanceIndicator: '2',
    dateOfBirth: '1980-02-29',
    accountType: '11',
    payeeIndicator: '0',
    primarySsn: String(100_000_000 + i),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Lines per second of wall-clock time and of process CPU time (all threads, GC included). */
interface Rate {
  wall: number;
  cpu: number;
}

async function timed(lines: number, work: () => unknown): Promise<Rate> {
  const wallStart = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  await work();
  const wallSeconds = Number(process.hrtime.bigint() - wallStart) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  return { wall: lines / wallSeconds, cpu: lines / ((cpu.user + cpu.system) / 1e6) };
}

function formatAll(compiled: CompiledLayout): string[] {
  const lines: string[] = [compiled.format('aRecord', A_RECORD).line];
  for (let i = 1; i <= LINES; i++) lines.push(compiled.format('bRecord', bRecord(i)).line);
  lines.push(compiled.format('tRecord', { bRecordCount: LINES }).line);
  return lines;
}

function writeFile(file: string, lines: string[]): void {
  const fd = fs.openSync(file, 'w');
  const block = 10_000;
  for (let i = 0; i < lines.length; i += block) fs.writeSync(fd, lines.slice(i, i + block).join('\n') + '\n', null, 'latin1');
  fs.closeSync(fd);
}

async function readAll(compiled: CompiledLayout, file: string): Promise<void> {
  const result = await readFixedWidthFile({ compiled, path: file, fileName: path.basename(file), onRecord: () => {}, onDiscard: () => {} });
  if (result.rejected !== 0 || result.loaded !== LINES + 2) throw new Error(`bench file read badly: ${JSON.stringify({ loaded: result.loaded, rejected: result.rejected })}`);
}

function parseAll(compiled: CompiledLayout, lines: string[]): void {
  let issues = 0;
  for (const line of lines) issues += compiled.parse(line).issues.length;
  if (issues !== 0) throw new Error(`bench data has ${issues} issues`);
}

/** A real DTL of the fixture nights, read back by the codec: every field as a writer gives it. */
function eiwoDetailValues(eiwo: CompiledLayout): RecordValues {
  const golden = path.join(PACKAGE_ROOT, 'fixtures', 'golden', '2026-09-15', 'eiwo.txt');
  const line = fs.readFileSync(golden, 'latin1').split('\n').find((l) => eiwo.identify(l)?.name === 'detail');
  if (line === undefined) throw new Error(`${golden}: no DTL record`);
  const parsed = eiwo.parse(line);
  if (parsed.issues.length > 0) throw new Error(`${golden}: DTL does not parse cleanly`);
  return parsed.values;
}

/**
 * The e-IWO writer path of a night: FixedWidthFileBuilder.check + addChecked per DTL (format, the
 * controls' read-back), one batch per 1,000 details, spooled to a temp file like a run does.
 */
function writeEiwo(eiwo: CompiledLayout, dir: string, base: RecordValues): void {
  const builder = new FixedWidthFileBuilder(eiwo, 'eiwo', 'eiwo.txt', dir);
  builder.add('header', { controlNumber: '0600020261120000000000', creationDate: '2026-11-20', creationTime: '000000' });
  for (let i = 0; i < EIWO_DETAILS; i++) {
    if (i % 1000 === 0) {
      if (i > 0) builder.closeBatch('batchTrailer', { controlNumber: `06000202611200000${String(i / 1000).padStart(5, '0')}` });
      builder.openBatch('batchHeader', { controlNumber: `06000202611200000${String(i / 1000 + 1).padStart(5, '0')}`, ein: String(900_000_000 + i), creationDate: '2026-11-20', creationTime: '000000' });
    }
    const record = builder.check('detail', { ...base, caseId: `C${String(i).padStart(9, '0')}`, employeeSsn: String(100_000_000 + i) });
    if (!('line' in record)) throw record;
    builder.addChecked('detail', record);
  }
  builder.closeBatch('batchTrailer', { controlNumber: `06000202611200000${String(Math.ceil(EIWO_DETAILS / 1000)).padStart(5, '0')}` });
  builder.close('trailer', { controlNumber: '0600020261120000000000' });
  const content = builder.result().content;
  if (isSpooled(content)) fs.rmSync(content.spooled, { force: true });
}

function summary(runs: Rate[]): { wall: number; cpu: number; wallRuns: number[] } {
  return { wall: Math.round(median(runs.map((r) => r.wall))), cpu: Math.round(median(runs.map((r) => r.cpu))), wallRuns: runs.map((r) => Math.round(r.wall)) };
}

async function main(): Promise<void> {
  const compiled = compileLayout(fixedLayout('fidm'), { signedOverpunch: ['bRecord.accountBalance'] });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-codec-'));
  const file = path.join(dir, 'fidm-bench.txt');
  const total = LINES + 2;
  try {
    const formatRuns: Rate[] = [];
    let lines: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      lines = []; // let the previous run's lines go before timing the next
      formatRuns.push(await timed(total, () => (lines = formatAll(compiled))));
    }
    writeFile(file, lines);
    const parseRuns: Rate[] = [];
    for (let run = 0; run < RUNS; run++) parseRuns.push(await timed(total, () => parseAll(compiled, lines)));
    const bytes = fs.statSync(file).size;
    lines = [];
    const readRuns: Rate[] = [];
    for (let run = 0; run < RUNS; run++) readRuns.push(await timed(total, () => readAll(compiled, file)));
    const eiwo = compileLayout(fixedLayout('eiwo'));
    const base = eiwoDetailValues(eiwo);
    const eiwoRuns: Rate[] = [];
    for (let run = 0; run < RUNS; run++) eiwoRuns.push(await timed(EIWO_DETAILS, () => writeEiwo(eiwo, dir, base)));
    const eiwoWrite = summary(eiwoRuns);
    const read = summary(readRuns);
    const parse = summary(parseRuns);
    const format = summary(formatRuns);
    console.log(
      JSON.stringify({
        bench: 'codec',
        layout: 'fidm',
        lines: total,
        bytes,
        readFixedWidthFileLinesPerSec: read.wall,
        readFixedWidthFileLinesPerCpuSec: read.cpu,
        parseInMemoryLinesPerSec: parse.wall,
        parseInMemoryLinesPerCpuSec: parse.cpu,
        formatLinesPerSec: format.wall,
        formatLinesPerCpuSec: format.cpu,
        eiwoDetails: EIWO_DETAILS,
        eiwoWriterDetailsPerSec: eiwoWrite.wall,
        eiwoWriterDetailsPerCpuSec: eiwoWrite.cpu,
        targets: { readFixedWidthFileLinesPerSec: 400_000, eiwoWriterDetailsPerSec: 200_000 },
        wallRuns: { read: read.wallRuns, parseInMemory: parse.wallRuns, format: format.wallRuns, eiwoWriter: eiwoWrite.wallRuns },
        loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
        node: process.version,
      }),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
