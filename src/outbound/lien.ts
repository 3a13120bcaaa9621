/**
 * `lien.txt`: abstracts of support judgment for county recorders filed on D (DOMAIN 6.9, layout
 * lien), written from the lien ledger rows of D in case id then county order: the county, the
 * judgment debtor (obligor) from the case extract, judgment amount, interest rate, lien type and
 * abstract date as the ledger recorded them. Trailer amountTotal = sum of judgmentAmount.
 */
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import type { OutboundBuild, RunContext } from '../interfaces.ts';
import type { RecordValues } from '../types.ts';
import { buildNoticeFile, OBLIGOR_ADDRESS_COLUMNS, obligorAddressValues } from './noticeFile.ts';
import type { ObligorAddressRow } from './noticeFile.ts';

export const LIEN = 'lien';
const FILE = 'lien.txt';

interface LienRow extends ObligorAddressRow {
  decision_id: number;
  case_id: string;
  county_code: string;
  order_id: string;
  judgment_cents: number;
  interest_rate_thousandths: number;
  lien_type: string;
}

export function buildLien(db: Db, businessDate: string, _config: Config, ctx?: RunContext): OutboundBuild {
  const rows = () =>
      db
      .prepare(
        `SELECT l.decision_id, l.case_id, l.county_code, l.order_id, l.judgment_cents, l.interest_rate_thousandths,
                l.lien_type, ${OBLIGOR_ADDRESS_COLUMNS}
         FROM lien_ledger l
         JOIN ce_participants p ON p.person_id = l.person_id
         WHERE l.business_date = ?
         ORDER BY l.case_id, l.county_code`,
      )
      .iterate(businessDate) as IterableIterator<LienRow>;
  return buildNoticeFile(db, businessDate, {
    spoolDir: ctx?.spoolDir,
    interfaceId: LIEN,
    file: FILE,
    ledgerTable: 'lien_ledger',
    rows,
    detail: (row) => detailValues(row, businessDate),
  });
}

function detailValues(row: LienRow, businessDate: string): Partial<RecordValues> {
  return {
    countyCode: row.county_code,
    ...obligorAddressValues(row),
    caseId: row.case_id,
    orderId: row.order_id,
    judgmentAmount: row.judgment_cents,
    interestRate: row.interest_rate_thousandths,
    abstractDate: businessDate,
    lienType: row.lien_type,
  };
}
