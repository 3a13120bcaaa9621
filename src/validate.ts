/**
 * `csebatch validate <file> --layout <id>`: checks one file against any layout, inbound or
 * outbound, with the same reader the nightly run uses, so an operator sees exactly the errors a
 * run would reject (line, record type, field, positions, masked value, reason).
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { parse as parseCsv } from 'csv-parse/sync';
import { loadLayout } from './layout/registry.ts';
import { compileLayout } from './layout/codec.ts';
import { readFixedWidthFile } from './inbound/fixedWidthReader.ts';
import { validateCsvFile } from './layout/csvSchema.ts';
import { FIXED_WIDTH_INBOUND } from './interfaces.ts';
import { withMetro2Checks } from './validate/metro2.ts';
import type { RejectRow } from './types.ts';

export interface ValidationReport {
  file: string;
  layout: string;
  valid: boolean;
  format: 'fixed' | 'csv';
  /** physical lines read (fixed-width files; CSV records may span lines) */
  lines: number | null;
  rejectedLines: number;
  /** with `unmask`: `value` is the field's raw text, read back from the file at its line and positions */
  errors: Array<RejectRow & { value?: string }>;
}

/**
 * `validate --unmask` (issue 14.6): the raw value of each field-level error, read back from the file
 * at its line and positions (fixed width) or column (CSV). The readers only ever hold masked values.
 */
async function unmaskErrors(file: string, format: 'fixed' | 'csv', errors: RejectRow[]): Promise<Array<RejectRow & { value?: string }>> {
  const wanted = new Set(errors.filter((e) => e.line > 0 && e.start !== null && e.valueMasked !== '').map((e) => e.line));
  const lines = new Map<number, string>();
  if (wanted.size > 0) {
    const rl = readline.createInterface({ input: fs.createReadStream(file, { encoding: 'latin1' }), crlfDelay: Infinity });
    let n = 0;
    for await (const line of rl) {
      if (wanted.has(++n)) lines.set(n, line);
      if (lines.size === wanted.size) break;
    }
    rl.close();
  }
  return errors.map((e) => {
    const line = lines.get(e.line);
    if (line === undefined || e.start === null) return e;
    if (format === 'fixed') return { ...e, value: line.slice(e.start - 1, e.end ?? e.start) };
    try {
      const cells = (parseCsv(Buffer.from(line, 'latin1').toString('utf8'), { relax_column_count: true }) as string[][])[0] ?? [];
      return cells[e.start - 1] === undefined ? e : { ...e, value: cells[e.start - 1]! };
    } catch {
      return e; // a record spanning lines or broken quoting: the masked value stays
    }
  });
}

export async function validateFile(file: string, layoutId: string, opts: { unmask?: boolean } = {}): Promise<ValidationReport> {
  const report = await validateMasked(file, layoutId);
  return opts.unmask ? { ...report, errors: await unmaskErrors(file, report.format, report.errors) } : report;
}

async function validateMasked(file: string, layoutId: string): Promise<ValidationReport> {
  const layout = loadLayout(layoutId);
  const name = path.basename(file);
  if (layout.format === 'csv') {
    const errors = await validateCsvFile(file, layoutId);
    const rejectedLines = new Set(errors.map((e) => e.line)).size;
    return { file: name, layout: layoutId, valid: errors.length === 0, format: 'csv', lines: null, rejectedLines, errors };
  }
  // The interface's own reading rules (overpunch tolerance, file-fatal fields) apply here too.
  const spec = FIXED_WIDTH_INBOUND.find((s) => s.id === layoutId);
  const compiled = compileLayout(layout, { signedOverpunch: spec?.signedOverpunch ?? [] });
  const result = await readFixedWidthFile({
    compiled,
    path: file,
    fileName: name,
    onRecord: () => {},
    onDiscard: () => {},
    ...(spec?.fileFatalFields ? { fileFatalFields: spec.fileFatalFields } : {}),
    ...(spec?.tolerateLength ? { tolerateLength: spec.tolerateLength } : {}),
  });
  // Metro 2: the bureaus' cross-field edits on top of the layout (src/validate/metro2.ts).
  const checked =
    layoutId === 'metro2'
      ? await withMetro2Checks(compiled, file, name, result.rejects)
      : { errors: result.rejects, rejectedLines: result.rejected };
  return {
    file: name,
    layout: layoutId,
    valid: checked.errors.length === 0,
    format: 'fixed',
    lines: result.read,
    rejectedLines: checked.rejectedLines,
    errors: checked.errors,
  };
}
