/**
 * `cswn.txt`: Child Support Warning Notices to print and mail for D (DOMAIN 6.10, layout cswn),
 * written from the CSWN ledger rows of D in SSN order: the obligor's mailing address from the case
 * extract, the primary case and its LCSA, past-due amount = obligor total, notice date D. Trailer
 * amountTotal = sum of pastDueAmount.
 */
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import type { OutboundBuild, RunContext } from '../interfaces.ts';
import type { RecordValues } from '../types.ts';
import { buildNoticeFile, OBLIGOR_ADDRESS_COLUMNS, obligorAddressValues } from './noticeFile.ts';
import type { ObligorAddressRow } from './noticeFile.ts';

export const CSWN = 'cswn';
const FILE = 'cswn.txt';

interface CswnRow extends ObligorAddressRow {
  decision_id: number;
  case_id: string;
  lcsa_code: string;
  past_due_cents: number;
}

export function buildCswn(db: Db, businessDate: string, _config: Config, ctx?: RunContext): OutboundBuild {
  // person id breaks ties only for obligors without an SSN, whose notices cannot be written anyway
  const rows = () =>
      db
      .prepare(
        `SELECT l.decision_id, l.case_id, l.lcsa_code, l.past_due_cents,
                ${OBLIGOR_ADDRESS_COLUMNS}
         FROM cswn_ledger l
         JOIN ce_participants p ON p.person_id = l.person_id
         WHERE l.business_date = ?
         ORDER BY p.ssn, l.person_id`,
      )
      .iterate(businessDate) as IterableIterator<CswnRow>;
  return buildNoticeFile(db, businessDate, {
    spoolDir: ctx?.spoolDir,
    interfaceId: CSWN,
    file: FILE,
    ledgerTable: 'cswn_ledger',
    rows,
    detail: (row) => detailValues(row, businessDate),
  });
}

function detailValues(row: CswnRow, businessDate: string): Partial<RecordValues> {
  return {
    ...obligorAddressValues(row),
    caseId: row.case_id,
    lcsaCode: row.lcsa_code,
    pastDueAmount: row.past_due_cents,
    noticeDate: businessDate,
  };
}
