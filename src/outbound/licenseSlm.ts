/**
 * `license-slm.txt`: the night's certifications (A) and releases (R) to the licensing boards
 * (DOMAIN 6.5, layout license-slm), written from the license ledger rows of D. One consolidated
 * file for every board: header, details by SSN then board code, trailer with the computed counts;
 * header and trailer only when nothing is sent. A record that cannot be written turns its decision
 * into SUPPRESS UNWRITABLE_VALUE and its ledger row is removed (the ledger stays as it was).
 */
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import type { OutboundBuild, RunContext } from '../interfaces.ts';
import { compileLayout, FormatError } from '../layout/codec.ts';
import { fixedLayout } from '../layout/registry.ts';
import type { RecordValues } from '../types.ts';
import { FixedWidthFileBuilder } from './fixedWidthFile.ts';
import { fileSequence, settleWrites, WrittenRefs } from './outputs.ts';

export const LICENSE_SLM = 'license-slm';
export const LICENSE_SLM_FILE = 'license-slm.txt';

interface LedgerRow {
  decision_id: number;
  dtl_values: string;
}

let compiled: ReturnType<typeof compileLayout> | undefined;
function codec() {
  return (compiled ??= compileLayout(fixedLayout(LICENSE_SLM)));
}

export function buildLicenseSlm(db: Db, businessDate: string, _config: Config, ctx?: RunContext): OutboundBuild {
  const file = new FixedWidthFileBuilder(codec(), LICENSE_SLM, LICENSE_SLM_FILE, ctx?.spoolDir);
  file.add('header', { fileCreationDate: businessDate, businessDate, fileSequence: String(fileSequence(db, LICENSE_SLM, businessDate)) });

  // Iterated, not loaded whole; the connection cannot write while the iterator is open, so
  // unwritable records and output references are applied after. Natural key: SSN then board code
  // (plain byte order of the ASCII values; a missing SSN sorts first and cannot be written).
  const rows = db
    .prepare(
      `SELECT decision_id, dtl_values FROM license_ledger
       WHERE business_date = ?
       ORDER BY ssn, board_code, person_id`,
    )
    .iterate(businessDate) as IterableIterator<LedgerRow>;

  const unwritable: Array<{ decisionId: number; problem: FormatError }> = [];
  const written = new WrittenRefs();
  for (const row of rows) {
    const record = file.check('detail', JSON.parse(row.dtl_values) as RecordValues);
    if (record instanceof FormatError) unwritable.push({ decisionId: row.decision_id, problem: record });
    else written.add(row.decision_id, LICENSE_SLM_FILE, file.addChecked('detail', record));
  }
  file.close('trailer');

  settleWrites(db, businessDate, 'license_ledger', unwritable, written);
  return { files: [file.result()], unwritable: unwritable.length };
}
