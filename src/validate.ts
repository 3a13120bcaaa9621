/**
 * `csebatch validate <file> --layout <id>`: checks one file against any layout, inbound or
 * outbound, with the same reader the nightly run uses, so an operator sees exactly the errors a
 * run would reject (line, record type, field, positions, masked value, reason).
 */
import path from 'node:path';
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
  errors: RejectRow[];
}

export async function validateFile(file: string, layoutId: string): Promise<ValidationReport> {
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
