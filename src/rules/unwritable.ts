/**
 * DOMAIN 6: "A record that cannot be written (a value that does not fit its field) turns its
 * decision into SUPPRESS with UNWRITABLE_VALUE, leaves the ledger unchanged and makes the run exit 1."
 * The decision keeps what it would have done and where writing failed (field, positions, masked value).
 */
import type { Db } from '../store/db.ts';
import type { FormatError } from '../layout/codec.ts';

export function markUnwritable(db: Db, decisionId: number, problem: FormatError): void {
  db.prepare(
    `UPDATE decisions
        SET outcome = 'SUPPRESS', reason_codes = 'UNWRITABLE_VALUE', amount_cents = NULL, output_ref = NULL,
            facts = json_set(facts, '$.unwritable', json_object(
              'wouldBe', outcome, 'amountCents', amount_cents, 'record', :record, 'field', :field,
              'start', :start, 'end', :end, 'valueMasked', :valueMasked, 'message', :message))
      WHERE decision_id = :id`,
  ).run({
    id: decisionId,
    record: problem.recordType,
    field: problem.field,
    start: problem.start,
    end: problem.end,
    valueMasked: problem.valueMasked,
    message: problem.message,
  });
}
