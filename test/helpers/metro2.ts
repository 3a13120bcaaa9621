/** Metro 2 test helpers: decide + build for a date on a World, and the written file parsed back. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../src/config.ts';
import type { Config } from '../../src/config.ts';
import { computeDerivedFacts } from '../../src/rules/derived.ts';
import { decideMetro2, summarizeMetro2 } from '../../src/rules/metro2.ts';
import type { Metro2Summary } from '../../src/rules/metro2.ts';
import { buildMetro2, metro2Codec } from '../../src/outbound/metro2.ts';
import type { RunContext } from '../../src/interfaces.ts';
import type { OutboundFile } from '../../src/outbound/outputs.ts';
import type { RecordValues } from '../../src/types.ts';
import type { World } from './world.ts';

export const NIGHTLY: RunContext = { command: 'nightly', requested: [] };
export const RUN_METRO2: RunContext = { command: 'run', requested: ['metro2'] };

export interface Metro2Night {
  summary: Metro2Summary;
  file: OutboundFile | undefined;
  unwritable: number;
  /** the file's records parsed back: [record name, values] */
  records: Array<{ name: string; values: RecordValues; line: string }>;
}

/** One night of the mechanism as the runner runs it: derived facts, decide, build, summarize. */
export function runMetro2(w: World, date: string, ctx: RunContext = NIGHTLY, config: Config = parseConfig({})): Metro2Night {
  computeDerivedFacts(w.db, date, config);
  decideMetro2(w.db, date, config, ctx);
  const built = buildMetro2(w.db, date, config, ctx);
  const summary = summarizeMetro2(w.db, date);
  const file = built.files[0];
  const lines = file === undefined ? [] : (file.content as readonly string[]);
  const records = lines.map((line) => {
    const parsed = metro2Codec().parse(line);
    if (parsed.issues.length > 0) throw new Error(`written line does not parse: ${parsed.issues.map((i) => i.message).join('; ')}`);
    return { name: parsed.record!.name, values: parsed.values, line };
  });
  return { summary, file, unwritable: built.unwritable, records };
}

/** Base segments of a night by case id. */
export function bases(night: Metro2Night): Map<string, RecordValues> {
  return new Map(night.records.filter((r) => r.name === 'base').map((r) => [r.values.consumerAccountNumber as string, r.values]));
}

/** `date` plus `days` (negative = earlier), ISO. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Writes a file (lines + LF) to a fresh temp folder; returns its path. */
export function writeTemp(lines: readonly string[], name = 'metro2.txt'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csebatch-metro2-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
  return file;
}
