/**
 * Loads the layout files of schemas/layouts/, checks them once (shape with zod, then the semantic
 * rules of icd README sections 2-5 that a shape cannot express) and caches them per id.
 * A broken layout is a deployment error, so it fails loudly at load with the file and JSON path at
 * fault instead of producing wrong records at 3 a.m.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import {
  LayoutError,
  layoutSchema,
  type ControlDef,
  type CsvLayout,
  type FieldDef,
  type FixedLayout,
  type Layout,
  type RecordTypeDef,
} from './schema.ts';

/** schemas/layouts of this package, found from this source file, never from the working directory. */
const LAYOUT_DIR = fileURLToPath(new URL('../../schemas/layouts/', import.meta.url));
const LAYOUT_ID = /^[a-z0-9-]+$/;
/** Largest digit count whose every value is a safe JS integer (2^53 ≈ 9.007e15). */
const MAX_NUMERIC_DIGITS = 15;

const cache = new Map<string, Layout>();

export function layoutIds(): string[] {
  return fs
    .readdirSync(LAYOUT_DIR)
    .filter((name) => name.endsWith('.json'))
    .map((name) => name.slice(0, -'.json'.length))
    .sort();
}

export function loadLayout(id: string): Layout {
  const cached = cache.get(id);
  if (cached) return cached;
  if (!LAYOUT_ID.test(id)) throw new LayoutError(`layout id ${JSON.stringify(id)} is not a layout file name`);
  const fileName = `${id}.json`;
  const filePath = path.join(LAYOUT_DIR, fileName);
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(filePath, 'utf8'));
  } catch (err) {
    throw new LayoutError(`layout ${fileName}: cannot be read as JSON: ${(err as Error).message}`);
  }
  const layout = validateLayout(json, fileName);
  if (layout.id !== id) throw new LayoutError(`layout ${fileName}: id: is ${JSON.stringify(layout.id)}, expected ${JSON.stringify(id)}`);
  cache.set(id, layout);
  return layout;
}

export function fixedLayout(id: string): FixedLayout {
  const layout = loadLayout(id);
  if (layout.format !== 'fixed') throw new LayoutError(`layout ${id}.json: format: is ${layout.format}, expected fixed`);
  return layout;
}

export function csvLayout(id: string): CsvLayout {
  const layout = loadLayout(id);
  if (layout.format !== 'csv') throw new LayoutError(`layout ${id}.json: format: is ${layout.format}, expected csv`);
  return layout;
}

/** Shape + semantic validation of parsed layout JSON; `fileName` only labels the errors. Exported for tests. */
export function validateLayout(json: unknown, fileName: string): Layout {
  const parsed = layoutSchema.safeParse(json);
  if (!parsed.success) throw new LayoutError(`layout ${fileName}: ${describeZodIssues(parsed.error, json)}`);
  const layout = parsed.data;
  const problems = layout.format === 'fixed' ? checkFixedLayout(layout) : checkCsvLayout(layout);
  if (problems.length > 0) throw new LayoutError(`layout ${fileName}: ${problems.join('; ')}`);
  return layout;
}

// ---------------------------------------------------------------------------------------------
// Error paths

function describeZodIssues(error: z.ZodError, json: unknown): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${jsonPath(issue.path, json)}: ${issue.message}`)
    .join('; ');
}

/** `recordTypes[1](bRecord).fields[3](matchedSsn).type`: indexes plus the names a person searches for. */
function jsonPath(segments: readonly PropertyKey[], root: unknown): string {
  let out = '';
  let node: unknown = root;
  for (const segment of segments) {
    if (typeof segment === 'number') {
      out += `[${segment}]`;
      node = Array.isArray(node) ? node[segment] : undefined;
      const name = isObject(node) && typeof node['name'] === 'string' ? node['name'] : undefined;
      if (name !== undefined) out += `(${name})`;
    } else {
      out += (out === '' ? '' : '.') + String(segment);
      node = isObject(node) ? node[String(segment)] : undefined;
    }
  }
  return out === '' ? '(root)' : out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

const recordPath = (i: number, record: RecordTypeDef): string => `recordTypes[${i}](${record.name})`;
const fieldPath = (i: number, record: RecordTypeDef, j: number, field: FieldDef): string =>
  `${recordPath(i, record)}.fields[${j}](${field.name})`;

// ---------------------------------------------------------------------------------------------
// Fixed-width semantic checks

function checkFixedLayout(layout: FixedLayout): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  layout.recordTypes.forEach((record, i) => {
    if (names.has(record.name)) problems.push(`${recordPath(i, record)}.name: duplicate record type name`);
    names.add(record.name);
    problems.push(...checkTiling(layout.recordLength, record, i));
    record.fields.forEach((field, j) => problems.push(...checkField(field).map((p) => `${fieldPath(i, record, j, field)}: ${p}`)));
    problems.push(...checkKey(layout, record, i));
  });
  problems.push(...checkOccurs(layout));
  if (problems.length === 0) problems.push(...checkKeysExclusive(layout));
  layout.controls.forEach((control, k) => problems.push(...checkControl(layout, control).map((p) => `controls[${k}](${control.record}.${control.field}): ${p}`)));
  return problems;
}

/** Fields tile 1..recordLength exactly, in order (README section 2), with unique names. */
function checkTiling(recordLength: number, record: RecordTypeDef, i: number): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  let expectedStart = 1;
  record.fields.forEach((field, j) => {
    const at = fieldPath(i, record, j, field);
    if (seen.has(field.name)) problems.push(`${at}.name: duplicate field name`);
    if (field.name === '__proto__') problems.push(`${at}.name: reserved name`);
    seen.add(field.name);
    if (field.start !== expectedStart) {
      const what = field.start > expectedStart ? `gap at ${expectedStart}-${field.start - 1}` : `overlaps ${field.start}-${expectedStart - 1}`;
      problems.push(`${at}.start: is ${field.start}, expected ${expectedStart} (${what})`);
    }
    expectedStart = field.start + field.length;
  });
  if (expectedStart - 1 !== recordLength) {
    problems.push(`${recordPath(i, record)}.fields: end at ${expectedStart - 1}, expected recordLength ${recordLength}`);
  }
  return problems;
}

const DIGITS = /^[0-9]+$/;
const ALPHA = /^[A-Z ]*$/;
const PRINTABLE = /^[\x20-\x7E]*$/;

/** Per-field type rules of README section 3. */
function checkField(field: FieldDef): string[] {
  const problems: string[] = [];
  const numeric = field.type === 'N' || field.type === 'SN';
  if (field.decimals !== undefined && !numeric) problems.push(`decimals: only N and SN fields have decimals (type ${field.type})`);
  if (field.type === 'DATE' && field.dateFormat === undefined) problems.push('dateFormat: missing on a DATE field');
  if (field.type !== 'DATE' && field.dateFormat !== undefined) problems.push(`dateFormat: only DATE fields have one (type ${field.type})`);
  if (field.type === 'DATE' && field.dateFormat !== undefined && field.length !== field.dateFormat.length) {
    problems.push(`length: is ${field.length}, dateFormat ${field.dateFormat} needs ${field.dateFormat.length}`);
  }
  if (field.type === 'FILLER' && field.required) problems.push('required: a FILLER field cannot be required');
  if ((field.type === 'SN' || (field.type === 'N' && field.decimals !== undefined)) && field.length > MAX_NUMERIC_DIGITS) {
    problems.push(`length: ${field.length} digits exceed the ${MAX_NUMERIC_DIGITS} that an amount can hold exactly`);
  }
  if (field.const !== undefined) problems.push(...checkConst(field, field.const).map((p) => `const: ${p}`));
  if (field.codes !== undefined) {
    for (const code of Object.keys(field.codes)) problems.push(...checkCode(field, code).map((p) => `codes: ${p}`));
    if (field.type === 'N' && !field.required && !('0'.repeat(field.length) in field.codes)) {
      problems.push(`codes: an optional N field with codes must list ${'0'.repeat(field.length)} (writers emit zeros for null)`);
    }
  }
  return problems;
}

function checkConst(field: FieldDef, value: string): string[] {
  switch (field.type) {
    case 'N':
      return DIGITS.test(value) && value.length === field.length ? [] : [`${JSON.stringify(value)} must be exactly ${field.length} digits`];
    case 'A':
    case 'AN':
      if (value.length === 0 || value.length > field.length) return [`${JSON.stringify(value)} must be 1-${field.length} characters`];
      if (!(field.type === 'A' ? ALPHA : PRINTABLE).test(value)) return [`${JSON.stringify(value)} has characters a ${field.type} field cannot hold`];
      return [];
    default:
      return [`a ${field.type} field cannot have a const`];
  }
}

function checkCode(field: FieldDef, code: string): string[] {
  switch (field.type) {
    case 'N':
      return DIGITS.test(code) && code.length === field.length ? [] : [`${JSON.stringify(code)} must be exactly ${field.length} digits`];
    case 'A':
    case 'AN':
      if (code.length === 0 || code.length > field.length || code !== code.trimEnd()) {
        return [`${JSON.stringify(code)} must be 1-${field.length} characters without trailing spaces`];
      }
      return (field.type === 'A' ? ALPHA : PRINTABLE).test(code) ? [] : [`${JSON.stringify(code)} has characters a ${field.type} field cannot hold`];
    default:
      return [`a ${field.type} field cannot have codes`];
  }
}

/** Key parts inside the record, each byte on a constant field carrying that byte or on blank FILLER (README section 4). */
function checkKey(layout: FixedLayout, record: RecordTypeDef, i: number): string[] {
  const problems: string[] = [];
  if (record.key.length === 0 && layout.recordTypes.length > 1) {
    problems.push(`${recordPath(i, record)}.key: empty key in a layout with several record types`);
  }
  record.key.forEach((part, p) => {
    const at = `${recordPath(i, record)}.key[${p}]`;
    const end = part.start + part.length - 1;
    if (part.value.length !== part.length) problems.push(`${at}.value: ${JSON.stringify(part.value)} is not ${part.length} bytes`);
    if (end > layout.recordLength) {
      problems.push(`${at}: ${part.start}-${end} lies outside the ${layout.recordLength}-byte record`);
      return;
    }
    for (let pos = part.start; pos <= end; pos++) {
      const field = fieldAt(record, pos);
      const byte = part.value[pos - part.start] ?? '';
      const onConstant = field !== undefined && (field.const !== undefined || field.type === 'FILLER');
      if (field === undefined || !onConstant || !wireBytePossible(field, pos, byte)) {
        problems.push(`${at}: byte ${pos} ${JSON.stringify(byte)} does not lie on a constant field carrying it (${field?.name ?? 'no field'})`);
        break;
      }
    }
  });
  return problems;
}

function fieldAt(record: RecordTypeDef, pos: number): FieldDef | undefined {
  return record.fields.find((f) => pos >= f.start && pos < f.start + f.length);
}

/** Wire image of a constant (A/AN left-justified space-padded; N consts are exactly `length` digits). */
export function constWireImage(field: FieldDef): string | undefined {
  return field.const === undefined ? undefined : field.const.padEnd(field.length, ' ');
}

/**
 * Can a VALID record of this field's type carry `byte` at position `pos`? Used to prove that keys
 * are mutually exclusive. Valid records have blank FILLER (writers write spaces), so FILLER holds
 * only a space here, even though readers tolerate non-blank filler.
 */
function wireBytePossible(field: FieldDef, pos: number, byte: string): boolean {
  const image = constWireImage(field);
  if (image !== undefined) return image[pos - field.start] === byte;
  const isDigit = byte >= '0' && byte <= '9';
  switch (field.type) {
    case 'FILLER':
      return byte === ' ';
    case 'N':
    case 'DATE':
      return isDigit || byte === ' ';
    case 'SN':
      return isDigit || byte === ' ' || (pos === field.start + field.length - 1 && /^[{}A-R]$/.test(byte));
    case 'A':
      return byte === ' ' || (byte >= 'A' && byte <= 'Z');
    case 'AN':
      return byte >= ' ' && byte <= '~';
  }
}

function checkOccurs(layout: FixedLayout): string[] {
  const problems: string[] = [];
  const count = (occurs: string): number => layout.recordTypes.filter((r) => r.occurs === occurs).length;
  for (const occurs of ['first', 'last', 'batchHeader', 'batchTrailer']) {
    if (count(occurs) > 1) problems.push(`recordTypes: more than one record type occurs ${occurs}`);
  }
  if (count('batchHeader') !== count('batchTrailer')) problems.push('recordTypes: batchHeader and batchTrailer must come together');
  if (count('many') === 0 && count('batchHeader') > 0) problems.push('recordTypes: batches without any many record type');
  return problems;
}

/**
 * Keys are mutually exclusive (README section 4): for each pair, some key byte of one type cannot
 * occur at that position in a valid record of the other, in both directions. identify() relies on
 * this to stop at the first matching key.
 */
function checkKeysExclusive(layout: FixedLayout): string[] {
  const problems: string[] = [];
  const records = layout.recordTypes;
  for (let i = 0; i < records.length; i++) {
    for (let j = i + 1; j < records.length; j++) {
      const a = records[i]!;
      const b = records[j]!;
      if (!keyExcludes(a, b) || !keyExcludes(b, a)) {
        problems.push(`recordTypes: the keys of ${a.name} and ${b.name} do not exclude each other`);
      }
    }
  }
  return problems;
}

/** True when no valid record of `other` can match the key of `record`. */
function keyExcludes(record: RecordTypeDef, other: RecordTypeDef): boolean {
  return record.key.some((part) => {
    for (let pos = part.start; pos < part.start + part.length; pos++) {
      const field = fieldAt(other, pos);
      if (field !== undefined && !wireBytePossible(field, pos, part.value[pos - part.start] ?? '')) return true;
    }
    return false;
  });
}

/** Control targets and sources exist and fit (README section 5). */
function checkControl(layout: FixedLayout, control: ControlDef): string[] {
  const problems: string[] = [];
  const target = layout.recordTypes.find((r) => r.name === control.record);
  if (target === undefined) return [`record: no record type ${control.record}`];
  const targetField = target.fields.find((f) => f.name === control.field);
  if (targetField === undefined) return [`field: no field ${control.field} in ${control.record}`];
  const scope = control.scope ?? 'file';
  if (scope === 'batch' && target.occurs !== 'batchTrailer') problems.push(`scope: batch controls belong on the batchTrailer record, not on ${target.occurs}`);
  if (scope === 'file' && target.occurs !== 'last') problems.push(`scope: file controls belong on the last record, not on ${target.occurs}`);
  const duplicates = layout.controls.filter((c) => c.record === control.record && c.field === control.field);
  if (duplicates.length > 1) problems.push('field: more than one control on this field');

  if (control.rule === 'const') {
    if (control.value === undefined) problems.push('value: missing on a const control');
    else problems.push(...checkConst(targetField, control.value).map((p) => `value: ${p}`));
    if (control.where !== undefined) problems.push('where: not allowed on a const control');
    return problems;
  }
  if (control.value !== undefined) problems.push('value: only const controls have a value');
  if (targetField.type !== 'N' && targetField.type !== 'SN') problems.push(`field: a ${control.rule} target must be N or SN, not ${targetField.type}`);
  if (control.of.length === 0) problems.push('of: empty');

  const sourceRecords: RecordTypeDef[] = [];
  for (const source of control.of) {
    const [recordName, fieldName] = control.rule === 'sum' ? source.split('.') : [source, undefined];
    const record = layout.recordTypes.find((r) => r.name === recordName);
    if (record === undefined) {
      problems.push(`of: no record type ${recordName}`);
      continue;
    }
    sourceRecords.push(record);
    if (control.rule !== 'sum') continue;
    const field = record.fields.find((f) => f.name === fieldName);
    if (field === undefined) {
      problems.push(`of: no field ${source}`);
    } else if (!isAmount(field)) {
      problems.push(`of: ${source} is not an amount (N with decimals or SN)`);
    } else if ((field.decimals ?? 0) !== (targetField.decimals ?? 0) || !isAmount(targetField)) {
      problems.push(`of: ${source} has ${field.decimals ?? 0} decimals, target ${control.field} must be an amount with the same`);
    }
  }
  if (control.where !== undefined) {
    const whereField = control.where.field;
    for (const record of sourceRecords) {
      if (!record.fields.some((f) => f.name === whereField && f.type !== 'FILLER')) problems.push(`where.field: no field ${whereField} in ${record.name}`);
    }
  }
  return problems;
}

function isAmount(field: FieldDef): boolean {
  return field.type === 'SN' || (field.type === 'N' && field.decimals !== undefined);
}

// ---------------------------------------------------------------------------------------------
// CSV semantic checks

function checkCsvLayout(layout: CsvLayout): string[] {
  const problems: string[] = [];
  const fileNames = new Set<string>();
  layout.files.forEach((file, i) => {
    const at = `files[${i}](${file.name})`;
    if (fileNames.has(file.name)) problems.push(`${at}.name: duplicate file name`);
    fileNames.add(file.name);
    const columns = new Set<string>();
    file.columns.forEach((column, j) => {
      const colAt = `${at}.columns[${j}](${column.name})`;
      if (columns.has(column.name)) problems.push(`${colAt}.name: duplicate column name`);
      columns.add(column.name);
      if ((column.type === 'enum') !== (column.values !== undefined)) problems.push(`${colAt}.values: present exactly on enum columns`);
    });
    for (const key of file.key) if (!columns.has(key)) problems.push(`${at}.key: no column ${key}`);
  });
  return problems;
}
