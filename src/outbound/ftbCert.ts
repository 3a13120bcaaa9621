/**
 * `ftb-cert.txt`: FTB Interagency Intercept certification transactions decided on D (DOMAIN 6.7,
 * layout ftb-cert), written from D's `ftb_ledger` rows ordered by SSN, between the house-style
 * header and trailer (counts per transaction type and the amount total computed from the details;
 * D records carry 0). With nothing to send the file holds header and trailer only. A record that
 * cannot be written turns its decision into SUPPRESS UNWRITABLE_VALUE and removes its ledger row.
 */
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import type { OutboundBuild, RunContext } from '../interfaces.ts';
import { compileLayout, FormatError } from '../layout/codec.ts';
import { fixedLayout } from '../layout/registry.ts';
import type { RecordValues } from '../types.ts';
import { FixedWidthFileBuilder } from './fixedWidthFile.ts';
import { fileSequence, settleWrites, WrittenRefs } from './outputs.ts';
import { identityValues } from './noticeFile.ts';

export const FTB_CERT = 'ftb-cert';
export const FTB_CERT_FILE = 'ftb-cert.txt';

interface LedgerRow {
  decision_id: number;
  action: string;
  ssn: string;
  last_name: string;
  first_name: string;
  middle_name: string | null;
  suffix: string | null;
  dob: string | null;
  case_id: string;
  lcsa_code: string;
  amount_cents: number;
}

let compiled: ReturnType<typeof compileLayout> | undefined;
function codec() {
  return (compiled ??= compileLayout(fixedLayout(FTB_CERT)));
}

export function buildFtbCert(db: Db, businessDate: string, _config: Config, ctx?: RunContext): OutboundBuild {
  const file = new FixedWidthFileBuilder(codec(), FTB_CERT, FTB_CERT_FILE, ctx?.spoolDir);
  file.add('header', { fileCreationDate: businessDate, businessDate, fileSequence: String(fileSequence(db, FTB_CERT, businessDate)) });
  const rows = db
    .prepare(
      `SELECT decision_id, action, ssn, last_name, first_name, middle_name, suffix, dob, case_id, lcsa_code, amount_cents
       FROM ftb_ledger WHERE business_date = ?
       ORDER BY ssn, person_id`,
    )
    .iterate(businessDate) as IterableIterator<LedgerRow>;

  const unwritable: Array<{ decisionId: number; problem: FormatError }> = [];
  const written = new WrittenRefs();
  for (const row of rows) {
    const record = file.check('detail', detailValues(row));
    if (record instanceof FormatError) unwritable.push({ decisionId: row.decision_id, problem: record });
    else written.add(row.decision_id, FTB_CERT_FILE, file.addChecked('detail', record));
  }
  file.close('trailer');

  settleWrites(db, businessDate, 'ftb_ledger', unwritable, written);
  return { files: [file.result()], unwritable: unwritable.length };
}

function detailValues(row: LedgerRow): RecordValues {
  return {
    transactionType: row.action,
    ...identityValues(row),
    caseId: row.case_id,
    lcsaCode: row.lcsa_code,
    debtType: 'CS',
    certifiedAmount: row.action === 'D' ? 0 : row.amount_cents,
  };
}
