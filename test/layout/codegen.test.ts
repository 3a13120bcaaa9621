/**
 * The generated parse and format functions (src/layout/codegen.ts) are pinned to the per-field
 * closures they replace on the hot path (compileLayout(..., { reference: true })): for every
 * fixed-width layout and record type, valid, edge and randomly damaged lines parse to the same
 * record, values (key order included) and issues; valid, edge and random values format to the same
 * line and truncation list, or fail with the same FormatError.
 */
import { describe, expect, it } from 'vitest';
import { rng } from '../../scripts/generate-common.ts';
import { compileLayout, FormatError, type CompiledLayout, type CompiledRecord } from '../../src/layout/codec.ts';
import { fixedLayout, layoutIds, loadLayout } from '../../src/layout/registry.ts';
import { FIXED_WIDTH_INBOUND } from '../../src/interfaces.ts';
import type { FieldValue, RecordValues } from '../../src/types.ts';
import { sampleRecord } from './sampleValues.ts';

const FIXED_IDS = layoutIds().filter((id) => loadLayout(id).format === 'fixed');

/** Deterministic pseudo-random numbers (the generators' mulberry32), so a failure can be replayed. */
const random = rng;

function pick<T>(rnd: () => number, items: readonly T[]): T {
  return items[Math.floor(rnd() * items.length)]!;
}

/** Bytes that matter to some decoder: digits, space, letters, overpunches, punctuation, non-printables. */
const LINE_BYTES = '0123456789 0 9 ABCIJRZ{}az-/.&\'\t\x7f\u00e9\x00:T';

/** `everySigned`: read every N field with decimals as signed zoned too (exercises that decoder everywhere). */
function compiledPair(id: string, everySigned = false): [CompiledLayout, CompiledLayout] {
  const layout = fixedLayout(id);
  const signedOverpunch = everySigned
    ? layout.recordTypes.flatMap((r) => r.fields.filter((f) => f.type === 'N' && f.decimals !== undefined).map((f) => `${r.name}.${f.name}`))
    : (FIXED_WIDTH_INBOUND.find((i) => i.id === id)?.signedOverpunch ?? []);
  return [compileLayout(fixedLayout(id), { signedOverpunch }), compileLayout(fixedLayout(id), { signedOverpunch, reference: true })];
}

function samePass(generated: CompiledLayout, reference: CompiledLayout, line: string): void {
  const a = generated.parse(line);
  const b = reference.parse(line);
  expect(a.record?.name, JSON.stringify(line)).toBe(b.record?.name);
  expect(Object.keys(a.values)).toEqual(Object.keys(b.values));
  expect(a.values).toEqual(b.values);
  expect(a.issues).toEqual(b.issues);
}

/** Lines of one record type: valid samples, blanks, zeros, and random damage to a valid line. */
function linesFor(reference: CompiledLayout, record: CompiledRecord, rnd: () => number): string[] {
  const valid = [0, 1, 2].map((variant) => reference.format(record.name, sampleRecord(record.def, variant)).line);
  const key = (fill: string): string => {
    const chars = fill.repeat(reference.recordLength).split('');
    for (const part of record.def.key) for (let i = 0; i < part.value.length; i++) chars[part.start - 1 + i] = part.value[i]!;
    return chars.join('');
  };
  const lines = [...valid, key(' '), key('0'), key('9'), key('{'), key('A')];
  for (let n = 0; n < 150; n++) {
    const chars = pick(rnd, valid).split('');
    const damage = 1 + Math.floor(rnd() * 4);
    for (let d = 0; d < damage; d++) {
      const field = pick(rnd, record.fields);
      const at = field.start - 1 + Math.floor(rnd() * field.length);
      if (rnd() < 0.3) for (let i = field.start - 1; i < field.end; i++) chars[i] = rnd() < 0.5 ? ' ' : '0';
      else chars[at] = pick(rnd, LINE_BYTES.split(''));
    }
    lines.push(chars.join(''));
  }
  lines.push(valid[0]!.slice(0, -1), `${valid[0]!} `, '');
  return lines;
}

/** Values a writer might give any field: valid, blank, wrong type, too long, lower case, non-ASCII, bad dates. */
function valuePool(length: number): Array<FieldValue | undefined> {
  return [
    undefined, null, '', ' ', 'A', 'ABC', 'abc', 'Abc Def', 'ABC ', ' ABC', 'MARIA GARCIA', 'Ærøskøbing', 'tab\there', 'X'.repeat(length), 'Y'.repeat(length + 1),
    '0', '7', '123', '0123456789', '9'.repeat(length), '9'.repeat(length + 1), '12a', '-5', '1.5',
    0, -0, 5, -5, 42, 12345, 10 ** Math.min(length, 15), 10 ** Math.min(length, 15) - 1, -(10 ** Math.min(length, 15) - 1), 1.5, Number.MAX_SAFE_INTEGER,
    '2024-02-29', '2023-02-29', '1999-12-31', '0000-01-01', '2024-13-01', '2024-02-29T23:59:59', '2024-02-29T24:00:00', '2024-02-29T00:00:60', '2024-2-29', '20240229',
  ];
}

function formatOutcome(compiled: CompiledLayout, record: string, values: Partial<RecordValues>): unknown {
  try {
    return compiled.format(record, values);
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    return { error: e.message, field: e.field, start: e.start, end: e.end, valueMasked: e.valueMasked, recordType: e.recordType };
  }
}

describe('generated format remembers values', () => {
  it('never replays bytes after a refusal, a closure result or a changed value in the same segment', () => {
    const [generated, reference] = compiledPair('eiwo');
    const record = reference.recordByName('detail');
    const base = sampleRecord(record.def, 0);
    const text = record.fields.find((f) => f.type === 'AN' && !f.def.required && f.def.const === undefined && f.def.codes === undefined)!;
    const digits = record.fields.find((f) => f.type === 'N' && f.def.decimals === undefined && f.def.const === undefined && f.def.codes === undefined && f.start > text.start - 40 && f.start < text.start + 200)!;
    const sequence: Array<Partial<RecordValues>> = [
      base,
      { ...base, [text.name]: 'lower case' }, // closure result (upper-cased), not remembered
      base,
      { ...base, [digits.name]: 'X1' }, // refused
      { ...base, [digits.name]: '12' },
      base,
      { ...base, [text.name]: 'T'.repeat(text.length + 5) }, // truncated by the closure
      { ...base, [text.name]: 'T'.repeat(text.length + 5) },
      { ...base, [text.name]: undefined },
      { ...base, [text.name]: null },
      base,
      base,
    ];
    for (const values of sequence) expect(formatOutcome(generated, 'detail', values), JSON.stringify(values)).toEqual(formatOutcome(reference, 'detail', values));
  });
});

describe.each(FIXED_IDS)('generated codec of %s', (id) => {
  const [generated, reference] = compiledPair(id);

  it('parses every line like the closures (values, key order, issues)', () => {
    const rnd = random(id.length * 7919);
    for (const record of reference.records) for (const line of linesFor(reference, record, rnd)) samePass(generated, reference, line);
  });

  it('parses like the closures with every amount read as signed zoned', () => {
    const [signedGenerated, signedReference] = compiledPair(id, true);
    const rnd = random(id.length * 15_485_863);
    for (const record of signedReference.records) for (const line of linesFor(signedReference, record, rnd)) samePass(signedGenerated, signedReference, line);
  });

  it('formats every value like the closures (line, truncated, FormatError)', () => {
    const rnd = random(id.length * 104_729);
    for (const record of reference.records) {
      const samples = [0, 1, 2].map((variant) => sampleRecord(record.def, variant));
      const cases: Array<Partial<RecordValues>> = [...samples, {}];
      for (const field of record.fields) {
        for (const value of valuePool(field.length)) cases.push({ ...samples[0], [field.name]: value });
      }
      for (let n = 0; n < 100; n++) {
        const values: Partial<RecordValues> = { ...pick(rnd, samples) };
        for (let k = 0; k < 3; k++) {
          const field = pick(rnd, record.fields);
          values[field.name] = pick(rnd, valuePool(field.length));
        }
        cases.push(values);
      }
      cases.push({ ...samples[0], notAField: 'x' }, samples[0]!, Object.assign(Object.create({ inherited: 'x' }) as RecordValues, samples[0]), samples[0]!);
      for (const values of cases) {
        const a = formatOutcome(generated, record.name, values);
        expect(a, JSON.stringify(values)).toEqual(formatOutcome(reference, record.name, values));
      }
    }
  });
});
