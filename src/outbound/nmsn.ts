/**
 * `nmsn.txt`: National Medical Support Notices sent on D (DOMAIN 6.3, layout nmsn), written from the
 * NMSN ledger rows of D: one detail per (case, FEIN) in case id then FEIN order, the employer from
 * the employer the notice went to, the employee (obligor) from the case extract, the children the
 * ledger recorded (first six by child_seq; unused slots blank), document date D.
 */
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import type { OutboundBuild, RunContext } from '../interfaces.ts';
import type { RecordValues } from '../types.ts';
import { buildNoticeFile, wireZip } from './noticeFile.ts';
import type { IdentityRow } from './noticeFile.ts';

export const NMSN = 'nmsn';
const FILE = 'nmsn.txt';

interface NmsnRow extends IdentityRow {
  decision_id: number;
  case_id: string;
  fein: string;
  order_id: string;
  children: string;
  employer_name: string;
  employer_line1: string | null;
  employer_line2: string | null;
  employer_city: string | null;
  employer_state: string | null;
  employer_zip: string | null;
}

interface Child {
  lastName: string;
  firstName: string;
  dob: string | null;
}

export function buildNmsn(db: Db, businessDate: string, _config: Config, ctx?: RunContext): OutboundBuild {
  const rows = () =>
      db
      .prepare(
        `SELECT l.decision_id, l.case_id, l.fein, l.order_id, l.children,
                e.name AS employer_name, e.address_line1 AS employer_line1, e.address_line2 AS employer_line2,
                e.city AS employer_city, e.state AS employer_state, e.zip AS employer_zip,
                p.ssn, p.last_name, p.first_name, p.middle_name, p.suffix, p.dob
         FROM nmsn_ledger l
         JOIN ce_employers e ON e.employer_id = l.employer_id
         JOIN ce_participants p ON p.person_id = l.person_id
         WHERE l.business_date = ?
         ORDER BY l.case_id, l.fein`,
      )
      .iterate(businessDate) as IterableIterator<NmsnRow>;
  return buildNoticeFile(db, businessDate, {
    spoolDir: ctx?.spoolDir,
    interfaceId: NMSN,
    file: FILE,
    ledgerTable: 'nmsn_ledger',
    rows,
    detail: (row) => detailValues(row, businessDate),
  });
}

function detailValues(row: NmsnRow, businessDate: string): Partial<RecordValues> {
  const values: Partial<RecordValues> = {
    employerFein: row.fein,
    employerName: row.employer_name,
    employerAddressLine1: row.employer_line1,
    employerAddressLine2: row.employer_line2,
    employerCity: row.employer_city,
    employerState: row.employer_state,
    employerZip: wireZip(row.employer_zip),
    employeeSsn: row.ssn,
    employeeLastName: row.last_name,
    employeeFirstName: row.first_name,
    employeeMiddleName: row.middle_name,
    employeeSuffix: row.suffix,
    employeeDob: row.dob,
    caseId: row.case_id,
    orderId: row.order_id,
    issuingState: 'CA',
    documentDate: businessDate,
  };
  // Child 1 is required by the layout: a case with no child on file cannot be written
  // (UNWRITABLE_VALUE on child1LastName) and is retried on a later night.
  const children = JSON.parse(row.children) as Child[];
  children.forEach((c, i) => {
    const n = i + 1;
    values[`child${n}LastName`] = c.lastName;
    values[`child${n}FirstName`] = c.firstName;
    values[`child${n}Dob`] = c.dob;
  });
  return values;
}
