/**
 * `fop-cert.txt`: Federal Offset Program case submissions (Chart E-1) for the transactions decided
 * on D (DOMAIN 6.6, layout fop-cert), written from D's `fop_ledger` rows, ordered by SSN then case
 * type (A before N), and the CTL control record (E-2) with counts and whole-dollar sums computed
 * from the details. Fields by transaction (DOMAIN 6.6 Details, icd notes): amount on A and M only,
 * address on A and Z, exclusions on A and R, first name on A and B, local code, case id and
 * pre-offset notice date on A, the current last name on every record; unused fields blank/zero (so
 * B, Z, R and D add 0 to the amount sums). With nothing to send the file holds the CTL record only.
 * A record that cannot be written turns its decision into SUPPRESS UNWRITABLE_VALUE and removes
 * its ledger row (the ledger stays as it was before D).
 */
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import type { OutboundBuild, RunContext } from '../interfaces.ts';
import { compileLayout, FormatError } from '../layout/codec.ts';
import { fixedLayout } from '../layout/registry.ts';
import type { RecordValues } from '../types.ts';
import { FixedWidthFileBuilder } from './fixedWidthFile.ts';
import { settleWrites, WrittenRefs } from './outputs.ts';

export const FOP_CERT = 'fop-cert';
export const FOP_CERT_FILE = 'fop-cert.txt';

interface LedgerRow {
  decision_id: number;
  case_type: 'A' | 'N';
  action: string;
  ssn: string;
  case_id: string | null;
  local_code: string | null;
  last_name: string;
  first_name: string | null;
  address_line1: string | null;
  address_line2: string | null;
  city: string | null;
  state: string | null;
  zip: string | null;
  amount_dollars: number;
  exclusions: string;
  pon_date: string | null;
}

let compiled: ReturnType<typeof compileLayout> | undefined;
function codec() {
  return (compiled ??= compileLayout(fixedLayout(FOP_CERT)));
}

export function buildFopCert(db: Db, businessDate: string, _config: Config, ctx?: RunContext): OutboundBuild {
  const file = new FixedWidthFileBuilder(codec(), FOP_CERT, FOP_CERT_FILE, ctx?.spoolDir);
  // Iterated, not loaded whole; the connection cannot write while the iterator is open, so
  // unwritable records are flipped afterwards.
  const rows = db
    .prepare(
      `SELECT decision_id, case_type, action, ssn, case_id, local_code, last_name, first_name,
              address_line1, address_line2, city, state, zip, amount_dollars, exclusions, pon_date
       FROM fop_ledger
       WHERE business_date = ? AND action IS NOT NULL
       ORDER BY ssn, case_type`,
    )
    .iterate(businessDate) as IterableIterator<LedgerRow>;

  const unwritable: Array<{ decisionId: number; problem: FormatError }> = [];
  const written = new WrittenRefs();
  for (const row of rows) {
    const recordName = row.case_type === 'A' ? 'tanfDetail' : 'nonTanfDetail';
    const record = file.check(recordName, detailValues(row));
    if (record instanceof FormatError) unwritable.push({ decisionId: row.decision_id, problem: record });
    else written.add(row.decision_id, FOP_CERT_FILE, file.addChecked(recordName, record));
  }
  file.close('trailer');

  settleWrites(db, businessDate, 'fop_ledger', unwritable, written);
  return { files: [file.result()], unwritable: unwritable.length };
}

/** The E-1 fields a transaction carries; everything else stays blank (A/AN) or zero (N/DATE). */
function detailValues(row: LedgerRow): RecordValues {
  const a = row.action;
  const values: RecordValues = {
    ssn: row.ssn,
    lastName: row.last_name,
    transactionType: a,
  };
  if (a === 'A') {
    values.localCode = row.local_code;
    values.caseId = row.case_id;
    values.preOffsetNoticeDate = row.pon_date;
  }
  if (a === 'A' || a === 'B') values.firstName = row.first_name;
  if (a === 'A' || a === 'M') values.arrearageAmount = row.amount_dollars;
  if (a === 'A' || a === 'Z') {
    values.addressLine1 = row.address_line1;
    values.addressLine2 = row.address_line2;
    values.city = row.city;
    values.state = row.state;
    values.zip = row.zip;
  }
  if (a === 'A' || a === 'R') values.exclusionIndicators = row.exclusions === '' ? null : row.exclusions;
  return values;
}
