/**
 * Tables of the wire formats (README section 3) that the codec's closures (codec.ts) and its
 * generated functions (codegen.ts) both use: one definition, so the two paths cannot disagree.
 */
import type { DateFormat } from './schema.ts';

const ZERO = 48;

/**
 * Trailing overpunch: the last byte carries the last digit and the sign. Index = char code; value
 * = digit + 1 for positive, -(digit + 1) for negative, 0 for "not an overpunch byte". Plain digits
 * are accepted as positive (unsigned zoned, README section 3).
 */
export const OVERPUNCH = new Int8Array(128);
for (let d = 0; d <= 9; d++) {
  OVERPUNCH[ZERO + d] = d + 1;
  OVERPUNCH['{ABCDEFGHI'.charCodeAt(d)] = d + 1;
  OVERPUNCH['}JKLMNOPQR'.charCodeAt(d)] = -(d + 1);
}
export const POSITIVE_OVERPUNCH = '{ABCDEFGHI';
export const NEGATIVE_OVERPUNCH = '}JKLMNOPQR';

/** Offsets of each part inside a date field, per format (the format's own structure, not the layout's). */
export interface DateParts {
  year: number;
  month: number;
  day: number;
  /** -1 when the format has no time */
  hour: number;
}
export const DATE_PARTS: Readonly<Record<DateFormat, DateParts>> = {
  CCYYMMDD: { year: 0, month: 4, day: 6, hour: -1 },
  MMDDYYYY: { year: 4, month: 0, day: 2, hour: -1 },
  MMDDYYYYHHMMSS: { year: 4, month: 0, day: 2, hour: 8 },
};
