import { describe, expect, it } from 'vitest';
import { compileLayout, FormatError, isTruncatableField, toWireText, type FieldIssue } from '../../src/layout/codec.ts';
import { fixedLayout } from '../../src/layout/registry.ts';
import type { RecordValues } from '../../src/types.ts';

const calpers = compileLayout(fixedLayout('calpers'));
const fopCollections = compileLayout(fixedLayout('fop-collections'));
const metro2 = compileLayout(fixedLayout('metro2'));
const nmsn = compileLayout(fixedLayout('nmsn'));
const eiwo = compileLayout(fixedLayout('eiwo'));
const fidm = compileLayout(fixedLayout('fidm'), { signedOverpunch: ['bRecord.accountBalance'] });
const fidmStrict = compileLayout(fixedLayout('fidm'));

const CALPERS_DETAIL: RecordValues = {
  ssn: '123456789',
  lastName: 'GARCIA',
  firstName: 'MARIA',
  middleName: null,
  suffix: null,
  dob: '1980-02-29',
  memberId: 'M0001',
  benefitType: 'R',
  monthlyGrossBenefit: 123456,
  benefitStartDate: '2020-01-01',
  lumpSumAmount: 0,
  lumpSumPayableDate: null,
  retirementStatus: 'A',
};

/** Replaces bytes at a 1-based position (tests may use literal positions; src never does). */
function patch(line: string, start: number, text: string): string {
  return line.slice(0, start - 1) + text + line.slice(start - 1 + text.length);
}

function detailLine(values: Partial<RecordValues> = {}): string {
  return calpers.format('detail', { ...CALPERS_DETAIL, ...values }).line;
}

function onlyIssue(issues: readonly FieldIssue[]): FieldIssue {
  expect(issues).toHaveLength(1);
  return issues[0]!;
}

function formatError(run: () => unknown): FormatError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(FormatError);
    return err as FormatError;
  }
  throw new Error('expected a FormatError');
}

describe('compileLayout: record recognition', () => {
  it('identifies records by their key bytes, including multi-part keys', () => {
    expect(calpers.identify(detailLine())?.name).toBe('detail');
    const base = metro2.records.find((r) => r.name === 'base')!;
    const header = metro2.format('header', { activityDate: '2026-01-31', dateCreated: '2026-02-01', reporterName: 'DCSS', reporterAddress: 'PO BOX 1' }).line;
    expect(metro2.identify(header)?.name).toBe('header');
    expect(base.matchesKey(header)).toBe(false);
    expect(calpers.identify('X' + ' '.repeat(249))).toBeNull();
  });

  it('exposes records, recordByName, layout and recordLength', () => {
    expect(calpers.records.map((r) => r.name)).toEqual(['header', 'detail', 'trailer']);
    expect(calpers.recordByName('trailer').occurs).toBe('last');
    expect(() => calpers.recordByName('nope')).toThrow(/no record type "nope"/);
    expect(calpers.layout.id).toBe('calpers');
    expect(calpers.recordLength).toBe(250);
  });
});

describe('parse: values per type', () => {
  it('reads A/AN (trailing spaces stripped, null when blank), N, N with decimals and DATE', () => {
    const parsed = calpers.parse(detailLine());
    expect(parsed.issues).toEqual([]);
    expect(parsed.record?.name).toBe('detail');
    expect(parsed.values).toEqual({ recordType: 'D', ...CALPERS_DETAIL });
    expect('filler125' in parsed.values).toBe(false);
  });

  it('keeps leading zeros of identifiers and reads amounts in minor units', () => {
    const parsed = calpers.parse(detailLine({ ssn: '000012345', monthlyGrossBenefit: 7 }));
    expect(parsed.values['ssn']).toBe('000012345');
    expect(parsed.values['monthlyGrossBenefit']).toBe(7);
  });

  it('reads N all spaces as null and all zeros as 0 (or the zero digit string)', () => {
    const b = fidmStrict.format('bRecord', { matchedSsn: '123456789', payeeAccountNumber: 'A1', matchedPayeeName: 'DOE' }).line;
    expect(fidmStrict.parse(patch(b, 351, ' '.repeat(7))).values['accountBalance']).toBeNull();
    expect(fidmStrict.parse(patch(b, 351, '0'.repeat(7))).values['accountBalance']).toBe(0);
    expect(fidmStrict.parse(patch(b, 402, ' '.repeat(9))).values['primarySsn']).toBeNull();
    expect(fidmStrict.parse(b).values['primarySsn']).toBe('000000000');
  });

  it('reads SN trailing overpunch both signs, { and }, and a plain last digit as positive', () => {
    const line = fopCollections.format('tanfDetail', {
      ssn: '123456789', lastName: 'DOE', certifiedArrearageAmount: 0, collectionAmount: 0, adjustmentAmount: 0, offsetType: 'TAX',
    }).line;
    const amount = (text: string): unknown => fopCollections.parse(patch(line, 65, text)).values['certifiedArrearageAmount'];
    expect(amount('0000012345E')).toBe(123455);
    expect(amount('0000012345N')).toBe(-123455);
    expect(amount('0000000000{')).toBe(0);
    expect(amount('0000000000}')).toBe(0);
    expect(Object.is(amount('0000000000}'), -0)).toBe(false);
    expect(amount('0000001234}')).toBe(-12340);
    expect(amount('0000001234{')).toBe(12340);
    expect(amount('00000012345')).toBe(12345);
    expect(amount('0000000001R')).toBe(-19);
    expect(amount('0000000001I')).toBe(19);
  });

  it('reads MMDDYYYY and MMDDYYYYHHMMSS dates (Metro 2)', () => {
    const line = metro2.format('header', { activityDate: '2024-02-29', dateCreated: '2026-12-31', reporterName: 'DCSS', reporterAddress: 'PO BOX 1' }).line;
    expect(line.slice(47, 55)).toBe('02292024');
    const values = metro2.parse(line).values;
    expect(values['activityDate']).toBe('2024-02-29');
    expect(values['programDate']).toBeNull();
    const base = metro2.records.find((r) => r.name === 'base')!;
    const stamp = base.fieldByName.get('timeStamp')!;
    expect(stamp.encode('2024-02-29T23:59:58', [])).toBe('02292024235958');
    expect(stamp.decode(' '.repeat(stamp.start - 1) + '02292024235958')).toBe('2024-02-29T23:59:58');
    expect(stamp.decode(' '.repeat(stamp.start - 1) + '02292024245958')).toMatchObject({ reason: 'BAD_DATE' });
    expect(stamp.decode(' '.repeat(stamp.start - 1) + '0'.repeat(14))).toBeNull();
  });

  it('accepts an overpunched last byte on an N field only where the layout option says so (FIDM accountBalance)', () => {
    const b = fidm.format('bRecord', { matchedSsn: '123456789', payeeAccountNumber: 'A1', matchedPayeeName: 'DOE', accountBalance: 120 }).line;
    expect(b.slice(350, 357)).toBe('0000120');
    expect(fidm.parse(b).values['accountBalance']).toBe(120);
    const negative = patch(b, 351, '000012}');
    expect(fidm.parse(negative).values['accountBalance']).toBe(-120);
    expect(onlyIssue(fidmStrict.parse(negative).issues).reason).toBe('BAD_NUMBER');
    expect(onlyIssue(fidm.parse(patch(b, 351, '000012#')).issues).reason).toBe('BAD_OVERPUNCH');
    expect(onlyIssue(fidm.parse(patch(b, 351, '0X0012}')).issues).reason).toBe('BAD_NUMBER');
  });

  it('rejects a signedOverpunch option that does not name an N amount field', () => {
    expect(() => compileLayout(fixedLayout('fidm'), { signedOverpunch: ['bRecord.matchedSsn'] })).toThrow(/signedOverpunch bRecord.matchedSsn/);
  });
});

describe('parse: field errors', () => {
  it('BAD_NUMBER for non-digits and for partial blanks, naming field, positions and masked value', () => {
    const issue = onlyIssue(calpers.parse(patch(detailLine(), 86, '0000012A456')).issues);
    expect(issue).toMatchObject({ reason: 'BAD_NUMBER', field: 'monthlyGrossBenefit', start: 86, end: 96, valueMasked: '*******A456' });
    expect(issue.message).toContain('detail.monthlyGrossBenefit (86-96)');
    expect(issue.message).toContain('*******A456');
    expect(issue.message).not.toContain('0000012A456');
    expect(onlyIssue(calpers.parse(patch(detailLine(), 86, '     123456')).issues).reason).toBe('BAD_NUMBER');
    expect(onlyIssue(calpers.parse(patch(detailLine(), 2, '12345 789')).issues)).toMatchObject({ reason: 'BAD_NUMBER', field: 'ssn' });
  });

  it('BAD_OVERPUNCH for a bad last byte and for non-digits in an SN field', () => {
    const line = fopCollections.format('tanfDetail', {
      ssn: '123456789', lastName: 'DOE', certifiedArrearageAmount: 5, collectionAmount: 0, adjustmentAmount: 0, offsetType: 'TAX',
    }).line;
    expect(onlyIssue(fopCollections.parse(patch(line, 65, '0000000001S')).issues)).toMatchObject({ reason: 'BAD_OVERPUNCH', field: 'certifiedArrearageAmount', start: 65, end: 75 });
    expect(onlyIssue(fopCollections.parse(patch(line, 65, '00000X0001E')).issues).reason).toBe('BAD_OVERPUNCH');
  });

  it('BAD_DATE for impossible dates (Feb 29 on a non-leap year, month 13, letters), valid on leap years', () => {
    const at = (text: string): readonly FieldIssue[] => calpers.parse(patch(detailLine(), 65, text)).issues;
    expect(onlyIssue(at('20230229'))).toMatchObject({ reason: 'BAD_DATE', field: 'dob', start: 65, end: 72 });
    expect(onlyIssue(at('19000229')).reason).toBe('BAD_DATE');
    expect(at('20000229')).toEqual([]);
    expect(onlyIssue(at('20241301')).reason).toBe('BAD_DATE');
    expect(onlyIssue(at('2024AB01')).reason).toBe('BAD_DATE');
    expect(onlyIssue(at('2024    ')).reason).toBe('BAD_DATE');
    expect(calpers.parse(patch(detailLine(), 65, '        ')).values['dob']).toBeNull();
    expect(calpers.parse(patch(detailLine(), 65, '00000000')).values['dob']).toBeNull();
    const metroBase = metro2.records.find((r) => r.name === 'base')!.fieldByName.get('dateOpened')!;
    expect(metroBase.decode(' '.repeat(metroBase.start - 1) + '02292023')).toMatchObject({ reason: 'BAD_DATE' });
    expect(metroBase.decode(' '.repeat(metroBase.start - 1) + '02292024')).toBe('2024-02-29');
  });

  it('BAD_CODE for a code not in the list, a broken constant, and non-letters in an A field', () => {
    expect(onlyIssue(calpers.parse(patch(detailLine(), 85, 'X')).issues)).toMatchObject({ reason: 'BAD_CODE', field: 'benefitType' });
    expect(onlyIssue(calpers.parse(patch(detailLine(), 85, 'r')).issues)).toMatchObject({ reason: 'BAD_CODE', field: 'benefitType' });
    const header = calpers.format('header', { fileCreationDate: '2026-01-02', businessDate: '2026-01-02', fileSequence: '1' }).line;
    expect(onlyIssue(calpers.parse(patch(header, 2, 'CALPERZ')).issues)).toMatchObject({ reason: 'BAD_CODE', field: 'interfaceId', start: 2, end: 11 });
    const b = fidm.format('bRecord', { matchedSsn: '123456789', payeeAccountNumber: 'A1', matchedPayeeName: 'DOE', payeeState: 'CA' }).line;
    expect(onlyIssue(fidm.parse(patch(b, 311, 'C4')).issues)).toMatchObject({ reason: 'BAD_CODE', field: 'payeeState', start: 311, end: 312 });
    expect(onlyIssue(fidm.parse(patch(b, 381, '99')).issues)).toMatchObject({ reason: 'BAD_CODE', field: 'accountType' });
  });

  it('MISSING_REQUIRED for blank required fields of every type', () => {
    const line = detailLine();
    expect(onlyIssue(calpers.parse(patch(line, 11, ' '.repeat(20))).issues)).toMatchObject({ reason: 'MISSING_REQUIRED', field: 'lastName' });
    expect(onlyIssue(calpers.parse(patch(line, 2, ' '.repeat(9))).issues)).toMatchObject({ reason: 'MISSING_REQUIRED', field: 'ssn' });
    expect(onlyIssue(calpers.parse(patch(line, 86, ' '.repeat(11))).issues)).toMatchObject({ reason: 'MISSING_REQUIRED', field: 'monthlyGrossBenefit' });
    const header = calpers.format('header', { fileCreationDate: '2026-01-02', businessDate: '2026-01-02', fileSequence: '1' }).line;
    expect(onlyIssue(calpers.parse(patch(header, 32, '00000000')).issues)).toMatchObject({ reason: 'MISSING_REQUIRED', field: 'fileCreationDate' });
  });

  it('collects every issue of a line and leaves unreadable fields out of the values', () => {
    let line = detailLine();
    line = patch(line, 2, 'ABCDEFGHI');
    line = patch(line, 65, '20230229');
    line = patch(line, 85, 'Q');
    line = patch(line, 86, ' '.repeat(11));
    const parsed = calpers.parse(line);
    expect(parsed.issues.map((i) => [i.field, i.reason])).toEqual([
      ['ssn', 'BAD_NUMBER'],
      ['dob', 'BAD_DATE'],
      ['benefitType', 'BAD_CODE'],
      ['monthlyGrossBenefit', 'MISSING_REQUIRED'],
    ]);
    expect('ssn' in parsed.values).toBe(false);
    expect('monthlyGrossBenefit' in parsed.values).toBe(false);
    expect(parsed.values['lastName']).toBe('GARCIA');
    expect(parsed.values['middleName']).toBeNull();
  });

  it('accepts non-blank FILLER from partners', () => {
    expect(calpers.parse(patch(detailLine(), 200, 'TRACE123')).issues).toEqual([]);
  });
});

describe('parse: line errors', () => {
  it('LINE_LENGTH for short, long and empty lines, still identifying the record by its key', () => {
    const short = calpers.parse(detailLine().slice(0, 249));
    expect(onlyIssue(short.issues)).toMatchObject({ reason: 'LINE_LENGTH', field: '', start: null, end: null });
    expect(short.issues[0]!.message).toContain('249 bytes, expected 250');
    expect(short.record?.name).toBe('detail');
    expect(short.values).toEqual({});
    expect(calpers.parse(detailLine() + 'X').record?.name).toBe('detail');
    const empty = calpers.parse('');
    expect(empty.record).toBeNull();
    expect(onlyIssue(empty.issues).reason).toBe('LINE_LENGTH');
    const metroShort = metro2.parse('042');
    expect(metroShort.record).toBeNull();
  });

  it('UNKNOWN_RECORD when no key matches, showing the masked key bytes found', () => {
    const issue = onlyIssue(calpers.parse(patch(detailLine(), 1, 'X')).issues);
    expect(issue).toMatchObject({ reason: 'UNKNOWN_RECORD', field: '', valueMasked: 'X' });
    expect(issue.message).toContain("detail 'D' at 1-1");
  });

  it('NON_ASCII names the fields holding bytes outside 0x20-0x7E (filler included)', () => {
    let line = patch(detailLine(), 11, 'GARC\u00cdA');
    line = patch(line, 200, '\t');
    const parsed = calpers.parse(line);
    expect(parsed.issues.map((i) => [i.reason, i.field, i.start, i.end])).toEqual([
      ['NON_ASCII', 'lastName', 11, 30],
      ['NON_ASCII', 'filler125', 125, 250],
    ]);
    const unknown = calpers.parse(patch(patch(detailLine(), 1, 'X'), 5, '\u00e9'));
    expect(unknown.issues.map((i) => i.reason)).toEqual(['UNKNOWN_RECORD', 'NON_ASCII']);
    expect(unknown.issues[1]!.message).toContain('position 5');
  });
});

describe('format', () => {
  it('justifies and fills per type: A/AN left space-filled, N right zero-filled, SN overpunched, DATE per format, FILLER spaces', () => {
    const line = detailLine({ ssn: 12345, monthlyGrossBenefit: 123456, lumpSumAmount: 0, lumpSumPayableDate: null });
    expect(line).toHaveLength(250);
    expect(line.slice(0, 1)).toBe('D');
    expect(line.slice(1, 10)).toBe('000012345');
    expect(line.slice(10, 30)).toBe('GARCIA' + ' '.repeat(14));
    expect(line.slice(64, 72)).toBe('19800229');
    expect(line.slice(85, 96)).toBe('00000123456');
    expect(line.slice(104, 115)).toBe('0'.repeat(11));
    expect(line.slice(115, 123)).toBe('0'.repeat(8));
    expect(line.slice(124)).toBe(' '.repeat(126));
  });

  it('writes SN zero as {, positives with {A-I and negatives with }J-R', () => {
    const tanf = fopCollections.recordByName('tanfDetail');
    const sn = tanf.fieldByName.get('collectionAmount')!;
    expect(sn.encode(0, [])).toBe('0000000000{');
    expect(formatError(() => sn.encode(null, [])).field).toBe('collectionAmount');
    const optional = compileLayout(fixedLayout('msfidm')).recordByName('detail').fieldByName.get('accountBalance')!;
    expect(optional.encode(null, [])).toBe('000000{');
    expect(optional.encode(-7, [])).toBe('000000P');
    expect(sn.encode(12345, [])).toBe('0000001234E');
    expect(sn.encode(-12345, [])).toBe('0000001234N');
    expect(sn.encode(-10, [])).toBe('0000000001}');
    expect(sn.encode(99999999999, [])).toBe('9999999999I');
    expect(formatError(() => sn.encode(123456789012, [])).field).toBe('collectionAmount');
  });

  it('fills const fields, and refuses a value contradicting a const', () => {
    const trailer = fopCollections.format('trailer', {
      adjustmentCount: 0, collectionCount: 0, arrearageAmountTotal: 0, collectionAmountTotal: 0, adjustmentAmountTotal: 0, netAmount: 0,
    }).line;
    expect(trailer.slice(0, 14)).toBe('CA   TOTAL    ');
    const err = formatError(() => calpers.format('detail', { ...CALPERS_DETAIL, recordType: 'X' }));
    expect(err).toMatchObject({ recordType: 'detail', field: 'recordType', start: 1, end: 1, reason: 'UNWRITABLE_VALUE' });
  });

  it('throws FormatError for every unwritable value, naming record, field, positions and the masked value', () => {
    const cases: Array<[Partial<RecordValues>, string]> = [
      [{ memberId: 'M'.repeat(13) }, 'memberId'], // identifier too long: never truncated
      [{ monthlyGrossBenefit: -1 }, 'monthlyGrossBenefit'], // negative in unsigned N
      [{ monthlyGrossBenefit: 12.5 }, 'monthlyGrossBenefit'], // not integer minor units
      [{ monthlyGrossBenefit: '123' }, 'monthlyGrossBenefit'], // amounts are numbers
      [{ monthlyGrossBenefit: 100_000_000_000 }, 'monthlyGrossBenefit'], // 12 digits in N(11)
      [{ ssn: '12345678A' }, 'ssn'], // non-digits in N
      [{ ssn: '1234567890' }, 'ssn'], // too long
      [{ ssn: -5 }, 'ssn'],
      [{ benefitType: 'Z' }, 'benefitType'], // not a code
      [{ dob: '2023-02-29' }, 'dob'], // not a date
      [{ dob: '02/29/2024' }, 'dob'], // not ISO
      [{ dob: '2024-02-29T10:00:00' }, 'dob'], // a time where the format has none
      [{ lastName: null }, 'lastName'], // missing required
      [{ lastName: '   ' }, 'lastName'],
      [{ lastName: 42 }, 'lastName'], // text fields take strings
      [{ ssn: undefined }, 'ssn'],
    ];
    for (const [values, field] of cases) {
      const err = formatError(() => calpers.format('detail', { ...CALPERS_DETAIL, ...values }));
      expect(err.field).toBe(field);
      expect(err.recordType).toBe('detail');
      expect(err.start).toBe(calpers.recordByName('detail').fieldByName.get(field)!.start);
      expect(err.reason).toBe('UNWRITABLE_VALUE');
    }
    const err = formatError(() => calpers.format('detail', { ...CALPERS_DETAIL, memberId: 'M1234567890123' }));
    expect(err.valueMasked).toBe('**********0123');
    expect(err.message).not.toContain('M1234567890123');
    expect(err.message).toContain('detail.memberId (73-84)');
  });

  it('refuses a field name the record does not have (a typo must not write blanks)', () => {
    expect(formatError(() => calpers.format('detail', { ...CALPERS_DETAIL, lastname: 'X' })).field).toBe('lastname');
  });

  it('truncates name/address/free-text fields on the right and reports them', () => {
    const long = 'ACME INTERNATIONAL WIDGETS AND SPROCKETS CORPORATION OF CALIFORNIA';
    const values = {
      employerFein: '123456789', employerName: long, employerAddressLine1: '1 ' + 'VERY LONG STREET NAME '.repeat(3), employerCity: 'LOS ANGELES',
      employerState: 'CA', employerZip: '900120001', employeeSsn: '123456789', employeeLastName: 'DOE', employeeFirstName: 'JANE',
      caseId: 'CASE1', orderId: 'ORDER1', issuingState: 'CA', child1LastName: 'DOE', child1FirstName: 'JOHN', documentDate: '2026-01-02',
    };
    const { line, truncated } = nmsn.format('detail', values);
    expect(truncated).toEqual(['employerName', 'employerAddressLine1']);
    expect(line.slice(10, 55)).toBe(long.slice(0, 45));
    expect(nmsn.parse(line).issues).toEqual([]);
    expect(formatError(() => nmsn.format('detail', { ...values, caseId: 'C'.repeat(16) })).field).toBe('caseId');
  });

  it('decides truncation by field name alone (README section 3)', () => {
    const def = (name: string, type: 'A' | 'AN' | 'N' = 'AN') => ({ name, type });
    for (const name of ['lastName', 'jointFilerNames', 'addressLine1', 'addressLine2', 'payeeCity', 'cityState', 'streetAddress', 'payeeStreet', 'issuingOfficialTitle', 'penaltyLiabilityText', 'otherObligationDescription', 'reporterAddress', 'issuingAgency', 'SURNAME']) {
      expect(isTruncatableField(def(name)), name).toBe(true);
    }
    for (const name of ['caseId', 'ssn', 'institutionNameControl', 'employerZip', 'licenseNumber']) expect(isTruncatableField(def(name)), name).toBe(false);
    expect(isTruncatableField(def('lastName', 'N'))).toBe(false);
  });

  it('transliterates accented letters, ligatures and ß; replaces other non-ASCII with a space; upper-cases names', () => {
    expect(toWireText('José Ñúñez')).toBe('Jose Nunez');
    expect(toWireText('Æsir Ørsted Straße')).toBe('AEsir Orsted StraSSe');
    expect(toWireText('Zoë\u2013Łukasz 😀!')).toBe('Zoe Lukasz  !');
    const line = calpers.format('detail', { ...CALPERS_DETAIL, lastName: 'Muñoz-Østergård', firstName: 'josé' }).line;
    expect(line.slice(10, 30).trimEnd()).toBe('MUNOZ-OSTERGARD');
    expect(line.slice(30, 45).trimEnd()).toBe('JOSE');
    expect(calpers.parse(line).issues).toEqual([]);
  });

  it('keeps the case of free text (Title, Text, Description) but upper-cases A fields', () => {
    const detail = eiwo.recordByName('detail');
    expect(detail.fieldByName.get('otherObligationDescription')!.encode('Medical premium', []).trimEnd()).toBe('Medical premium');
    expect(detail.fieldByName.get('issuingOfficialTitle')!.encode('Director, Déborah', []).trimEnd()).toBe('Director, Deborah');
    expect(detail.fieldByName.get('employerName')!.encode('Acme Inc', []).trimEnd()).toBe('ACME INC');
    expect(detail.fieldByName.get('employerState')!.encode('ca', [])).toBe('CA');
    expect(formatError(() => detail.fieldByName.get('employerState')!.encode('C1', [])).field).toBe('employerState');
  });

  it('accepts digit strings and integers for plain N, and writes zeros for null', () => {
    const ssn = calpers.recordByName('detail').fieldByName.get('ssn')!;
    expect(ssn.encode('12345', [])).toBe('000012345');
    expect(ssn.encode(12345, [])).toBe('000012345');
    const optional = fidm.recordByName('bRecord').fieldByName.get('primarySsn')!;
    expect(optional.encode(null, [])).toBe('000000000');
    expect(optional.encode(undefined, [])).toBe('000000000');
  });

  it('writes dates from ISO in the layout format, zeros for null', () => {
    const dob = calpers.recordByName('detail').fieldByName.get('dob')!;
    expect(dob.encode('2024-02-29', [])).toBe('20240229');
    expect(dob.encode(null, [])).toBe('00000000');
    const metroDate = metro2.recordByName('base').fieldByName.get('dateOpened')!;
    expect(metroDate.encode('2024-02-29', [])).toBe('02292024');
    const stamp = metro2.recordByName('base').fieldByName.get('timeStamp')!;
    expect(stamp.encode('2024-02-29', [])).toBe('02292024000000');
    expect(formatError(() => stamp.encode('2024-02-29T24:00:00', [])).field).toBe('timeStamp');
  });
});
