/**
 * sdu_receipts from the staged sdu-payments records of D (src/inbound/sduReceipts.ts): one row per
 * receipt id, retransmissions counted, conflicting duplicates and broken reversals rejected with
 * their line, field and positions; a rerun of D replaces D's rows.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { loadSduReceipts, summarizeSduReceipts } from '../../src/inbound/sduReceipts.ts';
import type { InboundFileResult } from '../../src/inbound/loadInterface.ts';
import { discardInterfaceDate } from '../../src/inbound/loadInterface.ts';
import { D, person, World } from '../helpers/world.ts';

const D0 = '2026-11-19';
let w: World;

function detail(fileId: number, over: Record<string, string | number | null> = {}): number {
  return w.addStaged('sdu-payments', 'detail', fileId, {
    recordType: 'D', receiptId: 'R1', receiptDate: '2026-11-18', caseId: 'C1', obligorSsn: '111223333', amount: 25000,
    sourceType: 'WAGE', remitterFein: '941111111', documentReference: 'C1202610060001', reversesReceiptId: null, ...over,
  });
}

function result(file: string, loaded: number): InboundFileResult {
  return { interface: 'sdu-payments', file, bytes: 0, sha256: '', status: 'loaded', read: loaded, loaded, rejected: 0 };
}

function receipts() {
  return w.db.prepare('SELECT receipt_id, business_date, obligor_person_id, amount_cents, remitter_fein, reverses_receipt_id, line FROM sdu_receipts ORDER BY receipt_id').all();
}

function rejects(date = D) {
  return w.db.prepare('SELECT file, line, record_type, field, start_pos, end_pos, value_masked, reason FROM rejects WHERE business_date = ? ORDER BY line').all(date);
}

beforeEach(() => {
  w = new World();
  w.addPerson(person('P1', { ssn: '111223333' }));
  w.addPerson(person('P2', { ssn: '555667777' }));
  w.addPerson(person('P3', { ssn: '555667777' }));
});

describe('sdu_receipts', () => {
  it('one row per receipt: obligor matched by SSN (NULL for none or several), zeros FEIN = no remitter', () => {
    const f = w.addFile('sdu-payments', 'SDU.txt');
    detail(f);
    detail(f, { receiptId: 'R2', obligorSsn: '999999999', sourceType: 'NCP', remitterFein: null });
    detail(f, { receiptId: 'R3', obligorSsn: '555667777', sourceType: 'NCP', remitterFein: '000000000' });
    loadSduReceipts(w.db, D, [result('SDU.txt', 3)]);
    expect(receipts()).toEqual([
      { receipt_id: 'R1', business_date: D, obligor_person_id: 'P1', amount_cents: 25000, remitter_fein: '941111111', reverses_receipt_id: null, line: 1 },
      { receipt_id: 'R2', business_date: D, obligor_person_id: null, amount_cents: 25000, remitter_fein: null, reverses_receipt_id: null, line: 2 },
      { receipt_id: 'R3', business_date: D, obligor_person_id: null, amount_cents: 25000, remitter_fein: null, reverses_receipt_id: null, line: 3 },
    ]);
    expect(rejects()).toEqual([]);
  });

  it('a receipt id already loaded with the same content (same night or earlier) is a counted duplicate, not a second payment', () => {
    const f0 = w.addFile('sdu-payments', 'SDU-1119.txt', D0);
    detail(f0);
    loadSduReceipts(w.db, D0, [result('SDU-1119.txt', 1)]);
    const f = w.addFile('sdu-payments', 'SDU-1120.txt');
    detail(f);
    detail(f, { receiptId: 'R2' });
    detail(f, { receiptId: 'R2' });
    const results = [result('SDU-1120.txt', 3)];
    loadSduReceipts(w.db, D, results);
    expect(receipts()).toMatchObject([{ receipt_id: 'R1', business_date: D0 }, { receipt_id: 'R2', business_date: D, line: 2 }]);
    expect(w.db.prepare('SELECT line, receipt_id, first_business_date, first_line FROM sdu_duplicates ORDER BY line').all()).toEqual([
      { line: 1, receipt_id: 'R1', first_business_date: D0, first_line: 1 },
      { line: 3, receipt_id: 'R2', first_business_date: D, first_line: 2 },
    ]);
    expect(summarizeSduReceipts(w.db, D)).toEqual({ receipts: 1, reversals: 0, duplicates: 2, amountCents: 25000, unmatched: 0 });
    expect(results[0]).toMatchObject({ loaded: 3, rejected: 0 });
  });

  it('DUPLICATE_KEY: a receipt id already loaded with other content is rejected (line, field, positions), staged row removed, counts moved', () => {
    const f = w.addFile('sdu-payments', 'SDU.txt');
    detail(f);
    detail(f, { amount: 99900 });
    w.db.prepare('UPDATE inbound_files SET read = 2, loaded = 2 WHERE file_id = ?').run(f);
    const results = [result('SDU.txt', 2)];
    loadSduReceipts(w.db, D, results);
    expect(receipts()).toMatchObject([{ receipt_id: 'R1', amount_cents: 25000 }]);
    expect(rejects()).toEqual([{ file: 'SDU.txt', line: 2, record_type: 'detail', field: 'receiptId', start_pos: 2, end_pos: 21, value_masked: 'R1', reason: 'DUPLICATE_KEY' }]);
    expect(results[0]).toMatchObject({ loaded: 1, rejected: 1 });
    expect(w.db.prepare('SELECT loaded, rejected FROM inbound_files WHERE file_id = ?').get(f)).toEqual({ loaded: 1, rejected: 1 });
    expect(w.db.prepare('SELECT count(*) AS n FROM stg_sdu_payments_detail').get()).toEqual({ n: 1 });
  });

  it('a reversal names its original: negative amount, own receipt id; broken ones are rejected', () => {
    const f = w.addFile('sdu-payments', 'SDU.txt');
    detail(f);
    detail(f, { receiptId: 'R1-REV', amount: -25000, reversesReceiptId: 'R1' });
    detail(f, { receiptId: 'R2', amount: -100 });
    detail(f, { receiptId: 'R3', reversesReceiptId: 'R1' });
    detail(f, { receiptId: 'R4', amount: -100, reversesReceiptId: 'NO-SUCH' });
    detail(f, { receiptId: 'R5', amount: -100, reversesReceiptId: 'R1-REV' });
    loadSduReceipts(w.db, D, [result('SDU.txt', 6)]);
    expect(receipts()).toMatchObject([{ receipt_id: 'R1' }, { receipt_id: 'R1-REV', amount_cents: -25000, reverses_receipt_id: 'R1' }]);
    expect(rejects().map((r) => [(r as { line: number }).line, (r as { field: string }).field, (r as { reason: string }).reason])).toEqual([
      [3, 'reversesReceiptId', 'MISSING_REQUIRED'],
      [4, 'amount', 'BAD_NUMBER'],
      [5, 'reversesReceiptId', 'DANGLING_REFERENCE'],
      [6, 'reversesReceiptId', 'DANGLING_REFERENCE'],
    ]);
    expect(summarizeSduReceipts(w.db, D)).toMatchObject({ receipts: 2, reversals: 1, amountCents: 0 });
  });

  it('a rerun of D replaces D’s receipts and duplicates (they go with D’s files)', () => {
    const f = w.addFile('sdu-payments', 'SDU.txt');
    detail(f);
    detail(f);
    loadSduReceipts(w.db, D, [result('SDU.txt', 2)]);
    discardInterfaceDate(w.db, 'sdu-payments', D);
    expect(receipts()).toEqual([]);
    expect(w.db.prepare('SELECT count(*) AS n FROM sdu_duplicates').get()).toEqual({ n: 0 });
  });
});
