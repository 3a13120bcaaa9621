/**
 * `csln-submission.txt`: the CSLN listing transactions decided on D (src/rules/csln.ts, layout
 * csln-submission), written from D's `csln_ledger` rows ordered by SSN between the house-style
 * header and trailer (counts per transaction type and the amount total computed from the details;
 * D records carry 0). Only on the nights the submission is due: on the others nothing is written
 * and an earlier file of D stands (`keepEarlier`, as Metro 2). A due night with nothing to send has
 * header and trailer only (CSLN then knows the week was processed). A record that cannot be written
 * turns its decision into SUPPRESS UNWRITABLE_VALUE and removes its ledger row.
 */
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import type { OutboundBuild, RunContext } from '../interfaces.ts';
import type { RecordValues } from '../types.ts';
import { cslnDue, CSLN_SUBMISSION } from '../rules/csln.ts';
import { buildNoticeFile, identityValues } from './noticeFile.ts';
import type { IdentityRow } from './noticeFile.ts';

export const CSLN_SUBMISSION_FILE = 'csln-submission.txt';

interface LedgerRow extends IdentityRow {
  decision_id: number;
  action: string;
  case_id: string;
  lcsa_code: string;
  amount_cents: number;
}

export function buildCslnSubmission(db: Db, businessDate: string, config: Config, ctx: RunContext): OutboundBuild {
  if (cslnDue(businessDate, config, ctx) === 'NOT_DUE') return { files: [], unwritable: 0, keepEarlier: true };
  const rows = () =>
    db
      .prepare(
        `SELECT decision_id, action, ssn, last_name, first_name, middle_name, suffix, dob, case_id, lcsa_code, amount_cents
         FROM csln_ledger WHERE business_date = ?
         ORDER BY ssn, person_id`,
      )
      .iterate(businessDate) as IterableIterator<LedgerRow>;
  return buildNoticeFile(db, businessDate, {
    spoolDir: ctx.spoolDir,
    interfaceId: CSLN_SUBMISSION,
    file: CSLN_SUBMISSION_FILE,
    ledgerTable: 'csln_ledger',
    rows,
    detail: detailValues,
  });
}

function detailValues(row: LedgerRow): Partial<RecordValues> {
  return {
    transactionType: row.action,
    ...identityValues(row),
    caseId: row.case_id,
    lcsaCode: row.lcsa_code,
    totalOwed: row.action === 'D' ? 0 : row.amount_cents,
  };
}
