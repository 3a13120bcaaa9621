/**
 * The layout's `controls` (README section 5) evaluated one way for both sides:
 * - readers add every recognised line, then verify each trailer against what they counted;
 * - writers add every record they format and ask for the trailer's control values.
 *
 * Counts and sums run over every RECOGNISED line, rejected or not (OPERATIONS.md "Rejects"): the
 * partner's trailer counted the line too. A sum over a field that could not be read on some line
 * (or a `where` over such a field) has no known value: the control is "unverifiable", which the
 * reader reports as CONTROL_MISMATCH — we cannot vouch for a file whose totals we cannot check.
 */
import { type FieldValue, type RecordValues } from '../types.ts';
import type { ControlDef, WhereDef } from './schema.ts';
import type { CompiledField, CompiledLayout, CompiledRecord, FormattedRecord } from './codec.ts';

/** A trailer control that does not hold. */
export interface ControlFailure {
  control: ControlDef;
  /** the trailer record carrying the control field */
  record: CompiledRecord;
  field: CompiledField;
  /** what the control field should hold; undefined when it cannot be computed (unreadable source) */
  expected: FieldValue | undefined;
  /** what the trailer holds; undefined when the trailer's own field is unreadable */
  actual: FieldValue | undefined;
  /** operator text; the trailer's value is masked */
  message: string;
}

export interface ControlAccumulator {
  /** Every recognised line / every written record, in file order. `line` only improves messages. */
  add(record: CompiledRecord | string, values: RecordValues, line?: number): void;
  /** A batch header starts: batch-scoped controls restart from zero. */
  openBatch(): void;
  /** The batch trailer has been verified or written. */
  closeBatch(): void;
  /**
   * Control field values for a trailer about to be written or verified (the trailer itself not yet
   * added: it counts itself where its own type is listed, e.g. Metro 2 blockCount).
   * Writers merge these into the trailer's values before `format`.
   */
  computeTrailer(recordName: string, trailerValues?: RecordValues): RecordValues;
  /** Readers: compare a trailer as read with the computed values, BEFORE add()ing it. */
  verify(record: CompiledRecord, values: RecordValues): ControlFailure[];
}

/** Running total of one control; `unknownAt` = first line whose contribution could not be read. */
interface Tally {
  total: number;
  unknown: boolean;
  unknownAt: number | undefined;
}

/** Contribution of one record to one control: a number, or undefined when unreadable. */
type Contribution = (values: RecordValues) => number | undefined;

interface CompiledControl {
  def: ControlDef;
  target: CompiledRecord;
  field: CompiledField;
  batchScoped: boolean;
  /** contribution per record index (absent = record not listed in `of`) */
  contributions: ReadonlyMap<number, Contribution>;
  tally: Tally;
}

export function createControlAccumulator(compiled: CompiledLayout): ControlAccumulator {
  const controls = compiled.layout.controls.map((def) => compileControl(compiled, def));
  // Per record index, the controls it feeds: add() touches only those.
  const feeds: CompiledControl[][] = compiled.records.map((r) => controls.filter((c) => c.contributions.has(r.index)));
  const byTarget = new Map<string, CompiledControl[]>();
  for (const c of controls) byTarget.set(c.target.name, [...(byTarget.get(c.target.name) ?? []), c]);
  const resolve = (record: CompiledRecord | string): CompiledRecord => (typeof record === 'string' ? compiled.recordByName(record) : record);

  const expectedFor = (control: CompiledControl, trailerValues: RecordValues): { value: FieldValue | undefined; unknownAt: number | undefined } => {
    if (control.def.rule === 'const') return { value: constValue(control), unknownAt: undefined };
    let { total, unknown } = control.tally;
    const self = control.contributions.get(control.target.index);
    if (self !== undefined) {
      const n = self(trailerValues);
      if (n === undefined) unknown = true;
      else total += n;
    }
    if (unknown) return { value: undefined, unknownAt: control.tally.unknownAt };
    return { value: canonicalValue(control.field, total), unknownAt: undefined };
  };

  return {
    add(record, values, line) {
      const index = resolve(record).index;
      for (const control of feeds[index] ?? []) {
        const n = control.contributions.get(index)?.(values);
        if (n === undefined) {
          if (!control.tally.unknown) control.tally.unknownAt = line;
          control.tally.unknown = true;
        } else {
          control.tally.total += n;
        }
      }
    },
    openBatch() {
      for (const control of controls) if (control.batchScoped) resetTally(control.tally);
    },
    closeBatch() {
      for (const control of controls) if (control.batchScoped) resetTally(control.tally);
    },
    computeTrailer(recordName, trailerValues = {}) {
      const out: RecordValues = {};
      for (const control of byTarget.get(resolve(recordName).name) ?? []) {
        const { value } = expectedFor(control, trailerValues);
        if (value !== undefined) out[control.field.name] = value;
      }
      return out;
    },
    verify(record, values) {
      const failures: ControlFailure[] = [];
      for (const control of byTarget.get(record.name) ?? []) {
        const expected = expectedFor(control, values);
        const actual = values[control.field.name];
        if (expected.value !== undefined && actual === expected.value) continue;
        failures.push({
          control: control.def,
          record,
          field: control.field,
          expected: expected.value,
          actual,
          message: failureMessage(control, expected.value, expected.unknownAt, actual),
        });
      }
      return failures;
    },
  };
}

function resetTally(tally: Tally): void {
  tally.total = 0;
  tally.unknown = false;
  tally.unknownAt = undefined;
}

function compileControl(compiled: CompiledLayout, def: ControlDef): CompiledControl {
  const target = compiled.recordByName(def.record);
  const field = target.fieldByName.get(def.field);
  if (field === undefined) throw new Error(`layout ${compiled.layout.id}: control target ${def.record}.${def.field} does not exist`);
  const contributions = new Map<number, Contribution>();
  if (def.rule === 'count') {
    for (const name of def.of) {
      const record = compiled.recordByName(name);
      const where = def.where === undefined ? undefined : compileWhere(record, def.where);
      contributions.set(record.index, where === undefined ? () => 1 : (values) => {
        const holds = where(values);
        return holds === undefined ? undefined : holds ? 1 : 0;
      });
    }
  } else if (def.rule === 'sum') {
    for (const source of def.of) {
      const [recordName = '', fieldName = ''] = source.split('.');
      const record = compiled.recordByName(recordName);
      const where = def.where === undefined ? undefined : compileWhere(record, def.where);
      contributions.set(record.index, (values) => {
        const holds = where === undefined ? true : where(values);
        if (holds === undefined) return undefined;
        if (!holds) return 0;
        const value = values[fieldName];
        if (value === null) return 0; // blank optional amount: nothing to add
        return typeof value === 'number' ? value : undefined;
      });
    }
  }
  return { def, target, field, batchScoped: def.scope === 'batch', contributions, tally: { total: 0, unknown: false, unknownAt: undefined } };
}

/**
 * `where` as a predicate on parsed values: true / false, or undefined when the field is unreadable.
 * `equals` / `in` compare the field's raw value with trailing spaces stripped (N as the full digit
 * string): A/AN and plain N values already are that; other types are re-encoded to their bytes.
 */
function compileWhere(record: CompiledRecord, where: WhereDef): (values: RecordValues) => boolean | undefined {
  const field = record.fieldByName.get(where.field);
  if (field === undefined) throw new Error(`record ${record.name} has no field ${where.field} (where)`);
  const name = field.name;
  if ('present' in where) {
    return (values) => {
      if (!(name in values)) return undefined;
      return isPresent(values[name] ?? null);
    };
  }
  const accepted = new Set('equals' in where ? [where.equals] : where.in);
  const plain = field.type === 'A' || field.type === 'AN' || (field.type === 'N' && field.def.decimals === undefined);
  const raw = (value: FieldValue): string => {
    if (value === null) return '';
    return plain ? String(value) : field.encode(value, []).trimEnd();
  };
  return (values) => (name in values ? accepted.has(raw(values[name] ?? null)) : undefined);
}

/** README section 5: not null and, for N/SN, not zero. */
function isPresent(value: FieldValue): boolean {
  if (value === null) return false;
  if (typeof value === 'number') return value !== 0;
  return !/^0+$/.test(value);
}

/** The value the codec would hand over for a count/sum of `n` in this field. */
function canonicalValue(field: CompiledField, n: number): FieldValue {
  if (field.type === 'N' && field.def.decimals === undefined) return String(n).padStart(field.length, '0');
  return n;
}

function constValue(control: CompiledControl): FieldValue {
  const value = control.def.value ?? '';
  if (control.field.type === 'N' && control.field.def.decimals !== undefined) return Number(value);
  return value;
}

function failureMessage(control: CompiledControl, expected: FieldValue | undefined, unknownAt: number | undefined, actual: FieldValue | undefined): string {
  const { def, field } = control;
  const where = `${def.record}.${def.field} (${field.start}-${field.end})`;
  const scope = control.batchScoped ? 'in its batch' : 'in the file';
  const rule = def.rule === 'count' ? `count of ${def.of.join(', ')}` : def.rule === 'sum' ? `sum of ${def.of.join(', ')}` : 'constant';
  const filter = def.where === undefined ? '' : ` where ${describeWhere(def.where)}`;
  // a control total (count, sum) describes the file, not a person: shown as it is (issue 14.6)
  const shown = actual === undefined ? 'is unreadable' : `holds '${String(actual ?? '')}'`;
  if (expected === undefined) {
    const line = unknownAt === undefined ? '' : ` (first at line ${unknownAt})`;
    return `${where} ${shown}; cannot verify the ${rule}${filter} ${scope}: a source value is unreadable${line}`;
  }
  return `${where} ${shown}; the ${rule}${filter} ${scope} is ${String(expected)}`;
}

function describeWhere(where: WhereDef): string {
  if ('present' in where) return `${where.field} present`;
  if ('equals' in where) return `${where.field} = '${where.equals}'`;
  return `${where.field} in (${where.in.join(', ')})`;
}

/**
 * Writers' helper: formats the records of one file in order and fills every control field of a
 * trailer (batch or file) that the caller left undefined. A control value the caller did give must
 * agree with the computed one, otherwise the trailer would lie. Batches open and close by the
 * records' `occurs`.
 */
export interface FileFormatter {
  format(recordName: string, values: Partial<RecordValues>): FormattedRecord;
  /**
   * Appends a detail record the caller already formatted (e.g. to find out whether it can be
   * written at all) without formatting it again. Headers and trailers go through `format`.
   */
  accept(recordName: string, formatted: FormattedRecord): FormattedRecord;
}

export function createFileFormatter(compiled: CompiledLayout): FileFormatter {
  const controls = createControlAccumulator(compiled);
  const readBack = createReadBack(compiled);
  return {
    format(recordName, values) {
      const record = compiled.recordByName(recordName);
      if (record.occurs === 'batchHeader') controls.openBatch();
      let complete: Partial<RecordValues> = values;
      if (record.occurs === 'last' || record.occurs === 'batchTrailer') {
        const known = definedValues(values);
        const computed = controls.computeTrailer(recordName, known);
        for (const [name, value] of Object.entries(computed)) {
          const given = values[name];
          if (given !== undefined && given !== value && !sameNumber(given, value)) {
            throw new Error(`${recordName}.${name}: given ${String(given)} but the control computes ${String(value)}`);
          }
        }
        complete = { ...values, ...computed };
      }
      const formatted = compiled.format(recordName, complete);
      // Count what a reader will read (upper-cased, transliterated, truncated), not what was given.
      controls.add(record, readBack(record, formatted.line));
      if (record.occurs === 'batchTrailer') controls.closeBatch();
      return formatted;
    },
    accept(recordName, formatted) {
      const record = compiled.recordByName(recordName);
      if (record.occurs !== 'many') throw new Error(`${recordName}: only detail records can be appended pre-formatted`);
      controls.add(record, readBack(record, formatted.line));
      return formatted;
    },
  };
}

const NO_VALUES: RecordValues = Object.freeze({}) as RecordValues;
const PRINTABLE_ONLY = /^[\x20-\x7E]*$/;

/**
 * What a reader would read back from a written record, as far as the controls look at it: the
 * values of the fields its controls sum or filter on (`where`), nothing for a record whose controls
 * only count it, and no controls at all for a record that feeds none. A written record is printable
 * and of the record length and carries its own key; for such a line decoding just those fields is
 * what `parse` does field by field (a field that fails is absent). Any other line goes through
 * `parse` itself. Re-parsing every field of every record cost more than formatting it (e-IWO DTL:
 * 120 fields, 2,406 bytes) while the e-IWO controls only count records.
 */
function createReadBack(compiled: CompiledLayout): (record: CompiledRecord, line: string) => RecordValues {
  const needed: Array<CompiledField[] | null> = compiled.records.map((record) => {
    const names = new Set<string>();
    let feeds = false;
    for (const def of compiled.layout.controls) {
      if (def.rule === 'const') continue;
      const sources = def.rule === 'sum' ? def.of.map((o) => o.split('.')) : def.of.map((o) => [o]);
      for (const [recordName, fieldName] of sources) {
        if (recordName !== record.name) continue;
        feeds = true;
        if (fieldName !== undefined) names.add(fieldName);
        if (def.where !== undefined) names.add(def.where.field);
      }
    }
    if (!feeds) return null;
    return record.fields.filter((f) => names.has(f.name));
  });
  return (record, line) => {
    const fields = needed[record.index];
    if (fields === null || fields === undefined || fields.length === 0) return NO_VALUES;
    if (line.length !== compiled.recordLength || !PRINTABLE_ONLY.test(line) || compiled.identify(line) !== record) return compiled.parse(line).values;
    const values: RecordValues = {};
    for (const field of fields) {
      const value = field.decode(line);
      if (typeof value !== 'object' || value === null) values[field.name] = value;
    }
    return values;
  };
}

function definedValues(values: Partial<RecordValues>): RecordValues {
  const out: RecordValues = {};
  for (const [name, value] of Object.entries(values)) if (value !== undefined) out[name] = value;
  return out;
}

/** 5 and '000000005' are the same count for an N field. */
function sameNumber(a: FieldValue, b: FieldValue): boolean {
  return a !== null && b !== null && /^\d+$/.test(String(a)) && /^\d+$/.test(String(b)) && BigInt(String(a)) === BigInt(String(b));
}
