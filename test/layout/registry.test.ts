import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { csvLayout, fixedLayout, layoutIds, loadLayout, validateLayout } from '../../src/layout/registry.ts';
import { LayoutError } from '../../src/layout/schema.ts';

const LAYOUT_DIR = new URL('../../schemas/layouts/', import.meta.url);

/** A fresh, mutable copy of a layout file's JSON. */
function rawLayout(id: string): any {
  return JSON.parse(fs.readFileSync(new URL(`${id}.json`, LAYOUT_DIR), 'utf8'));
}

function layoutError(json: unknown): string {
  try {
    validateLayout(json, 'test.json');
  } catch (err) {
    expect(err).toBeInstanceOf(LayoutError);
    return (err as Error).message;
  }
  throw new Error('expected a LayoutError');
}

describe('layout registry', () => {
  it('lists and loads every layout file (23 fixed-width (csln, csln-submission, sdu-payments, lump-sum included), 2 CSV)', () => {
    const ids = layoutIds();
    expect(ids).toHaveLength(25);
    const formats = ids.map((id) => loadLayout(id).format);
    expect(formats.filter((f) => f === 'fixed')).toHaveLength(23);
    expect(formats.filter((f) => f === 'csv')).toHaveLength(2);
  });

  it('caches per id and narrows by format', () => {
    expect(loadLayout('fidm')).toBe(loadLayout('fidm'));
    expect(fixedLayout('fidm').recordLength).toBe(420);
    expect(csvLayout('tasks').files[0]!.name).toBe('tasks.csv');
    expect(() => fixedLayout('tasks')).toThrow(LayoutError);
    expect(() => csvLayout('fidm')).toThrow(/expected csv/);
  });

  it('refuses ids that are not layout file names', () => {
    expect(() => loadLayout('../package')).toThrow(LayoutError);
    expect(() => loadLayout('no-such-layout')).toThrow(/no-such-layout\.json/);
  });
});

describe('layout validation: shape (zod)', () => {
  it('rejects unknown properties, naming the JSON path with record and field names', () => {
    const json = rawLayout('calpers');
    json.recordTypes[1].fields[2].width = 20;
    const message = layoutError(json);
    expect(message).toContain('test.json');
    expect(message).toContain('recordTypes[1](detail).fields[2](lastName)');
    expect(message).toContain('width');
  });

  it('rejects a wrong type and an unknown field type', () => {
    const json = rawLayout('calpers');
    json.recordTypes[1].fields[1].type = 'X';
    expect(layoutError(json)).toContain('recordTypes[1](detail).fields[1](ssn).type');
    const top = rawLayout('tasks');
    top.encoding = 'ASCII';
    expect(layoutError(top)).toContain('encoding');
  });
});

describe('layout validation: semantics', () => {
  const cases: Array<[string, (json: any) => void, RegExp]> = [
    ['a gap between fields', (j) => { j.recordTypes[1].fields[2].start += 1; }, /fields\[2\]\(lastName\)\.start: is 12, expected 11 \(gap at 11-11\)/],
    ['an overlap', (j) => { j.recordTypes[1].fields[1].length += 1; }, /fields\[2\]\(lastName\)\.start: is 11, expected 12 \(overlaps 11-11\)/],
    ['fields not reaching recordLength', (j) => { j.recordLength = 251; }, /end at 250, expected recordLength 251/],
    ['a duplicate field name', (j) => { j.recordTypes[1].fields[3].name = 'lastName'; }, /fields\[3\]\(lastName\)\.name: duplicate field name/],
    ['a duplicate record name', (j) => { j.recordTypes[2].name = 'detail'; }, /duplicate record type name/],
    ['a key outside the record', (j) => { j.recordTypes[1].key[0].start = 251; }, /lies outside the 250-byte record/],
    ['a key not on a constant', (j) => { j.recordTypes[1].key = [{ start: 2, length: 1, value: '1' }]; }, /does not lie on a constant field/],
    ['a key value of the wrong length', (j) => { j.recordTypes[1].key[0].value = 'DD'; }, /is not 1 bytes/],
    ['an N const of the wrong length', (j) => { j.recordTypes[2].fields[1].const = '5'; }, /const: "5" must be exactly 9 digits/],
    ['decimals on an AN field', (j) => { j.recordTypes[1].fields[2].decimals = 2; }, /decimals: only N and SN fields have decimals/],
    ['a DATE without dateFormat', (j) => { delete j.recordTypes[1].fields[6].dateFormat; }, /fields\[6\]\(dob\): dateFormat: missing/],
    ['a dateFormat on an N field', (j) => { j.recordTypes[1].fields[1].dateFormat = 'CCYYMMDD'; }, /dateFormat: only DATE fields/],
    ['a count control on a missing field', (j) => { j.controls[0].field = 'nope'; }, /controls\[0\]\(trailer\.nope\): field: no field nope/],
    ['a control on a missing record', (j) => { j.controls[0].record = 'nope'; }, /record: no record type nope/],
    ['a sum over a missing source', (j) => { j.controls[1].of = ['detail.nope']; }, /of: no field detail\.nope/],
    ['a sum over a non-amount', (j) => { j.controls[1].of = ['detail.ssn']; }, /detail\.ssn is not an amount/],
    ['a where on a missing field', (j) => { j.controls[0].where = { field: 'nope', equals: 'A' }; }, /where\.field: no field nope in detail/],
    ['a batch scope on a file trailer', (j) => { j.controls[0].scope = 'batch'; }, /scope: batch controls belong on the batchTrailer/],
    ['two record types with the same key', (j) => { j.recordTypes[2].key[0].value = 'D'; j.recordTypes[2].fields[0].const = 'D'; }, /keys of detail and trailer do not exclude each other/],
  ];
  for (const [what, mutate, expected] of cases) {
    it(`rejects ${what}`, () => {
      const json = rawLayout('calpers');
      mutate(json);
      const message = layoutError(json);
      expect(message).toMatch(/^layout test\.json: /);
      expect(message).toMatch(expected);
    });
  }

  it('accepts key exclusivity proven by field types (fop-collections: TOTAL lies on the detail SSN digits)', () => {
    expect(() => validateLayout(rawLayout('fop-collections'), 'fop-collections.json')).not.toThrow();
  });

  it('rejects an optional N field with codes that does not list the all-zeros code', () => {
    const json = rawLayout('fidm');
    const bRecord = json.recordTypes[1];
    const accountType = bRecord.fields.find((f: any) => f.name === 'accountType');
    delete accountType.codes['00'];
    expect(layoutError(json)).toContain('must list 00');
  });

  it('checks CSV layouts: enum values and key columns', () => {
    const json = rawLayout('tasks');
    json.files[0].key = ['missing_column'];
    expect(layoutError(json)).toContain('files[0](tasks.csv).key: no column missing_column');
    const enumJson = rawLayout('tasks');
    delete enumJson.files[0].columns[2].values;
    expect(layoutError(enumJson)).toContain('columns[2](task_type).values: present exactly on enum columns');
  });
});
