/**
 * Fixed-width codec: compiles a layout ONCE into per-field closures (positions, blanks, constants
 * and code sets precomputed), then parses and formats lines without interpreting the layout again.
 * Positions come only from the layout JSON; the offsets below are 0-based copies of them.
 * On top of the closures, one parse and one format function per record type are generated
 * (codegen.ts) for clean lines and plain values; the closures handle everything else and are the
 * reference those functions are tested against (`CompileOptions.reference`).
 *
 * Reading collects every problem of a line (one issue per field at most), each naming the field,
 * its positions and the masked value: raw values never leave this module in messages.
 * Writing refuses what the ICD says must not be written (FormatError) and truncates only the
 * name/address/free-text fields that README section 3 allows.
 */
import { maskValue, type FieldValue, type RecordValues, type RejectReason } from '../types.ts';
import { generateFormat, generateParse, type GeneratedFormat, type GeneratedParse } from './codegen.ts';
import { DATE_PARTS, NEGATIVE_OVERPUNCH, OVERPUNCH, POSITIVE_OVERPUNCH } from './wireTables.ts';
import { LayoutError, type DateFormat, type FieldDef, type FieldType, type FixedLayout, type Occurs, type RecordTypeDef } from './schema.ts';

// ---------------------------------------------------------------------------------------------
// Public types

/** One problem found on a line. `field` is '' and positions null for line-level problems. */
export interface FieldIssue {
  reason: RejectReason;
  field: string;
  start: number | null;
  end: number | null;
  valueMasked: string;
  message: string;
}

export interface ParsedLine {
  /** record type recognised by its key bytes (even on a wrong-length line), null when none matched */
  record: CompiledRecord | null;
  /**
   * Values of the fields that parsed cleanly (FILLER omitted). A field that failed is ABSENT, so
   * `name in values` tells "blank (null)" from "unreadable". Empty when the line length is wrong.
   */
  values: RecordValues;
  /** empty (shared, frozen) array for a clean line */
  issues: readonly FieldIssue[];
}

export interface FormattedRecord {
  line: string;
  /** names of the fields whose value was cut to the field length (README section 3) */
  truncated: string[];
}

export interface CompiledField {
  readonly def: FieldDef;
  readonly name: string;
  readonly type: FieldType;
  /** 1-based, inclusive */
  readonly start: number;
  readonly end: number;
  readonly length: number;
  /** A/AN name, address or free-text field: cut instead of refused when too long */
  readonly truncatable: boolean;
  /** the value as the codec hands it over, or a fault */
  readonly decode: (line: string) => FieldValue | FieldFault;
  /** the field's bytes for a value; throws FormatError */
  readonly encode: (value: FieldValue | undefined, truncated: string[]) => string;
}

export interface CompiledRecord {
  readonly def: RecordTypeDef;
  readonly name: string;
  /** position in layout.recordTypes */
  readonly index: number;
  readonly occurs: Occurs;
  /** every field, FILLER included, in position order */
  readonly fields: readonly CompiledField[];
  readonly fieldByName: ReadonlyMap<string, CompiledField>;
  /** does the line carry this record type's key bytes? (a short line may still carry them) */
  readonly matchesKey: (line: string) => boolean;
}

export interface CompiledLayout {
  readonly layout: FixedLayout;
  readonly recordLength: number;
  readonly records: readonly CompiledRecord[];
  /** throws for a name that is not a record type of the layout (a programming error) */
  recordByName(name: string): CompiledRecord;
  identify(line: string): CompiledRecord | null;
  /** `line` without its line end */
  parse(line: string): ParsedLine;
  format(recordName: string, values: Partial<RecordValues>): FormattedRecord;
}

export interface CompileOptions {
  /**
   * 'record.field' N fields (with decimals) that readers must also accept in signed zoned form,
   * e.g. FIDM 'bRecord.accountBalance' (fidm notes). Writers still write them as N.
   */
  signedOverpunch?: string[];
  /**
   * Parse and format with the per-field closures only, not the generated functions (codegen.ts).
   * The reference the generated codec is tested against; never needed in production.
   */
  reference?: boolean;
}

/** A value that cannot be written where the caller asked. The record must not be written. */
export class FormatError extends Error {
  override readonly name = 'FormatError';
  readonly reason = 'UNWRITABLE_VALUE' as const;
  constructor(
    readonly recordType: string,
    readonly field: string,
    readonly start: number | null,
    readonly end: number | null,
    readonly valueMasked: string,
    problem: string,
  ) {
    super(`${recordType}.${field}${start === null ? '' : ` (${start}-${end})`}: ${problem}${valueMasked === '' ? '' : `; value '${valueMasked}'`}`);
  }
}

/** Why a field could not be read; preallocated per field and reason (no allocation per bad value). */
export class FieldFault {
  constructor(
    readonly reason: RejectReason,
    readonly problem: string,
  ) {}
}

// ---------------------------------------------------------------------------------------------
// Constants of the ICD (README section 3)

const SPACE = 32;
const ZERO = 48;
const NINE = 57;
const NOT_PRINTABLE = /[^\x20-\x7E]/;
const NOT_PRINTABLE_ALL = /[^\x20-\x7E]/g;
const NOT_PRINTABLE_CODE_POINTS = /[^\x20-\x7E]/gu;
const ONLY_PRINTABLE = /^[\x20-\x7E]*$/;
const ONLY_ALPHA = /^[A-Z ]*$/;
const DIGITS = /^[0-9]+$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2}))?$/;
const TRUNCATABLE_NAME = /(?:Name|Names|Line1|Line2|City|CityState|Street|Title|Text|Description|Address|Agency)$/i;
const FREE_TEXT_NAME = /(?:Title|Text|Description)$/i;
const EMPTY_ISSUES: readonly FieldIssue[] = Object.freeze([]);


/** Letters NFD does not decompose into a base letter plus marks. */
const LIGATURES: Readonly<Record<string, string>> = {
  Æ: 'AE', æ: 'ae', Ø: 'O', ø: 'o', ß: 'SS', ẞ: 'SS', Œ: 'OE', œ: 'oe',
  Đ: 'D', đ: 'd', Ð: 'D', ð: 'd', Ł: 'L', ł: 'l', Þ: 'TH', þ: 'th', ı: 'i',
};
const LIGATURE_CHARS = new RegExp(`[${Object.keys(LIGATURES).join('')}]`, 'g');
const COMBINING_MARKS = /\p{M}/gu;

/** Writers' character rule: accented Latin → base letter, any other non-printable → space. */
export function toWireText(text: string): string {
  if (ONLY_PRINTABLE.test(text)) return text;
  return text
    .replace(LIGATURE_CHARS, (c) => LIGATURES[c] ?? ' ')
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .replace(NOT_PRINTABLE_CODE_POINTS, ' ');
}

/** README section 3: which A/AN fields are cut (not refused) when too long — by name alone. */
export function isTruncatableField(field: Pick<FieldDef, 'name' | 'type'>): boolean {
  return (field.type === 'A' || field.type === 'AN') && TRUNCATABLE_NAME.test(field.name);
}

/** Names and addresses are written upper case; free text (Title, Text, Description) keeps its case. */
function isUpperCasedField(field: FieldDef): boolean {
  return field.type === 'A' || (isTruncatableField(field) && !FREE_TEXT_NAME.test(field.name));
}

// ---------------------------------------------------------------------------------------------
// Compilation

export function compileLayout(layout: FixedLayout, options: CompileOptions = {}): CompiledLayout {
  const signed = resolveSignedOverpunch(layout, options.signedOverpunch ?? []);
  const records = layout.recordTypes.map((def, index) => compileRecord(def, index, signed));
  const byName = new Map(records.map((r) => [r.name, r]));
  const readers = records.map((r) => compileRecordReader(r.fields));
  const recordLength = layout.recordLength;

  const recordByName = (name: string): CompiledRecord => {
    const record = byName.get(name);
    if (record === undefined) throw new Error(`layout ${layout.id}: no record type ${JSON.stringify(name)}`);
    return record;
  };

  const identify = (line: string): CompiledRecord | null => {
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      if (record.matchesKey(line)) return record;
    }
    return null;
  };

  // One generated parse and format function per record type (codegen.ts); the closures remain the
  // slow path (lines with issues, values that need more than a copy) and the reference.
  const generated = options.reference === true ? null : records.map((r) => generateRecordCodec(r, signed));

  const parse = (line: string): ParsedLine => {
    const record = identify(line);
    const nonPrintable = !ONLY_PRINTABLE.test(line);
    if (line.length !== recordLength) {
      const issues = [lineLengthIssue(line.length, recordLength, record)];
      if (nonPrintable) issues.push(lineNonPrintableIssue(line));
      return { record, values: {}, issues };
    }
    if (record === null) {
      const issues = [unknownRecordIssue(line, records)];
      if (nonPrintable) issues.push(lineNonPrintableIssue(line));
      return { record, values: {}, issues };
    }
    if (generated !== null && !nonPrintable) {
      const values = generated[record.index]!.parse(line);
      if (values !== null) return { record, values, issues: EMPTY_ISSUES };
    }
    return parseRecord(record, readers[record.index]!, line, nonPrintable);
  };

  // Per record type, the names of the last values object whose names all passed checkFieldNames,
  // in for-in order: a writer gives the same names record after record, and comparing them (interned
  // strings: one pointer compare each) costs ~0.1 µs for the 120 DTL fields where a Map lookup per
  // name cost ~0.9 µs (measured). Any other list of names is checked name by name as before.
  const checkedNames: string[][] = records.map(() => []);

  const format = (recordName: string, values: Partial<RecordValues>): FormattedRecord => {
    const record = recordByName(recordName);
    if (generated === null) return formatRecord(record, values);
    const known = checkedNames[record.index]!;
    let n = 0;
    let same = true;
    for (const name in values) {
      if (name !== known[n]) {
        same = false;
        break;
      }
      n++;
    }
    if (!same || n !== known.length) {
      checkFieldNames(record, values);
      checkedNames[record.index] = namesOf(values);
    }
    const truncated: string[] = [];
    return { line: generated[record.index]!.format(values, truncated), truncated };
  };

  return { layout, recordLength, records, recordByName, identify, parse, format };
}

function resolveSignedOverpunch(layout: FixedLayout, names: readonly string[]): Set<FieldDef> {
  const fields = new Set<FieldDef>();
  for (const qualified of names) {
    const [recordName, fieldName] = qualified.split('.');
    const field = layout.recordTypes.find((r) => r.name === recordName)?.fields.find((f) => f.name === fieldName);
    if (field === undefined || field.type !== 'N' || field.decimals === undefined) {
      throw new LayoutError(`layout ${layout.id}: signedOverpunch ${qualified}: not an N field with decimals`);
    }
    fields.add(field);
  }
  return fields;
}

interface RecordCodec {
  parse: GeneratedParse;
  format: GeneratedFormat;
}

function generateRecordCodec(record: CompiledRecord, signed: ReadonlySet<FieldDef>): RecordCodec {
  const fields = record.fields.map((f) => ({
    def: f.def,
    name: f.name,
    start: f.start,
    length: f.length,
    upperCased: isUpperCasedField(f.def),
    overpunch: signed.has(f.def),
    decode: f.decode,
    encode: f.encode,
  }));
  return { parse: generateParse(fields), format: generateFormat(fields) };
}

function compileRecord(def: RecordTypeDef, index: number, signed: ReadonlySet<FieldDef>): CompiledRecord {
  const fields = def.fields.map((f) => compileField(def.name, f, signed.has(f)));
  return {
    def,
    name: def.name,
    index,
    occurs: def.occurs,
    fields,
    fieldByName: new Map(fields.map((f) => [f.name, f])),
    matchesKey: compileKey(def),
  };
}

function compileKey(def: RecordTypeDef): (line: string) => boolean {
  const parts = def.key.map((p) => ({ offset: p.start - 1, value: p.value }));
  if (parts.length === 0) return () => true;
  if (parts.length === 1) {
    const { offset, value } = parts[0]!;
    if (value.length === 1) {
      const code = value.charCodeAt(0);
      return (line) => line.charCodeAt(offset) === code;
    }
    return (line) => holdsAt(line, offset, value);
  }
  return (line) => parts.every((p) => holdsAt(line, p.offset, p.value));
}

function compileField(recordName: string, def: FieldDef, acceptOverpunch: boolean): CompiledField {
  const field = {
    def,
    name: def.name,
    type: def.type,
    start: def.start,
    end: def.start + def.length - 1,
    length: def.length,
    truncatable: isTruncatableField(def),
  };
  return {
    ...field,
    decode: compileDecoder(def, acceptOverpunch),
    encode: compileEncoder(recordName, def, field.end, field.truncatable),
  };
}

// ---------------------------------------------------------------------------------------------
// Reading

function parseRecord(record: CompiledRecord, reader: RecordReader, line: string, nonPrintable: boolean): ParsedLine {
  const { fields, scratch } = reader;
  let issues: FieldIssue[] | null = null;
  let failed: string[] | null = null;
  const badFields = nonPrintable ? fieldsWithNonPrintable(record, line) : null;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    const value = badFields !== null && badFields.has(field) ? NON_PRINTABLE_FAULT : field.decode(line);
    if (typeof value === 'object' && value !== null) {
      (issues ??= []).push(fieldIssue(record, field, line, value));
      (failed ??= []).push(field.name);
      scratch[i] = null;
    } else {
      scratch[i] = value;
    }
  }
  const values = reader.build(scratch);
  if (failed !== null) for (const name of failed) delete values[name];
  // Non-printable bytes in FILLER are reported too: filler content is tolerated, not its encoding.
  if (badFields !== null) {
    for (const field of badFields) if (field.type === 'FILLER') (issues ??= []).push(fieldIssue(record, field, line, NON_PRINTABLE_FAULT));
  }
  return { record, values, issues: issues ?? EMPTY_ISSUES };
}

const NON_PRINTABLE_FAULT = new FieldFault('NON_ASCII', 'bytes outside printable ASCII 0x20-0x7E');

/**
 * Per record type: the non-FILLER fields in order and a factory that builds the values object
 * from an array of decoded values. The factory is generated once per record type as a single
 * object literal, so every values object of a record type has the same hidden class: building it
 * with 30-100 dynamic property stores per line costs ~20× more in V8 and dominated parse time.
 * Only the field names (as JSON string literals) go into the generated source.
 */
interface RecordReader {
  fields: readonly CompiledField[];
  scratch: FieldValue[];
  build: (values: readonly FieldValue[]) => RecordValues;
}

function compileRecordReader(fields: readonly CompiledField[]): RecordReader {
  const readable = fields.filter((f) => f.type !== 'FILLER');
  // `"__proto__": x` in a literal would set the prototype instead of a property (registry refuses the name too).
  const unsafe = readable.find((f) => f.name === '__proto__');
  if (unsafe !== undefined) throw new LayoutError(`field name ${unsafe.name} cannot be used`);
  const literal = readable.map((f, i) => `${JSON.stringify(f.name)}: v[${i}]`).join(', ');
  const build = new Function('v', `return { ${literal} };`) as (values: readonly FieldValue[]) => RecordValues;
  return { fields: readable, scratch: new Array<FieldValue>(readable.length).fill(null), build };
}

/** Slow path, only for lines that failed the printable test: which fields hold the bad bytes. */
function fieldsWithNonPrintable(record: CompiledRecord, line: string): Set<CompiledField> {
  const bad = new Set<CompiledField>();
  for (const match of line.matchAll(NOT_PRINTABLE_ALL)) {
    const pos = match.index + 1;
    const field = record.fields.find((f) => pos >= f.start && pos <= f.end);
    if (field !== undefined) bad.add(field);
  }
  return bad;
}

function fieldIssue(record: CompiledRecord, field: CompiledField, line: string, fault: FieldFault): FieldIssue {
  const valueMasked = maskValue(line.slice(field.start - 1, field.end));
  return {
    reason: fault.reason,
    field: field.name,
    start: field.start,
    end: field.end,
    valueMasked,
    message: `${record.name}.${field.name} (${field.start}-${field.end}): ${fault.problem}; value '${valueMasked}'`,
  };
}

function lineLengthIssue(length: number, recordLength: number, record: CompiledRecord | null): FieldIssue {
  const recognised = record === null ? 'no record type recognised' : `${record.name} by its key`;
  return lineIssue('LINE_LENGTH', '', `line is ${length} bytes, expected ${recordLength} (${recognised})`);
}

function lineNonPrintableIssue(line: string): FieldIssue {
  const first = line.search(NOT_PRINTABLE) + 1;
  return lineIssue('NON_ASCII', '', `line has bytes outside printable ASCII 0x20-0x7E, first at position ${first}`);
}

function unknownRecordIssue(line: string, records: readonly CompiledRecord[]): FieldIssue {
  const expected = records.map((r) => `${r.name} ${r.def.key.map((k) => `'${k.value}' at ${k.start}-${k.start + k.length - 1}`).join(' + ')}`);
  const spans = new Map<string, string>();
  for (const part of records.flatMap((r) => r.def.key)) {
    const span = `${part.start}-${part.start + part.length - 1}`;
    if (!spans.has(span)) spans.set(span, maskValue(line.slice(part.start - 1, part.start - 1 + part.length)));
  }
  const found = [...spans].map(([span, bytes]) => `'${bytes}' at ${span}`).join(', ');
  const firstFound = spans.values().next().value ?? '';
  return lineIssue('UNKNOWN_RECORD', firstFound, `line matches no record type (expected ${expected.join('; ')}; found ${found})`);
}

function lineIssue(reason: RejectReason, valueMasked: string, message: string): FieldIssue {
  return { reason, field: '', start: null, end: null, valueMasked, message };
}

type Decoder = (line: string) => FieldValue | FieldFault;

function compileDecoder(def: FieldDef, acceptOverpunch: boolean): Decoder {
  const base = baseDecoder(def, acceptOverpunch);
  if (def.const === undefined) return base;
  // A constant is checked on its wire image, and its value is precomputed.
  const offset = def.start - 1;
  const image = def.const.padEnd(def.length, ' ');
  const value = base(' '.repeat(offset) + image);
  const fault = new FieldFault('BAD_CODE', `expected the constant '${def.const}'`);
  return (line) => (holdsAt(line, offset, image) ? value : fault);
}

function baseDecoder(def: FieldDef, acceptOverpunch: boolean): Decoder {
  switch (def.type) {
    case 'A':
    case 'AN':
      return textDecoder(def);
    case 'N':
      if (acceptOverpunch) return signedDecoder(def, 'BAD_NUMBER');
      return def.decimals === undefined ? digitStringDecoder(def) : amountDecoder(def);
    case 'SN':
      return signedDecoder(def, 'BAD_OVERPUNCH');
    case 'DATE':
      return dateDecoder(def, def.dateFormat ?? 'CCYYMMDD');
    case 'FILLER':
      return () => null;
  }
}

/**
 * Byte comparisons in plain loops: String.prototype.startsWith with a position costs ~300 ns per
 * call in Node 20 (measured), which alone halved parse throughput; these cost a few ns per byte.
 */
function holdsAt(line: string, offset: number, image: string): boolean {
  for (let i = 0; i < image.length; i++) if (line.charCodeAt(offset + i) !== image.charCodeAt(i)) return false;
  return true;
}

function isFilledWith(line: string, offset: number, limit: number, code: number): boolean {
  for (let i = offset; i < limit; i++) if (line.charCodeAt(i) !== code) return false;
  return true;
}

const missing = (def: FieldDef): FieldFault => new FieldFault('MISSING_REQUIRED', `required ${def.type} field is blank`);

function codeFault(def: FieldDef): FieldFault {
  const codes = Object.keys(def.codes ?? {});
  const listed = codes.length > 12 ? `${codes.slice(0, 12).join(', ')}, ...` : codes.join(', ');
  return new FieldFault('BAD_CODE', `not one of the codes ${listed}`);
}

/** A / AN: trailing spaces stripped, null when blank; A holds only A-Z and space. */
function textDecoder(def: FieldDef): Decoder {
  const offset = def.start - 1;
  const limit = offset + def.length;
  const required = def.required ? missing(def) : null;
  const codes = def.codes === undefined ? null : new Set(Object.keys(def.codes));
  const badCode = codeFault(def);
  const alphaOnly = def.type === 'A';
  const notAlpha = new FieldFault('BAD_CODE', 'an A field holds only letters A-Z and spaces');
  // slice + native trimEnd: about twice as fast as a JS loop over trailing spaces (measured).
  // trimEnd also strips tabs etc., but those are non-printable: such a field is reported NON_ASCII
  // before it is decoded.
  return (line) => {
    const value = line.slice(offset, limit).trimEnd();
    if (value === '') return required;
    if (alphaOnly) {
      for (let i = 0; i < value.length; i++) {
        const c = value.charCodeAt(i);
        if (c !== SPACE && (c < 65 || c > 90)) return notAlpha;
      }
    }
    if (codes !== null && !codes.has(value)) return badCode;
    return value;
  };
}

/** N without decimals (identifiers, codes, counts): the digit string as written. */
function digitStringDecoder(def: FieldDef): Decoder {
  const offset = def.start - 1;
  const limit = offset + def.length;
  const required = def.required ? missing(def) : null;
  const codes = def.codes === undefined ? null : new Set(Object.keys(def.codes));
  const badCode = codeFault(def);
  const notDigits = numberFault();
  return (line) => {
    if (line.charCodeAt(offset) === SPACE && isFilledWith(line, offset, limit, SPACE)) return required;
    for (let i = offset; i < limit; i++) {
      const c = line.charCodeAt(i);
      if (c < ZERO || c > NINE) return notDigits;
    }
    const value = line.slice(offset, limit);
    if (codes !== null && !codes.has(value)) return badCode;
    return value;
  };
}

function numberFault(): FieldFault {
  return new FieldFault('BAD_NUMBER', 'an N field holds only digits (all spaces = null)');
}

/** N with decimals: integer in minor units, computed from the bytes without a substring. */
function amountDecoder(def: FieldDef): Decoder {
  const offset = def.start - 1;
  const limit = offset + def.length;
  const required = def.required ? missing(def) : null;
  const notDigits = numberFault();
  const codes = def.codes === undefined ? null : new Set(Object.keys(def.codes));
  const badCode = codeFault(def);
  return (line) => {
    if (line.charCodeAt(offset) === SPACE && isFilledWith(line, offset, limit, SPACE)) return required;
    let n = 0;
    for (let i = offset; i < limit; i++) {
      const c = line.charCodeAt(i);
      if (c < ZERO || c > NINE) return notDigits;
      n = n * 10 + (c - ZERO);
    }
    if (codes !== null && !codes.has(line.slice(offset, limit))) return badCode;
    return n;
  };
}

/**
 * SN (and N fields that must also accept it): digits, the last byte an overpunch or a plain digit.
 * `leadingReason` is the reason for a non-digit before the last byte: BAD_OVERPUNCH for SN (the
 * whole field is one zoned number), BAD_NUMBER for an N field read leniently.
 */
function signedDecoder(def: FieldDef, leadingReason: 'BAD_NUMBER' | 'BAD_OVERPUNCH'): Decoder {
  const offset = def.start - 1;
  const last = offset + def.length - 1;
  const required = def.required ? missing(def) : null;
  const badLeading =
    leadingReason === 'BAD_NUMBER' ? numberFault() : new FieldFault('BAD_OVERPUNCH', 'an SN field holds digits with an overpunched last byte');
  const badLast = new FieldFault('BAD_OVERPUNCH', "last byte is neither a digit nor an overpunch ({, A-I, }, J-R)");
  return (line) => {
    if (line.charCodeAt(offset) === SPACE && isFilledWith(line, offset, last + 1, SPACE)) return required;
    let n = 0;
    for (let i = offset; i < last; i++) {
      const c = line.charCodeAt(i);
      if (c < ZERO || c > NINE) return badLeading;
      n = n * 10 + (c - ZERO);
    }
    const lastCode = line.charCodeAt(last);
    const punch = lastCode < 128 ? OVERPUNCH[lastCode]! : 0;
    if (punch === 0) return badLast;
    n = n * 10 + Math.abs(punch) - 1;
    return punch < 0 && n !== 0 ? -n : n;
  };
}


function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isRealDateTime(year: number, month: number, day: number, hour: number, minute: number, second: number): boolean {
  return (
    year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) &&
    hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59
  );
}

/** DATE: ISO text; all zeros or all spaces = null. */
function dateDecoder(def: FieldDef, format: DateFormat): Decoder {
  const offset = def.start - 1;
  const limit = offset + def.length;
  const required = def.required ? missing(def) : null;
  const bad = new FieldFault('BAD_DATE', `not a real ${format} date`);
  const parts = DATE_PARTS[format];
  const y = offset + parts.year;
  const m = offset + parts.month;
  const d = offset + parts.day;
  const h = offset + parts.hour;
  const twoDigits = (line: string, at: number): number => (line.charCodeAt(at) - ZERO) * 10 + line.charCodeAt(at + 1) - ZERO;
  return (line) => {
    const first = line.charCodeAt(offset);
    if ((first === ZERO || first === SPACE) && isFilledWith(line, offset, limit, first)) return required;
    for (let i = offset; i < limit; i++) {
      const c = line.charCodeAt(i);
      if (c < ZERO || c > NINE) return bad;
    }
    const year = twoDigits(line, y) * 100 + twoDigits(line, y + 2);
    const month = twoDigits(line, m);
    const day = twoDigits(line, d);
    const date = `${line.slice(y, y + 4)}-${line.slice(m, m + 2)}-${line.slice(d, d + 2)}`;
    if (parts.hour < 0) return isRealDateTime(year, month, day, 0, 0, 0) ? date : bad;
    const hour = twoDigits(line, h);
    const minute = twoDigits(line, h + 2);
    const second = twoDigits(line, h + 4);
    if (!isRealDateTime(year, month, day, hour, minute, second)) return bad;
    return `${date}T${line.slice(h, h + 2)}:${line.slice(h + 2, h + 4)}:${line.slice(h + 4, h + 6)}`;
  };
}

// ---------------------------------------------------------------------------------------------
// Writing

/** A value for a name that is not a field of the record type is a programming error of the writer. */
function checkFieldNames(record: CompiledRecord, values: Partial<RecordValues>): void {
  for (const name in values) {
    if (!record.fieldByName.has(name)) {
      throw new FormatError(record.name, name, null, null, '', `no field ${name} in record type ${record.name}`);
    }
  }
}

/** The names of `values` in for-in order (own and inherited enumerable, as checkFieldNames sees them). */
function namesOf(values: Partial<RecordValues>): string[] {
  const names: string[] = [];
  for (const name in values) names.push(name);
  return names;
}

/** The reference writer: one closure per field, the parts joined. */
function formatRecord(record: CompiledRecord, values: Partial<RecordValues>): FormattedRecord {
  checkFieldNames(record, values);
  const truncated: string[] = [];
  const fields = record.fields;
  const parts = new Array<string>(fields.length);
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    parts[i] = field.encode(values[field.name], truncated);
  }
  // join gives one flat string; `+=` would leave a rope of one node per field, which writers that
  // keep many lines (and readers' charCodeAt) pay for.
  return { line: parts.join(''), truncated };
}

type Encoder = (value: FieldValue | undefined, truncated: string[]) => string;

function compileEncoder(recordName: string, def: FieldDef, end: number, truncatable: boolean): Encoder {
  const fail = (value: unknown, problem: string): never => {
    const masked = value === undefined || value === null ? '' : maskValue(String(value));
    throw new FormatError(recordName, def.name, def.start, end, masked, problem);
  };
  const base = baseEncoder(def, truncatable, fail);
  if (def.const === undefined) return base;
  const image = def.const.padEnd(def.length, ' ');
  return (value, truncated) => {
    if (value === undefined || value === null) return image;
    const bytes = base(value, truncated);
    return bytes === image ? bytes : fail(value, `must be the constant '${def.const}'`);
  };
}

type Fail = (value: unknown, problem: string) => never;

function baseEncoder(def: FieldDef, truncatable: boolean, fail: Fail): Encoder {
  switch (def.type) {
    case 'A':
    case 'AN':
      return textEncoder(def, truncatable, fail);
    case 'N':
      return def.decimals === undefined ? digitStringEncoder(def, fail) : amountEncoder(def, fail);
    case 'SN':
      return signedEncoder(def, fail);
    case 'DATE':
      return dateEncoder(def, def.dateFormat ?? 'CCYYMMDD', fail);
    case 'FILLER': {
      const blank = ' '.repeat(def.length);
      return () => blank;
    }
  }
}

function textEncoder(def: FieldDef, truncatable: boolean, fail: Fail): Encoder {
  const blank = ' '.repeat(def.length);
  const upper = isUpperCasedField(def);
  const codes = def.codes === undefined ? null : new Set(Object.keys(def.codes));
  return (value, truncated) => {
    if (value === undefined || value === null || value === '') return def.required ? fail(value, 'required but missing') : blank;
    if (typeof value !== 'string') return fail(value, `a ${def.type} field takes text, not ${typeof value}`);
    let text = toWireText(value).trimEnd();
    if (upper) text = text.toUpperCase();
    if (text === '') return def.required ? fail(value, 'required but blank') : blank;
    if (def.type === 'A' && !ONLY_ALPHA.test(text)) fail(value, 'an A field holds only letters A-Z and spaces');
    if (codes !== null && !codes.has(text)) fail(value, `not one of the codes ${Object.keys(def.codes ?? {}).join(', ')}`);
    if (text.length > def.length) {
      if (!truncatable) fail(value, `${text.length} characters do not fit in ${def.length}`);
      truncated.push(def.name);
      return text.slice(0, def.length);
    }
    return text.padEnd(def.length, ' ');
  };
}

function digitStringEncoder(def: FieldDef, fail: Fail): Encoder {
  const zeros = '0'.repeat(def.length);
  const codes = def.codes === undefined ? null : new Set(Object.keys(def.codes));
  return (value) => {
    if (value === undefined || value === null || value === '') return def.required ? fail(value, 'required but missing') : zeros;
    let digits: string;
    if (typeof value === 'string' && DIGITS.test(value)) digits = value;
    else if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) digits = String(value);
    else return fail(value, 'an N field takes a digit string or a non-negative integer');
    if (digits.length > def.length) fail(value, `${digits.length} digits do not fit in ${def.length}`);
    const bytes = digits.padStart(def.length, '0');
    if (codes !== null && !codes.has(bytes)) fail(value, `not one of the codes ${Object.keys(def.codes ?? {}).join(', ')}`);
    return bytes;
  };
}

/** N with implied decimals: an integer number of minor units, never negative. */
function amountEncoder(def: FieldDef, fail: Fail): Encoder {
  const zeros = '0'.repeat(def.length);
  const codes = def.codes === undefined ? null : new Set(Object.keys(def.codes));
  return (value) => {
    if (value === undefined || value === null) return def.required ? fail(value, 'required but missing') : zeros;
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      return fail(value, `an amount with ${def.decimals} implied decimals takes an integer number of minor units`);
    }
    if (value < 0) fail(value, 'negative amount in an unsigned N field');
    const digits = String(value);
    if (digits.length > def.length) fail(value, `${digits.length} digits do not fit in ${def.length}`);
    const bytes = digits.padStart(def.length, '0');
    if (codes !== null && !codes.has(bytes)) fail(value, 'not one of the codes');
    return bytes;
  };
}

/** SN: zero-filled digits, the last byte overpunched with digit and sign (zero → '{'). */
function signedEncoder(def: FieldDef, fail: Fail): Encoder {
  const zero = '0'.repeat(def.length - 1) + '{';
  return (value) => {
    if (value === undefined || value === null) return def.required ? fail(value, 'required but missing') : zero;
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) return fail(value, 'an SN field takes an integer number of minor units');
    const digits = String(Math.abs(value));
    if (digits.length > def.length) fail(value, `${digits.length} digits do not fit in ${def.length}`);
    const padded = digits.padStart(def.length, '0');
    const lastDigit = padded.charCodeAt(def.length - 1) - ZERO;
    const punch = (value < 0 ? NEGATIVE_OVERPUNCH : POSITIVE_OVERPUNCH)[lastDigit];
    return padded.slice(0, -1) + punch;
  };
}

/** DATE from 'YYYY-MM-DD' (or 'YYYY-MM-DDTHH:MM:SS' for MMDDYYYYHHMMSS) into the layout's dateFormat. */
function dateEncoder(def: FieldDef, format: DateFormat, fail: Fail): Encoder {
  const zeros = '0'.repeat(def.length);
  const withTime = DATE_PARTS[format].hour >= 0;
  return (value) => {
    if (value === undefined || value === null || value === '') return def.required ? fail(value, 'required but missing') : zeros;
    const match = typeof value === 'string' ? ISO_DATE.exec(value) : null;
    if (match === null) return fail(value, `a DATE field takes 'YYYY-MM-DD'${withTime ? " or 'YYYY-MM-DDTHH:MM:SS'" : ''}`);
    const [, yyyy = '', mm = '', dd = '', hh, mi, ss] = match;
    if (hh !== undefined && !withTime) fail(value, `a ${format} date has no time of day`);
    const time = [hh ?? '00', mi ?? '00', ss ?? '00'];
    if (!isRealDateTime(Number(yyyy), Number(mm), Number(dd), Number(time[0]), Number(time[1]), Number(time[2]))) {
      fail(value, 'not a real calendar date/time');
    }
    switch (format) {
      case 'CCYYMMDD':
        return yyyy + mm + dd;
      case 'MMDDYYYY':
        return mm + dd + yyyy;
      case 'MMDDYYYYHHMMSS':
        return mm + dd + yyyy + time.join('');
    }
  };
}
