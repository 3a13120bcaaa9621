/**
 * Round trip of EVERY fixed-width layout: each record type formatted from generated valid values
 * and parsed back to the same values; then whole files (with controls computed by the file
 * formatter) read back by the streaming reader with LF and with CRLF line ends.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileLayout, type CompiledLayout, type CompiledRecord } from '../../src/layout/codec.ts';
import { createFileFormatter } from '../../src/layout/controls.ts';
import { fixedLayout, layoutIds, loadLayout } from '../../src/layout/registry.ts';
import { readFixedWidthFile, type AcceptedRecord } from '../../src/inbound/fixedWidthReader.ts';
import type { RecordValues } from '../../src/types.ts';
import { logicalConst, MODERATE, sampleRecord } from './sampleValues.ts';

const FIXED_IDS = layoutIds().filter((id) => loadLayout(id).format === 'fixed');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'roundtrip-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** What a reader hands back for values a writer was given (N digit strings come back zero-filled). */
function expectedRead(record: CompiledRecord, values: RecordValues): RecordValues {
  const out: RecordValues = {};
  for (const field of record.fields) {
    if (field.type === 'FILLER') continue;
    const given = values[field.name];
    if (field.def.const !== undefined) out[field.name] = logicalConst(field.def);
    else if (field.type === 'N' && field.def.decimals === undefined && typeof given === 'string') out[field.name] = given.padStart(field.length, '0');
    else if (field.type === 'N' && field.def.decimals === undefined && given === null) out[field.name] = '0'.repeat(field.length);
    else out[field.name] = given ?? null;
  }
  return out;
}

/** Control target fields of a record: left undefined so that the file formatter computes them. */
function withoutControlFields(compiled: CompiledLayout, record: CompiledRecord, values: RecordValues): RecordValues {
  const out = { ...values };
  for (const control of compiled.layout.controls) if (control.record === record.name) delete out[control.field];
  return out;
}

/** A small valid file of the layout: every record type, several details per batch, two batches. */
function validFileLines(compiled: CompiledLayout): string[] {
  const formatter = createFileFormatter(compiled);
  const lines: string[] = [];
  const write = (record: CompiledRecord, variant: number): void => {
    lines.push(formatter.format(record.name, withoutControlFields(compiled, record, sampleRecord(record.def, variant))).line);
  };
  const byOccurs = (occurs: string): CompiledRecord[] => compiled.records.filter((r) => r.occurs === occurs);
  const details = byOccurs('many');
  const batchHeader = byOccurs('batchHeader')[0];
  const batchTrailer = byOccurs('batchTrailer')[0];
  for (const header of byOccurs('first')) write(header, 0);
  for (let batch = 0; batch < (batchHeader ? 2 : 1); batch++) {
    if (batchHeader) write(batchHeader, batch);
    for (const detail of details) for (const variant of [MODERATE, 1, MODERATE]) write(detail, variant);
    if (batchTrailer) write(batchTrailer, batch);
  }
  for (const trailer of byOccurs('last')) write(trailer, 0);
  return lines;
}

describe.each(FIXED_IDS)('round trip of layout %s', (id) => {
  const compiled = compileLayout(fixedLayout(id));

  it('formats every record type from valid values and parses it back unchanged', () => {
    for (const record of compiled.records) {
      for (const variant of [0, 1]) {
        const values = sampleRecord(record.def, variant);
        const { line, truncated } = compiled.format(record.name, values);
        expect(line).toHaveLength(compiled.recordLength);
        expect(truncated).toEqual([]);
        const parsed = compiled.parse(line);
        expect(parsed.issues, `${record.name} variant ${variant}`).toEqual([]);
        expect(parsed.record).toBe(record);
        expect(parsed.values).toEqual(expectedRead(record, values));
        // Writing what was read gives the same bytes.
        expect(compiled.format(record.name, parsed.values).line).toBe(line);
      }
    }
  });

  for (const eol of ['\n', '\r\n']) {
    it(`reads a whole valid file back with ${eol === '\n' ? 'LF' : 'CRLF'} line ends`, async () => {
      const lines = validFileLines(compiled);
      const file = path.join(tmp, `${id}-${eol.length}.txt`);
      fs.writeFileSync(file, lines.map((l) => l + eol).join(''), 'latin1');
      const accepted: AcceptedRecord[] = [];
      const result = await readFixedWidthFile({
        compiled,
        path: file,
        fileName: path.basename(file),
        onRecord: (rec) => accepted.push(rec),
        onDiscard: () => {
          throw new Error('nothing to discard in a valid file');
        },
      });
      expect(result.rejects).toEqual([]);
      expect(result).toMatchObject({ read: lines.length, loaded: lines.length, rejected: 0 });
      expect(accepted.map((a) => a.line)).toEqual(lines.map((_, i) => i + 1));
      accepted.forEach((rec, i) => expect(rec.values).toEqual(compiled.parse(lines[i]!).values));
      const total = Object.values(result.recordCounts).reduce((a, b) => a + b, 0);
      expect(total).toBe(lines.length);
    });
  }
});
