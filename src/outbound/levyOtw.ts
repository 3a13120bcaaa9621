/**
 * `levy-otw.txt`: Orders to Withhold for the accounts levied on D (DOMAIN 6.4, layout levy-otw),
 * written from the levy ledger and its decisions. One batch per institution (FEIN ascending), orders
 * by SSN then account number, header/batch/file trailers with computed controls. An order that
 * cannot be written turns its decision into SUPPRESS UNWRITABLE_VALUE and leaves the ledger as if
 * it had not been levied.
 */
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import type { OutboundBuild } from '../interfaces.ts';
import { compileLayout } from '../layout/codec.ts';
import { fixedLayout } from '../layout/registry.ts';
import type { RecordValues } from '../types.ts';
import { FixedWidthFileBuilder } from './fixedWidthFile.ts';
import { fileSequence } from './outputs.ts';
import { markUnwritable } from '../rules/unwritable.ts';

export const LEVY_OTW = 'levy-otw';
const FILE = 'levy-otw.txt';

interface Institution {
  name: string;
  street: string | null;
  city: string | null;
  state: string | null;
  zip5: string | null;
  zip4: string | null;
}

interface OrderRow {
  decision_id: number;
  fein: string;
  account_number: string;
  case_id: string;
  amount_cents: number;
  facts: string;
  ssn: string;
  last_name: string;
  first_name: string;
  middle_name: string | null;
  suffix: string | null;
}

let compiled: ReturnType<typeof compileLayout> | undefined;
function codec() {
  return (compiled ??= compileLayout(fixedLayout(LEVY_OTW)));
}

export function buildLevyOtw(db: Db, businessDate: string, _config: Config): OutboundBuild {
  const orders = db
    .prepare(
      `SELECT l.decision_id, l.fein, l.account_number, l.case_id, l.amount_cents, d.facts,
              p.ssn, p.last_name, p.first_name, p.middle_name, p.suffix
       FROM levy_ledger l
       JOIN decisions d ON d.decision_id = l.decision_id
       JOIN ce_participants p ON p.person_id = l.person_id
       WHERE l.business_date = ?
       ORDER BY l.fein, p.ssn, l.account_number`,
    )
    .all(businessDate) as OrderRow[];

  const file = new FixedWidthFileBuilder(codec(), LEVY_OTW, FILE);
  file.add('header', { fileCreationDate: businessDate, businessDate, fileSequence: String(fileSequence(db, LEVY_OTW, businessDate)) });
  let unwritable = 0;
  const written: Array<{ decisionId: number; line: number }> = [];

  for (let i = 0; i < orders.length; ) {
    const fein = orders[i]!.fein;
    const batch: OrderRow[] = [];
    while (i < orders.length && orders[i]!.fein === fein) batch.push(orders[i++]!);

    // Format the batch's orders first: a batch whose every order is unwritable is not opened.
    const details: Array<{ row: OrderRow; values: RecordValues }> = [];
    for (const row of batch) {
      const values = detailValues(row, businessDate);
      const problem = file.check('detail', values);
      if (problem) {
        markUnwritable(db, row.decision_id, problem);
        db.prepare('DELETE FROM levy_ledger WHERE decision_id = ?').run(row.decision_id);
        unwritable++;
      } else details.push({ row, values });
    }
    if (details.length === 0) continue;
    const header = batchHeaderValues(fein, JSON.parse(batch[0]!.facts).institution as Institution);
    const headerProblem = file.check('batchHeader', header);
    if (headerProblem) {
      for (const { row } of details) {
        markUnwritable(db, row.decision_id, headerProblem);
        db.prepare('DELETE FROM levy_ledger WHERE decision_id = ?').run(row.decision_id);
        unwritable++;
      }
      continue;
    }
    file.openBatch('batchHeader', header);
    for (const { row, values } of details) written.push({ decisionId: row.decision_id, line: file.add('detail', values) });
    file.closeBatch('batchTrailer');
  }
  file.close('trailer');

  const setRef = db.prepare('UPDATE decisions SET output_ref = ? WHERE decision_id = ?');
  for (const w of written) setRef.run(`${FILE}:${w.line}`, w.decisionId);
  return { files: [file.result()], unwritable };
}

function detailValues(row: OrderRow, businessDate: string): RecordValues {
  const facts = JSON.parse(row.facts) as { accountType: string | null; totalCents: number; lcsaCode: string };
  return {
    ssn: row.ssn,
    lastName: row.last_name,
    firstName: row.first_name,
    middleName: row.middle_name,
    suffix: row.suffix,
    caseId: row.case_id,
    lcsaCode: facts.lcsaCode,
    accountNumber: row.account_number,
    // FIDM accountType is optional; the order names "not applicable" when the institution sent none
    accountType: facts.accountType ?? '00',
    levyAmount: row.amount_cents,
    exemptAmount: 0, // non-compliant levies attach all funds (DOMAIN 6.4)
    totalArrears: facts.totalCents,
    orderDate: businessDate,
  };
}

function batchHeaderValues(fein: string, inst: Institution): RecordValues {
  const zip4 = inst.zip4?.trim() ? inst.zip4.trim() : '';
  return {
    fein,
    institutionName: inst.name,
    institutionAddressLine1: inst.street,
    institutionAddressLine2: null,
    institutionCity: inst.city,
    institutionState: inst.state,
    institutionZip: inst.zip5 === null ? null : `${inst.zip5}${zip4}`,
  };
}

