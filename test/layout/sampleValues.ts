/**
 * Valid sample values for any field of any layout, generated from the field definition alone, so
 * round-trip tests cover every layout without hand-written records. `variant` varies the values
 * (0 = full width, 1 = short/edge, 2 = like 0 with moderate amounts) so both full-width and padded forms are exercised.
 */
import type { FieldValue, RecordValues } from '../../src/types.ts';
import type { FieldDef, RecordTypeDef } from '../../src/layout/schema.ts';

const LETTERS = 'QWERTYUIOPASDFGHJKLZXCVBNM';
/** Variant whose amounts are small enough to be summed into totals of the same width. */
export const MODERATE = 2;
const DIGITS = '9876543210';

export function sampleValue(field: FieldDef, variant = 0): FieldValue | undefined {
  if (field.type === 'FILLER') return undefined;
  if (field.const !== undefined) return logicalConst(field);
  if (field.codes !== undefined) {
    const codes = Object.keys(field.codes);
    const nonZero = codes.filter((c) => !/^0+$/.test(c));
    const pool = nonZero.length > 0 ? nonZero : codes;
    return field.type === 'N' && field.decimals !== undefined ? Number(pool[variant % pool.length]) : pool[variant % pool.length]!;
  }
  const short = variant % 2 === 1;
  switch (field.type) {
    case 'A':
      return repeatTo(LETTERS, short ? Math.min(1, field.length) : field.length).replace(/(.)$/, 'Z');
    case 'AN':
      return ('X' + repeatTo("A1 B-2/C.3&D'4", short ? Math.min(3, field.length) : field.length)).slice(0, field.length).trimEnd() || 'X';
    case 'N': {
      const length = short ? 1 : field.length;
      const digits = repeatTo(DIGITS, length);
      if (field.decimals === undefined) return digits;
      return variant === MODERATE ? Math.min(12345, 10 ** field.length - 1) : Number(digits.slice(0, Math.min(length, 15)));
    }
    case 'SN': {
      if (variant === MODERATE) return -Math.min(12345, 10 ** field.length - 1);
      const magnitude = Number(repeatTo(DIGITS, short ? 1 : Math.min(field.length, 15)));
      return short ? magnitude : -magnitude;
    }
    case 'DATE':
      if (field.dateFormat === 'MMDDYYYYHHMMSS') return short ? '2000-01-01T00:00:00' : '2024-02-29T23:59:58';
      return short ? '1999-12-31' : '2024-02-29';
  }
}

/** The value the reader hands over for a const field. */
export function logicalConst(field: FieldDef): FieldValue {
  const value = field.const ?? '';
  if (field.type === 'N' && field.decimals !== undefined) return Number(value);
  return value.trimEnd();
}

/** Every non-filler field of the record with a sample value. */
export function sampleRecord(record: RecordTypeDef, variant = 0): RecordValues {
  const values: RecordValues = {};
  for (const field of record.fields) {
    const value = sampleValue(field, variant);
    if (value !== undefined) values[field.name] = value;
  }
  return values;
}

function repeatTo(pattern: string, length: number): string {
  return pattern.repeat(Math.ceil(length / pattern.length) + 1).slice(0, length);
}
