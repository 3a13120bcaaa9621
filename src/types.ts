/**
 * Shapes shared across the pipeline: reject rows, reason codes, values read from or written to
 * fixed-width and CSV files. Every module speaks these; nothing here does any work.
 */

/** Reject reasons of OPERATIONS.md ("Rejects"). */
export const REJECT_REASONS = [
  'LINE_LENGTH',
  'UNKNOWN_RECORD',
  'NON_ASCII',
  'BAD_NUMBER',
  'BAD_OVERPUNCH',
  'BAD_DATE',
  'BAD_CODE',
  'MISSING_REQUIRED',
  'BAD_CSV',
  'DUPLICATE_KEY',
  'DANGLING_REFERENCE',
  'STRUCTURE',
  'CONTROL_MISMATCH',
  'FILE_REJECTED',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/**
 * One row of `<out>/<date>/rejects/<interface>.rejects.csv`, also stored in the `rejects` table.
 * `value` is already masked (every character but the last 4 replaced by `*`): raw values never
 * leave the reader.
 */
export interface RejectRow {
  /** file name relative to the interface folder of the business date (e.g. `fidm-2026q4.txt`) */
  file: string;
  /** physical line, 1-based (a CSV header is line 1); 0 for a whole-file problem with no line */
  line: number;
  /** layout record name (`bRecord`, `detail`, `participants.csv`...), '' when the line matched none */
  recordType: string;
  /** layout field / CSV column name, '' for line- or file-level problems */
  field: string;
  /** 1-based start position of the field, null for line- or file-level problems */
  start: number | null;
  /** 1-based inclusive end position of the field, null for line- or file-level problems */
  end: number | null;
  valueMasked: string;
  reason: RejectReason;
  /** human explanation for operators (never contains an unmasked value) */
  message: string;
}

/**
 * A field value as the codec hands it over:
 * - A / AN: string with trailing spaces stripped; null when all spaces
 * - N without `decimals` (identifiers, codes, counts): the digit string as written; null when all spaces
 * - N with `decimals`, SN: integer in minor units (123456 for 1234.56 with decimals 2); null when all spaces
 * - DATE: ISO `YYYY-MM-DD` (or `YYYY-MM-DDTHH:MM:SS` for MMDDYYYYHHMMSS); null for all zeros / all spaces
 * FILLER fields are never reported.
 */
export type FieldValue = string | number | null;
export type RecordValues = Record<string, FieldValue>;

/** Masks a value for logs and rejects: every character but the last 4 becomes `*`. */
export function maskValue(raw: string): string {
  if (raw.length <= 4) return raw;
  return '*'.repeat(raw.length - 4) + raw.slice(-4);
}
