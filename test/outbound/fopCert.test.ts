/**
 * fop-cert.txt (layout fop-cert): records decoded with the layout codec; order by SSN then case
 * type; fields by transaction; CTL counts and whole-dollar sums (D, B, Z, R add 0); a file with the
 * CTL record only when nothing is sent; an unwritable record leaves the ledger unchanged.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { computeDerivedFacts } from '../../src/rules/derived.ts';
import { decideFop } from '../../src/rules/fop.ts';
import { buildFopCert } from '../../src/outbound/fopCert.ts';
import { caseRow, D, decisions, person, World } from '../helpers/world.ts';
import { decodeRecords } from '../helpers/records.ts';

const config = parseConfig({});
let w: World;

function night(date = D) {
  computeDerivedFacts(w.db, date, config);
  decideFop(w.db, date, config);
  const build = buildFopCert(w.db, date, config);
  expect(build.files).toHaveLength(1);
  const file = build.files[0]!;
  const lines = [...(file.content as readonly string[])];
  const parsed = decodeRecords('fop-cert', lines).map((p) => ({ record: p.record, ...p.values }) as Record<string, string | number | null>);
  return { build, file, lines, parsed };
}

function obligor(id: string, ssn: string, over: Record<string, string | number | null> = {}) {
  w.addPerson(person(id, { ssn, last_name: `NAME${id}` }));
  w.addCase(caseRow(`C${id}`, id, { pon_sent_date: '2026-01-15', ...over }));
}

beforeEach(() => {
  w = new World();
});

describe('fop-cert.txt', () => {
  it('orders by SSN then case type A before N, with the A fields and computed CTL controls', () => {
    obligor('P2', '222000000', { arrears_state: 30099, arrears_family: 70050 });
    obligor('P1', '333000000', { arrears_family: 250000 });
    obligor('P3', '111000000', { arrears_state: 15000, arrears_family: 0, oldest_unpaid_due_date: '2026-11-01' });
    const { parsed, file } = night();
    expect(parsed.map((r) => [r.record, r.ssn ?? null, r.caseType ?? null, r.transactionType ?? null])).toEqual([
      ['tanfDetail', '111000000', 'A', 'A'],
      ['tanfDetail', '222000000', 'A', 'A'],
      ['nonTanfDetail', '222000000', 'N', 'A'],
      ['nonTanfDetail', '333000000', 'N', 'A'],
      ['trailer', null, null, null],
    ]);
    expect(parsed[0]).toMatchObject({
      submittingState: 'CA', localCode: '037', caseId: 'CP3', lastName: 'NAMEP3', firstName: 'MARIA', arrearageAmount: 150,
      addressLine1: '1 MAIN ST', city: 'LOS ANGELES', state: 'CA', zip: '90012', preOffsetNoticeDate: '2026-01-15',
      exclusionIndicators: 'ADM,RET,SAL,VEN,PAS',
    });
    expect(parsed[1]).toMatchObject({ arrearageAmount: 300, exclusionIndicators: 'PAS' });
    expect(parsed[2]).toMatchObject({ arrearageAmount: 700, exclusionIndicators: 'PAS' });
    expect(parsed[3]).toMatchObject({ arrearageAmount: 2500, exclusionIndicators: 'PAS' });
    expect(parsed[4]).toMatchObject({ controlLiteral: 'CTL', tanfRecordCount: '000000002', nonTanfRecordCount: '000000002', tanfAmountTotal: 450, nonTanfAmountTotal: 3200 });
    expect(file.controls).toEqual({ 'trailer.tanfRecordCount': '000000002', 'trailer.nonTanfRecordCount': '000000002', 'trailer.tanfAmountTotal': 450, 'trailer.nonTanfAmountTotal': 3200 });
    expect(file.records).toEqual({ tanfDetail: 2, nonTanfDetail: 2, trailer: 1 });
    const refs = decisions(w.db, 'fop').map((d) => [d.subject_key, (w.db.prepare('SELECT output_ref FROM decisions WHERE subject_key = ?').get(d.subject_key) as { output_ref: string }).output_ref]);
    expect(refs).toEqual([
      ['P1|N', 'fop-cert.txt:4'],
      ['P2|A', 'fop-cert.txt:2'],
      ['P2|N', 'fop-cert.txt:3'],
      ['P3|A', 'fop-cert.txt:1'],
    ]);
  });

  it('B, Z, M, R and D carry only their fields; D and the others add nothing to the sums', () => {
    obligor('P1', '111000000');
    obligor('P2', '222000000');
    night('2026-11-16');
    w.db.prepare(`UPDATE ce_participants SET last_name = 'LOPEZ', address_line1 = '9 OAK AVE' WHERE person_id = 'P1'`).run();
    w.db.prepare(`UPDATE ce_cases SET arrears_family = 600000, passport_appeal_approved = 'Y' WHERE case_id = 'CP1'`).run();
    w.db.prepare(`UPDATE ce_cases SET status = 'CLOSED', closure_reason = 'PAID' WHERE case_id = 'CP2'`).run();
    const got: Array<Record<string, unknown>> = [];
    for (const date of ['2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20']) {
      const { parsed } = night(date);
      got.push(...parsed);
    }
    const details = got.filter((r) => r.record !== 'trailer');
    const blankA = { localCode: null, caseId: null, preOffsetNoticeDate: null };
    expect(details[0]).toMatchObject({ ssn: '111000000', transactionType: 'B', lastName: 'LOPEZ', firstName: 'MARIA', arrearageAmount: 0, addressLine1: null, exclusionIndicators: null, ...blankA });
    expect(details[1]).toMatchObject({ ssn: '222000000', transactionType: 'D', lastName: 'NAMEP2', firstName: null, arrearageAmount: 0, addressLine1: null, city: null, ...blankA });
    expect(details[2]).toMatchObject({ transactionType: 'Z', lastName: 'LOPEZ', firstName: null, arrearageAmount: 0, addressLine1: '9 OAK AVE', city: 'LOS ANGELES', zip: '90012', exclusionIndicators: null, ...blankA });
    expect(details[3]).toMatchObject({ transactionType: 'M', lastName: 'LOPEZ', arrearageAmount: 6000, addressLine1: null, exclusionIndicators: null, ...blankA });
    expect(details[4]).toMatchObject({ transactionType: 'R', lastName: 'LOPEZ', arrearageAmount: 0, exclusionIndicators: 'PAS', ...blankA });
    expect(details).toHaveLength(5);
    const trailers = got.filter((r) => r.record === 'trailer');
    expect(trailers.map((t) => [t.nonTanfRecordCount, t.nonTanfAmountTotal])).toEqual([
      ['000000002', 0], // B + D
      ['000000001', 0], // Z
      ['000000001', 6000], // M
      ['000000001', 0], // R
    ]);
  });

  it('writes the CTL record alone when nothing is sent', () => {
    const { lines, parsed, file } = night();
    expect(lines).toHaveLength(1);
    expect(parsed[0]).toMatchObject({ record: 'trailer', submittingState: 'CA', tanfRecordCount: '000000000', nonTanfRecordCount: '000000000', tanfAmountTotal: 0, nonTanfAmountTotal: 0 });
    expect(file.file).toBe('fop-cert.txt');
  });

  it('a record that does not fit is SUPPRESS UNWRITABLE_VALUE and leaves the ledger unchanged', () => {
    obligor('P1', '111000000');
    w.addPerson(person('P2', { ssn: '222000000' }));
    w.addCase(caseRow('C-CASE-ID-TOO-LONG-9', 'P2', { pon_sent_date: '2026-01-15' }));
    const { build, parsed } = night();
    expect(build.unwritable).toBe(1);
    expect(parsed.map((r) => r.ssn ?? 'CTL')).toEqual(['111000000', 'CTL']);
    const d = decisions(w.db, 'fop').find((r) => r.subject_key === 'P2|N')!;
    expect(d).toMatchObject({ outcome: 'SUPPRESS', reason_codes: 'UNWRITABLE_VALUE', amount_cents: null });
    expect(JSON.parse(d.facts).unwritable).toMatchObject({ wouldBe: 'ISSUE', field: 'caseId', start: 15, end: 29 });
    expect(w.db.prepare('SELECT person_id FROM fop_ledger').all()).toEqual([{ person_id: 'P1' }]);
    // the next night it is still not certified, so it is tried as an A again
    computeDerivedFacts(w.db, '2026-11-21', config);
    decideFop(w.db, '2026-11-21', config);
    expect(decisions(w.db, 'fop', '2026-11-21').find((r) => r.subject_key === 'P2|N')).toMatchObject({ outcome: 'ISSUE' });
  });
});
