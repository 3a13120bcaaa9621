/**
 * `sdu_receipts` from the sdu-payments records of D (the one place collections are read from):
 * runs after every sdu-payments file of D is staged (FixedWidthInterfaceSpec.afterLoad), in one
 * transaction, set-based. A rerun of D has already discarded D's files, and with them D's
 * receipts, duplicates and rejects (they cascade with the file), so it recomputes the same rows.
 *
 * Each staged detail of D, in file name then line order, is exactly one of:
 * - a receipt: inserted into `sdu_receipts` (obligor matched by SSN against the case extract in
 *   the store; NULL when no or several participants hold the SSN);
 * - a retransmission: its receipt id is already in `sdu_receipts` (an earlier night, or an earlier
 *   line of D) with the same content → counted in `sdu_duplicates`, never a second payment. The
 *   SDU resends receipts (a replayed file part, a resent day); that is not an error in the file;
 * - a rejected record (a row in `rejects`, removed from staging, the file's loaded/rejected counts
 *   moved by one, so read = loaded + rejected still holds and the receipt is not counted):
 *   DUPLICATE_KEY: a receipt id already loaded with other content (two different payments cannot
 *     share an id: the SDU must correct one);
 *   MISSING_REQUIRED reversesReceiptId: a negative amount that names no original;
 *   BAD_NUMBER amount: names an original (a reversal) but the amount is not negative;
 *   DANGLING_REFERENCE reversesReceiptId: the receipt it reverses was never loaded (or is itself
 *     a reversal).
 * So every loaded detail is in `sdu_receipts` or `sdu_duplicates` (the summary counts both).
 */
import type { Db } from '../store/db.ts';
import { stagingTableName } from '../store/staging.ts';
import { fixedLayout } from '../layout/registry.ts';
import { maskValue } from '../types.ts';
import type { RejectReason, RejectRow } from '../types.ts';
import type { InboundFileResult } from './loadInterface.ts';
import { storeRejects } from './loadInterface.ts';

export const SDU_PAYMENTS = 'sdu-payments';
const DETAIL = stagingTableName(SDU_PAYMENTS, 'detail');

/** Fields of the record that decide whether a repeated receipt id is the same receipt. */
const SAME_CONTENT = `r.receipt_date = n.receipt_date AND r.case_id = n.case_id AND r.amount_cents = n.amount_cents
  AND r.source_type = n.source_type AND r.remitter_fein IS n.remitter_fein AND r.document_ref IS n.document_ref
  AND r.reverses_receipt_id IS n.reverses_receipt_id AND o.obligorSsn = n.ssn`;

function fieldPositions(field: string): { start: number; end: number } {
  const rec = fixedLayout(SDU_PAYMENTS).recordTypes.find((r) => r.name === 'detail')!;
  const f = rec.fields.find((x) => x.name === field)!;
  return { start: f.start, end: f.start + f.length - 1 };
}

interface RejectedLine {
  file_id: number;
  file: string;
  line: number;
  reason: RejectReason;
  field: string;
  value: string | null;
  message: string;
}

export function loadSduReceipts(db: Db, businessDate: string, files: InboundFileResult[]): void {
  db.transaction(() => {
    db.exec('DROP TABLE IF EXISTS temp.sdu_new');
    db.prepare(
      `CREATE TEMP TABLE sdu_new AS
       SELECT x.file_id, f.file, x.line, x.receiptId AS receipt_id, x.receiptDate AS receipt_date, x.caseId AS case_id,
              x.obligorSsn AS ssn, x.amount AS amount_cents, x.sourceType AS source_type,
              CASE WHEN x.remitterFein <> '000000000' THEN x.remitterFein END AS remitter_fein,
              x.documentReference AS document_ref, x.reversesReceiptId AS reverses_receipt_id,
              row_number() OVER (ORDER BY f.file, x.line) AS seq,
              row_number() OVER (PARTITION BY x.receiptId ORDER BY f.file, x.line) = 1 AS is_first
       FROM ${DETAIL} x JOIN inbound_files f ON f.file_id = x.file_id
        AND f.business_date = :d AND f.interface = '${SDU_PAYMENTS}' AND f.status = 'loaded'`,
    ).run({ d: businessDate });
    db.exec('CREATE UNIQUE INDEX temp.sdu_new_by_line ON sdu_new (file_id, line)');

    // The first record of each receipt id new tonight, if its sign and reference agree.
    const rejected: RejectedLine[] = [];
    const collect = (sql: string) => rejected.push(...(db.prepare(sql).all({ d: businessDate }) as RejectedLine[]));
    const firstOfId = `n.is_first AND NOT EXISTS (SELECT 1 FROM sdu_receipts r WHERE r.receipt_id = n.receipt_id)`;
    collect(
      `SELECT n.file_id, n.file, n.line, 'MISSING_REQUIRED' AS reason, 'reversesReceiptId' AS field, '' AS value,
              'a negative amount is a reversal and must name the receipt it reverses' AS message
       FROM sdu_new n WHERE ${firstOfId} AND n.amount_cents < 0 AND n.reverses_receipt_id IS NULL
       UNION ALL
       SELECT n.file_id, n.file, n.line, 'BAD_NUMBER', 'amount', CAST(n.amount_cents AS TEXT),
              'a reversal (reversesReceiptId given) must have a negative amount'
       FROM sdu_new n WHERE ${firstOfId} AND n.amount_cents >= 0 AND n.reverses_receipt_id IS NOT NULL`,
    );
    const bad = new Set(rejected.map((r) => `${r.file_id}:${r.line}`));
    const insert = db.prepare(
      `INSERT INTO sdu_receipts (receipt_id, receipt_date, business_date, case_id, obligor_person_id, amount_cents,
                                 source_type, remitter_fein, document_ref, reverses_receipt_id, file_id, line)
       SELECT n.receipt_id, n.receipt_date, :d, n.case_id,
              (SELECT CASE WHEN count(*) = 1 THEN min(p.person_id) END FROM ce_participants p WHERE p.ssn = n.ssn),
              n.amount_cents, n.source_type, n.remitter_fein, n.document_ref, n.reverses_receipt_id, n.file_id, n.line
       FROM sdu_new n
       WHERE ${firstOfId} AND NOT (n.amount_cents < 0 AND n.reverses_receipt_id IS NULL)
         AND NOT (n.amount_cents >= 0 AND n.reverses_receipt_id IS NOT NULL)
       ORDER BY n.seq`,
    );
    insert.run({ d: businessDate });

    // Reversals must name a receipt (not a reversal) loaded tonight or earlier.
    collect(
      `SELECT n.file_id, n.file, n.line, 'DANGLING_REFERENCE' AS reason, 'reversesReceiptId' AS field,
              n.reverses_receipt_id AS value,
              CASE WHEN o.receipt_id IS NULL THEN 'the receipt it reverses was never loaded'
                   ELSE 'it names a reversal, not a receipt' END AS message
       FROM sdu_receipts r JOIN sdu_new n ON n.file_id = r.file_id AND n.line = r.line
       LEFT JOIN sdu_receipts o ON o.receipt_id = r.reverses_receipt_id
       WHERE r.business_date = :d AND r.reverses_receipt_id IS NOT NULL
         AND (o.receipt_id IS NULL OR o.reverses_receipt_id IS NOT NULL)`,
    );
    const dangling = db.prepare('DELETE FROM sdu_receipts WHERE file_id = ? AND line = ?');
    for (const r of rejected) if (r.reason === 'DANGLING_REFERENCE') dangling.run(r.file_id, r.line);
    for (const r of rejected) bad.add(`${r.file_id}:${r.line}`);

    // Every other record of D repeats a receipt id now in sdu_receipts (or one rejected above).
    const repeats = db
      .prepare(
        `SELECT n.file_id, n.file, n.line, n.receipt_id, n.amount_cents,
                r.business_date AS first_date, r.file_id AS first_file_id, r.line AS first_line,
                (${SAME_CONTENT}) AS same
         FROM sdu_new n
         LEFT JOIN sdu_receipts r ON r.receipt_id = n.receipt_id
         LEFT JOIN ${DETAIL} o ON o.file_id = r.file_id AND o.line = r.line
         WHERE NOT (r.file_id IS n.file_id AND r.line IS n.line)
         ORDER BY n.seq`,
      )
      .all() as Array<{
      file_id: number;
      file: string;
      line: number;
      receipt_id: string;
      amount_cents: number;
      first_date: string | null;
      first_file_id: number | null;
      first_line: number | null;
      same: number | null;
    }>;
    const dup = db.prepare(
      `INSERT INTO sdu_duplicates (file_id, line, business_date, receipt_id, first_business_date, first_file_id, first_line, amount_cents)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const n of repeats) {
      if (bad.has(`${n.file_id}:${n.line}`)) continue;
      if (n.first_file_id !== null && n.same === 1) {
        dup.run(n.file_id, n.line, businessDate, n.receipt_id, n.first_date, n.first_file_id, n.first_line, n.amount_cents);
        continue;
      }
      rejected.push({
        file_id: n.file_id,
        file: n.file,
        line: n.line,
        reason: 'DUPLICATE_KEY',
        field: 'receiptId',
        value: n.receipt_id,
        message:
          n.first_file_id === null
            ? 'receipt id of a record rejected earlier in this load'
            : `receipt id already loaded on ${n.first_date} (line ${n.first_line}) with other content: not a second payment`,
      });
    }

    // Rejected records leave staging; their files' counts move from loaded to rejected.
    const unstage = db.prepare(`DELETE FROM ${DETAIL} WHERE file_id = ? AND line = ?`);
    const recount = db.prepare('UPDATE inbound_files SET loaded = loaded - 1, rejected = rejected + 1 WHERE file_id = ?');
    const rows: RejectRow[] = [];
    for (const r of rejected) {
      unstage.run(r.file_id, r.line);
      recount.run(r.file_id);
      const result = files.find((f) => f.file === r.file);
      if (result) {
        result.loaded -= 1;
        result.rejected += 1;
      }
      const pos = fieldPositions(r.field);
      rows.push({
        file: r.file,
        line: r.line,
        recordType: 'detail',
        field: r.field,
        start: pos.start,
        end: pos.end,
        valueMasked: maskValue(r.value ?? ''),
        reason: r.reason,
        message: `${r.file} line ${r.line} detail ${r.field} (${pos.start}-${pos.end}): ${r.message}`,
      });
    }
    storeRejects(db, businessDate, SDU_PAYMENTS, rows);
    db.exec('DROP TABLE temp.sdu_new');
  })();
}

export interface SduReceiptSummary {
  receipts: number;
  reversals: number;
  duplicates: number;
  amountCents: number;
  /** receipts whose SSN matched no participant, or several */
  unmatched: number;
}

/** What D loaded into sdu_receipts and sdu_duplicates (the manifest summary of the collections). */
export function summarizeSduReceipts(db: Db, businessDate: string): SduReceiptSummary {
  const r = db
    .prepare(
      `SELECT count(*) AS receipts, coalesce(sum(reverses_receipt_id IS NOT NULL), 0) AS reversals,
              coalesce(sum(amount_cents), 0) AS cents, coalesce(sum(obligor_person_id IS NULL), 0) AS unmatched
       FROM sdu_receipts WHERE business_date = ?`,
    )
    .get(businessDate) as { receipts: number; reversals: number; cents: number; unmatched: number };
  const d = db.prepare('SELECT count(*) AS n FROM sdu_duplicates WHERE business_date = ?').get(businessDate) as { n: number };
  return { receipts: r.receipts, reversals: r.reversals, duplicates: d.n, amountCents: r.cents, unmatched: r.unmatched };
}
