/**
 * `levy-otw.txt`: Orders to Withhold for the accounts levied on D (DOMAIN 6.4, layout levy-otw),
 * written from the levy ledger and its decisions. One batch per institution (FEIN ascending), orders
 * by SSN then account number, header/batch/file trailers with computed controls. An order that
 * cannot be written turns its decision into SUPPRESS UNWRITABLE_VALUE and leaves the ledger as if
 * it had not been levied.
 */
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import type { OutboundBuild, RunContext } from '../interfaces.ts';
import { compileLayout, FormatError } from '../layout/codec.ts';
import { fixedLayout } from '../layout/registry.ts';
import type { RecordValues } from '../types.ts';
import { FixedWidthFileBuilder } from './fixedWidthFile.ts';
import { fileSequence, settleWrites, WrittenRefs } from './outputs.ts';

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

export function buildLevyOtw(db: Db, businessDate: string, _config: Config, ctx?: RunContext): OutboundBuild {
  const file = new FixedWidthFileBuilder(codec(), LEVY_OTW, FILE, ctx?.spoolDir);
  file.add('header', { fileCreationDate: businessDate, businessDate, fileSequence: String(fileSequence(db, LEVY_OTW, businessDate)) });

  // Iterated, not loaded whole: a California night issues hundreds of thousands of orders. The
  // connection cannot write while the iterator is open, so unwritable orders are flipped after.
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
    .iterate(businessDate) as IterableIterator<OrderRow>;

  const unwritable: Array<{ decisionId: number; problem: FormatError }> = [];
  const written = new WrittenRefs();

  // Streamed: a batch is opened at the first writable order of its institution (a batch whose every
  // order is unwritable is never opened) and closed when the FEIN changes; no batch is held in memory.
  let feinOfRows: string | null = null;
  let header: RecordValues | null = null;
  let headerProblem: FormatError | null = null;
  let batchOpen = false;
  for (const row of orders) {
    if (row.fein !== feinOfRows) {
      if (batchOpen) file.closeBatch('batchTrailer');
      batchOpen = false;
      feinOfRows = row.fein;
      // every order of the FEIN carries the same institution (levy decision facts)
      header = batchHeaderValues(row.fein, JSON.parse(row.facts).institution as Institution);
      const probe = file.check('batchHeader', header);
      headerProblem = probe instanceof FormatError ? probe : null;
    }
    const record = file.check('detail', detailValues(row, businessDate));
    if (record instanceof FormatError || headerProblem !== null) {
      unwritable.push({ decisionId: row.decision_id, problem: record instanceof FormatError ? record : headerProblem! });
      continue;
    }
    if (!batchOpen) {
      file.openBatch('batchHeader', header!);
      batchOpen = true;
    }
    written.add(row.decision_id, FILE, file.addChecked('detail', record));
  }
  if (batchOpen) file.closeBatch('batchTrailer');
  file.close('trailer');

  settleWrites(db, businessDate, 'levy_ledger', unwritable, written);
  return { files: [file.result()], unwritable: unwritable.length };
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

