/** Reading files back in tests: fixed-width records decoded with the layout codec, CSV rows. */
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { expect } from 'vitest';
import { compileLayout } from '../../src/layout/codec.ts';
import type { CompiledLayout } from '../../src/layout/codec.ts';
import { fixedLayout } from '../../src/layout/registry.ts';
import type { RecordValues } from '../../src/types.ts';

const codecs = new Map<string, CompiledLayout>();

/** The compiled codec of a fixed-width layout (compiled once per test file). */
export function codecOf(layoutId: string): CompiledLayout {
  let codec = codecs.get(layoutId);
  if (codec === undefined) {
    codec = compileLayout(fixedLayout(layoutId));
    codecs.set(layoutId, codec);
  }
  return codec;
}

export interface DecodedRecord {
  record: string;
  values: RecordValues;
  line: string;
}

/**
 * Every record decoded with the layout's codec: each line must have the record length, be of a
 * known record type and parse without an issue (what a partner's validator would require).
 */
export function decodeRecords(layoutId: string, lines: readonly string[]): DecodedRecord[] {
  const codec = codecOf(layoutId);
  return lines.map((line, i) => {
    expect(line, `${layoutId} line ${i + 1}`).toHaveLength(codec.recordLength);
    const parsed = codec.parse(line);
    expect(parsed.issues, `${layoutId} line ${i + 1}`).toEqual([]);
    return { record: parsed.record!.name, values: parsed.values, line };
  });
}

/** The records of a fixed-width file on disk (LF-ended lines), decoded as decodeRecords does. */
export function decodeFile(file: string, layoutId: string): DecodedRecord[] {
  return decodeRecords(
    layoutId,
    fs
      .readFileSync(file, 'latin1')
      .split('\n')
      .filter((l) => l !== ''),
  );
}

/** Rows of a CSV file with a header line (empty lines skipped). */
export function csvRows(file: string): Array<Record<string, string>> {
  return parse(fs.readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
}
