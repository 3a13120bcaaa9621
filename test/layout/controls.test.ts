import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileLayout } from '../../src/layout/codec.ts';
import { createControlAccumulator, createFileFormatter } from '../../src/layout/controls.ts';
import { fixedLayout, validateLayout } from '../../src/layout/registry.ts';
import type { FixedLayout } from '../../src/layout/schema.ts';
import type { RecordValues } from '../../src/types.ts';

const levy = compileLayout(fixedLayout('levy-otw'));
const metro2 = compileLayout(fixedLayout('metro2'));
const fopCollections = compileLayout(fixedLayout('fop-collections'));
const licenseSlm = compileLayout(fixedLayout('license-slm'));
const calpers = compileLayout(fixedLayout('calpers'));

describe('control accumulator', () => {
  it('counts listed record types and sums amounts, per file', () => {
    const acc = createControlAccumulator(calpers);
    acc.add('header', {});
    acc.add('detail', { monthlyGrossBenefit: 100 });
    acc.add('detail', { monthlyGrossBenefit: 250 });
    expect(acc.computeTrailer('trailer')).toEqual({ detailCount: '000000002', amountTotal: 350 });
  });

  it('counts with where equals (raw value) and where present (not null, not zero)', () => {
    const acc = createControlAccumulator(licenseSlm);
    for (const transactionType of ['A', 'A', 'R', 'A']) acc.add('detail', { transactionType });
    expect(acc.computeTrailer('trailer')).toEqual({ detailCount: '000000004', certifyCount: '000000003', releaseCount: '000000001' });

    const fop = createControlAccumulator(fopCollections);
    const detail = (collectionAmount: number | null, adjustmentAmount: number): RecordValues => ({ collectionAmount, adjustmentAmount, certifiedArrearageAmount: -500 });
    fop.add('tanfDetail', detail(1000, 0));
    fop.add('nonTanfDetail', detail(0, -250));
    fop.add('nonTanfDetail', detail(null, 0));
    expect(fop.computeTrailer('trailer')).toEqual({
      collectionCount: '000000000000001',
      adjustmentCount: '000000000000001',
      collectionAmountTotal: 1000,
      adjustmentAmountTotal: -250,
      arrearageAmountTotal: -1500,
    });
  });

  it('counts Metro 2 SSNs only when present, and the trailer itself in blockCount', () => {
    const acc = createControlAccumulator(metro2);
    acc.add('header', {});
    acc.add('base', { ssn: '123456789', accountStatus: '11', dateOfBirth: null, telephoneNumber: '0000000000', ecoaCode: '1' });
    acc.add('base', { ssn: '000000000', accountStatus: '11', dateOfBirth: '1980-01-01', telephoneNumber: null, ecoaCode: 'Z' });
    const trailer = acc.computeTrailer('trailer');
    expect(trailer).toMatchObject({
      totalBaseRecords: '000000002',
      blockCount: '000000004',
      totalStatusCode11: '000000002',
      totalStatusCodeDF: '000000000',
      totalSsnBase: '000000001',
      totalDobBase: '000000001',
      totalTelephoneAllSegments: '000000000',
      totalEcoaCodeZ: '000000001',
    });
  });

  it('supports where in (a layout extension no shipped layout uses yet)', () => {
    const json = JSON.parse(fs.readFileSync(new URL('../../schemas/layouts/license-slm.json', import.meta.url), 'utf8')) as FixedLayout;
    json.controls = [{ record: 'trailer', field: 'certifyCount', rule: 'count', of: ['detail'], where: { field: 'releaseType', in: ['E', 'M'] } }];
    const compiled = compileLayout(validateLayout(json, 'license-slm.json') as FixedLayout);
    const acc = createControlAccumulator(compiled);
    for (const releaseType of ['E', 'M', 'N', null]) acc.add('detail', { releaseType });
    expect(acc.computeTrailer('trailer')).toEqual({ certifyCount: '000000002' });
  });

  it('restarts batch-scoped controls at each batch and keeps file-scoped ones running', () => {
    const acc = createControlAccumulator(levy);
    acc.add('header', {});
    acc.openBatch();
    acc.add('batchHeader', {});
    acc.add('detail', { levyAmount: 100 });
    acc.add('detail', { levyAmount: 200 });
    expect(acc.computeTrailer('batchTrailer')).toEqual({ batchDetailCount: '000000002', batchLevyTotal: 300 });
    acc.add('batchTrailer', {});
    acc.closeBatch();
    acc.openBatch();
    acc.add('batchHeader', {});
    acc.add('detail', { levyAmount: 5 });
    expect(acc.computeTrailer('batchTrailer')).toEqual({ batchDetailCount: '000000001', batchLevyTotal: 5 });
    acc.add('batchTrailer', {});
    acc.closeBatch();
    expect(acc.computeTrailer('trailer')).toEqual({ detailCount: '000000003', amountTotal: 305, batchCount: '000002' });
  });

  it('verifies a trailer as read: matches, mismatches with the value as read (a count is not personal data, issue 14.6), and sums it cannot verify', () => {
    const acc = createControlAccumulator(calpers);
    acc.add('detail', { monthlyGrossBenefit: 100 });
    const trailer = calpers.recordByName('trailer');
    expect(acc.verify(trailer, { detailCount: '000000001', amountTotal: 100 })).toEqual([]);
    const [wrongCount] = acc.verify(trailer, { detailCount: '000000007', amountTotal: 100 });
    expect(wrongCount).toMatchObject({ expected: '000000001', actual: '000000007' });
    expect(wrongCount!.field.start).toBe(2);
    expect(wrongCount!.message).toBe("trailer.detailCount (2-10) holds '000000007'; the count of detail in the file is 000000001");

    acc.add('detail', {}, 17); // amount unreadable on line 17
    const failures = acc.verify(trailer, { detailCount: '000000002', amountTotal: 100 });
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ expected: undefined, actual: 100 });
    expect(failures[0]!.message).toContain('cannot verify the sum of detail.monthlyGrossBenefit in the file: a source value is unreadable (first at line 17)');
    expect(acc.verify(trailer, { detailCount: '000000002' })[0]!.message).toContain('is unreadable');
  });
});

describe('file formatter (writers)', () => {
  it('fills batch and file trailer controls and opens/closes batches by occurs', () => {
    const formatter = createFileFormatter(levy);
    const detail = { ssn: '123456789', lastName: 'DOE', firstName: 'JANE', caseId: 'C1', lcsaCode: '037', accountNumber: 'A1', accountType: '11', exemptAmount: 0, totalArrears: 0, orderDate: '2026-01-02' };
    const bank = { fein: '941234567', institutionName: 'BANK', institutionAddressLine1: '1 MAIN', institutionCity: 'SF', institutionState: 'CA', institutionZip: '94105' };
    const lines = [
      formatter.format('header', { fileCreationDate: '2026-01-02', businessDate: '2026-01-02', fileSequence: '1' }).line,
      formatter.format('batchHeader', bank).line,
      formatter.format('detail', { ...detail, levyAmount: 1000 }).line,
      formatter.format('detail', { ...detail, levyAmount: 2000 }).line,
      formatter.format('batchTrailer', {}).line,
      formatter.format('batchHeader', bank).line,
      formatter.format('detail', { ...detail, levyAmount: 5 }).line,
      formatter.format('batchTrailer', {}).line,
      formatter.format('trailer', {}).line,
    ];
    expect(levy.parse(lines[4]!).values).toMatchObject({ batchDetailCount: '000000002', batchLevyTotal: 3000 });
    expect(levy.parse(lines[7]!).values).toMatchObject({ batchDetailCount: '000000001', batchLevyTotal: 5 });
    expect(levy.parse(lines[8]!).values).toMatchObject({ detailCount: '000000003', amountTotal: 3005, batchCount: '000002' });
  });

  it('counts what a reader will read (upper-cased codes) and refuses a contradicting control value', () => {
    const formatter = createFileFormatter(licenseSlm);
    const detail = { boardCode: 'DMV', ssn: '123456789', lastName: 'DOE', firstName: 'JANE', addressLine1: '1 MAIN', city: 'SACRAMENTO', state: 'CA', zip: '95814', lcsaCode: '034', caseCount: '1', certificationDate: '2026-01-02' };
    formatter.format('detail', { ...detail, transactionType: 'a' });
    formatter.format('detail', { ...detail, transactionType: 'R' });
    const trailer = formatter.format('trailer', { detailCount: 2 }).line;
    expect(licenseSlm.parse(trailer).values).toMatchObject({ detailCount: '000000002', certifyCount: '000000001', releaseCount: '000000001' });
    const other = createFileFormatter(licenseSlm);
    other.format('detail', { ...detail, transactionType: 'A' });
    expect(() => other.format('trailer', { detailCount: '000000005' })).toThrow(/trailer\.detailCount: given 000000005 but the control computes 000000001/);
  });
});

describe('createFileFormatter.accept', () => {
  it('counts a pre-formatted detail exactly as format does, and refuses headers and trailers', () => {
    const compiled = compileLayout(fixedLayout('levy-otw'));
    const detail = {
      ssn: '123456789', lastName: 'PENA', firstName: 'ANA', caseId: 'C1', lcsaCode: '037', accountNumber: 'A1',
      accountType: '04', levyAmount: 12345, exemptAmount: 0, totalArrears: 50000, orderDate: '2026-11-20',
    };
    const header = { fileCreationDate: '2026-11-20', businessDate: '2026-11-20', fileSequence: '000001' };
    const bank = { fein: '941234567', institutionName: 'BANK', institutionAddressLine1: '1 MAIN', institutionCity: 'SACRAMENTO', institutionState: 'CA', institutionZip: '95814' };
    const write = (pre: boolean) => {
      const f = createFileFormatter(compiled);
      const lines = [f.format('header', header).line, f.format('batchHeader', bank).line];
      for (let i = 0; i < 3; i++) lines.push(pre ? f.accept('detail', compiled.format('detail', detail)).line : f.format('detail', detail).line);
      lines.push(f.format('batchTrailer', {}).line, f.format('trailer', {}).line);
      return lines;
    };
    expect(write(true)).toEqual(write(false));
    expect(write(true).at(-1)!.slice(0, 31)).toBe('T000000003000000000037035000001');
    const f = createFileFormatter(compiled);
    expect(() => f.accept('trailer', compiled.format('trailer', { detailCount: '000000000', amountTotal: 0, batchCount: '000000' }))).toThrow(/only detail records/);
  });
});
