/**
 * Codec benchmark: 1,000,000 valid FIDM B records (plus A and T) formatted in memory, written to
 * a temp file, then read back with readFixedWidthFile and no-op sinks (the nightly path minus
 * SQLite). Prints one JSON line; each figure is the median of 3 runs.
 *
 *   npx tsx scripts/bench-codec.ts [lines]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileLayout, type CompiledLayout } from '../src/layout/codec.ts';
import { fixedLayout } from '../src/layout/registry.ts';
import { readFixedWidthFile } from '../src/inbound/fixedWidthReader.ts';
import type { RecordValues } from '../src/types.ts';

const LINES = Number(process.argv[2] ?? 1_000_000);
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

function timeFormat(compiled: CompiledLayout): { linesPerSec: number; lines: string[] } {
  const started = process.hrtime.bigint();
  const lines: string[] = [compiled.format('aRecord', A_RECORD).line];
  for (let i = 1; i <= LINES; i++) lines.push(compiled.format('bRecord', bRecord(i)).line);
  lines.push(compiled.format('tRecord', { bRecordCount: LINES }).line);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { linesPerSec: lines.length / seconds, lines };
}

function writeFile(file: string, lines: string[]): void {
  const fd = fs.openSync(file, 'w');
  const block = 10_000;
  for (let i = 0; i < lines.length; i += block) fs.writeSync(fd, lines.slice(i, i + block).join('\n') + '\n', null, 'latin1');
  fs.closeSync(fd);
}

async function timeRead(compiled: CompiledLayout, file: string): Promise<{ linesPerSec: number; loaded: number; rejected: number }> {
  const started = process.hrtime.bigint();
  const result = await readFixedWidthFile({ compiled, path: file, fileName: path.basename(file), onRecord: () => {}, onDiscard: () => {} });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { linesPerSec: result.read / seconds, loaded: result.loaded, rejected: result.rejected };
}

function timeParseInMemory(compiled: CompiledLayout, lines: string[]): number {
  const started = process.hrtime.bigint();
  let issues = 0;
  for (const line of lines) issues += compiled.parse(line).issues.length;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (issues !== 0) throw new Error(`bench data has ${issues} issues`);
  return lines.length / seconds;
}

async function main(): Promise<void> {
  const compiled = compileLayout(fixedLayout('fidm'), { signedOverpunch: ['bRecord.accountBalance'] });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-codec-'));
  const file = path.join(dir, 'fidm-bench.txt');
  try {
    const formatRuns: number[] = [];
    let lines: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      const timed = timeFormat(compiled);
      formatRuns.push(timed.linesPerSec);
      lines = timed.lines;
    }
    writeFile(file, lines);
    const inMemoryRuns: number[] = [];
    for (let run = 0; run < RUNS; run++) inMemoryRuns.push(timeParseInMemory(compiled, lines));
    const bytes = fs.statSync(file).size;
    lines = [];
    const readRuns: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const timed = await timeRead(compiled, file);
      if (timed.rejected !== 0 || timed.loaded !== LINES + 2) throw new Error(`bench file read badly: ${JSON.stringify(timed)}`);
      readRuns.push(timed.linesPerSec);
    }
    console.log(
      JSON.stringify({
        bench: 'codec',
        layout: 'fidm',
        lines: LINES + 2,
        bytes,
        readFixedWidthFileLinesPerSec: Math.round(median(readRuns)),
        parseInMemoryLinesPerSec: Math.round(median(inMemoryRuns)),
        formatLinesPerSec: Math.round(median(formatRuns)),
        runs: { read: readRuns.map(Math.round), parseInMemory: inMemoryRuns.map(Math.round), format: formatRuns.map(Math.round) },
        node: process.version,
      }),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
