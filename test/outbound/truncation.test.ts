/**
 * Issue 11: truncation is visible by field. The file builder counts truncations per
 * `<record>.<field>` and remembers which fields of which line were cut; writeOutbound stores both,
 * the manifest lists `truncatedFields` beside `truncated`, and a file removed from the store takes
 * its truncated lines along.
 */
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db.ts';
import { FixedWidthFileBuilder } from '../../src/outbound/fixedWidthFile.ts';
import { noticeCodec } from '../../src/outbound/noticeFile.ts';
import { writeOutbound } from '../../src/outbound/outputs.ts';
import { buildManifest } from '../../src/runner/manifest.ts';
import { tmpDir } from '../helpers/cli.ts';

const D = '2026-11-20';

function nmsnFile() {
  const file = new FixedWidthFileBuilder(noticeCodec('nmsn'), 'nmsn', 'nmsn.txt');
  file.add('header', { fileCreationDate: D, businessDate: D, fileSequence: '1' });
  const detail = (employerName: string, employerAddressLine1 = '1 MAIN ST') => ({
    employerFein: '941111111', employerName, employerAddressLine1, employerCity: 'FRESNO', employerState: 'CA', employerZip: '93721',
    employeeSsn: '111223333', employeeLastName: 'GARCIA', employeeFirstName: 'ANA', caseId: 'C1', orderId: 'O1', issuingState: 'CA',
    child1LastName: 'GARCIA', child1FirstName: 'ELENA', documentDate: D,
  });
  file.add('detail', detail('A'.repeat(50)));
  file.add('detail', detail('SHORT NAME'));
  file.add('detail', detail('B'.repeat(46), 'C'.repeat(40)));
  file.close('trailer');
  return file.result();
}

describe('truncations by field', () => {
  it('the builder counts them per record.field and keeps the fields cut on each line', () => {
    const r = nmsnFile();
    expect(r.truncated).toBe(3);
    expect(r.truncatedFields).toEqual({ 'detail.employerName': 2, 'detail.employerAddressLine1': 1 });
    expect(r.truncatedLines).toEqual([
      { line: 2, record: 'detail', fields: ['employerName'] },
      { line: 4, record: 'detail', fields: ['employerName', 'employerAddressLine1'] },
    ]);
  });

  it('the manifest lists truncatedFields (keys sorted) next to the truncated count; {} when none; a removed file takes its lines along', () => {
    const db = openDb(':memory:');
    const dir = tmpDir();
    writeOutbound(db, dir, D, nmsnFile());
    writeOutbound(db, dir, D, { interface: 'tasks', file: 'tasks.csv', content: 'x\n', records: {}, controls: {}, truncated: 0 });
    const outputs = buildManifest(db, D).outputs;
    const nmsn = outputs.find((o) => o.interface === 'nmsn')!;
    expect(Object.keys(nmsn)).toEqual(['interface', 'file', 'bytes', 'sha256', 'records', 'controls', 'truncated', 'truncatedFields']);
    expect(nmsn.truncated).toBe(3);
    expect(JSON.stringify(nmsn.truncatedFields)).toBe('{"detail.employerAddressLine1":1,"detail.employerName":2}');
    expect(outputs.find((o) => o.interface === 'tasks')!.truncatedFields).toEqual({});
    expect(db.prepare('SELECT line, record, fields FROM output_truncations ORDER BY line').all()).toEqual([
      { line: 2, record: 'detail', fields: '["employerName"]' },
      { line: 4, record: 'detail', fields: '["employerName","employerAddressLine1"]' },
    ]);
    // a rerun that writes the file again replaces its lines; a file removed from the store drops them
    writeOutbound(db, dir, D, nmsnFile());
    expect(db.prepare('SELECT count(*) AS n FROM output_truncations').get()).toEqual({ n: 2 });
    db.prepare(`DELETE FROM output_files WHERE file = 'nmsn.txt'`).run();
    expect(db.prepare('SELECT count(*) AS n FROM output_truncations').get()).toEqual({ n: 0 });
  });
});
