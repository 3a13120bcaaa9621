/**
 * `metro2.txt`: the Metro 2 credit reporting file (DOMAIN 6.8, layout metro2), written from D's
 * Metro 2 ledger and its decisions: a header, one base segment per case reported, sorted by
 * consumer account number (the case id, byte order), and a trailer whose every total is computed
 * by the layout's controls.
 *
 * Written only when the file is due (last day of the month, or `run metro2`) and only when at
 * least one base segment can be written: a Metro 2 trailer cannot be empty (DOMAIN common rules).
 * A segment that cannot be written turns its decision into SUPPRESS UNWRITABLE_VALUE and removes
 * its ledger row (the ledger is unchanged by it).
 */
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import type { OutboundBuild, RunContext } from '../interfaces.ts';
import { compileLayout, FormatError } from '../layout/codec.ts';
import type { FormattedRecord } from '../layout/codec.ts';
import { fixedLayout } from '../layout/registry.ts';
import type { RecordValues } from '../types.ts';
import { FixedWidthFileBuilder } from './fixedWidthFile.ts';
import { settleWrites, WrittenRefs } from './outputs.ts';
import type { IdentityRow } from './noticeFile.ts';
import { METRO2_INTERFACE, metro2Due, SUFFIX_GENERATION } from '../rules/metro2.ts';

export const METRO2_FILE = 'metro2.txt';

/** Child support account constants of DOMAIN 6.8 (and the ICD notes). */
const ACCOUNT = {
  portfolioType: 'O', // open
  accountType: '50', // family support
  termsDuration: '001',
  termsFrequency: 'M',
  ecoaCode: '1', // individual
  correctionIndicator: '0', // original
} as const;

interface SegmentRow extends IdentityRow {
  decision_id: number;
  case_id: string;
  facts: string;
  phone: string | null;
  address_line1: string | null;
  address_line2: string | null;
  city: string | null;
  state: string | null;
  zip: string | null;
}

interface SegmentFacts {
  identificationNumber: string;
  accountStatus: string;
  paymentRating: string;
  currentBalance: number;
  amountPastDue: number;
  dateOfFirstDelinquency: string | null;
  dateClosed: string | null;
  dateOpened: string | null;
  scheduledMonthlyPayment: number;
  actualPaymentAmount: number;
  lastPaymentDate: string | null;
  consumerInformationIndicator: string | null;
  paymentHistoryProfile: string;
}

let compiled: ReturnType<typeof compileLayout> | undefined;
export function metro2Codec(): ReturnType<typeof compileLayout> {
  return (compiled ??= compileLayout(fixedLayout(METRO2_INTERFACE)));
}

/** Generation code from a name suffix: 'Jr.' → J, 'III' → 3, anything else → blank. */
export function generationCode(suffix: string | null): string | null {
  if (suffix === null) return null;
  return SUFFIX_GENERATION[suffix.toUpperCase().replace(/[.\s]/g, '')] ?? null;
}

export function headerValues(businessDate: string, config: Config): RecordValues {
  return {
    activityDate: businessDate,
    dateCreated: businessDate, // OPERATIONS: creation dates are the business date
    reporterName: config.metro2.reporterName,
    reporterAddress: config.metro2.reporterAddress,
  };
}

export function baseValues(row: SegmentRow, businessDate: string): RecordValues {
  const f = JSON.parse(row.facts) as SegmentFacts;
  return {
    // deterministic: the business date at 00:00:00, never the wall clock
    timeStamp: `${businessDate}T00:00:00`,
    correctionIndicator: ACCOUNT.correctionIndicator,
    identificationNumber: f.identificationNumber,
    consumerAccountNumber: row.case_id,
    portfolioType: ACCOUNT.portfolioType,
    accountType: ACCOUNT.accountType,
    dateOpened: f.dateOpened,
    termsDuration: ACCOUNT.termsDuration,
    termsFrequency: ACCOUNT.termsFrequency,
    scheduledMonthlyPaymentAmount: f.scheduledMonthlyPayment,
    actualPaymentAmount: f.actualPaymentAmount,
    accountStatus: f.accountStatus,
    paymentRating: f.paymentRating === '' ? null : f.paymentRating,
    paymentHistoryProfile: f.paymentHistoryProfile,
    currentBalance: f.currentBalance,
    amountPastDue: f.amountPastDue,
    dateOfAccountInformation: businessDate,
    dateOfFirstDelinquency: f.dateOfFirstDelinquency,
    dateClosed: f.dateClosed,
    dateOfLastPayment: f.lastPaymentDate,
    surname: row.last_name,
    firstName: row.first_name,
    middleName: row.middle_name,
    generationCode: generationCode(row.suffix),
    ssn: row.ssn !== null && /^\d{9}$/.test(row.ssn) ? row.ssn : null,
    dateOfBirth: row.dob,
    // a phone that is not 10 digits is not reported (zero-filled), like an SSN that is not 9 digits
    telephoneNumber: row.phone !== null && /^\d{10}$/.test(row.phone) ? row.phone : null,
    ecoaCode: ACCOUNT.ecoaCode,
    consumerInformationIndicator: f.consumerInformationIndicator,
    addressLine1: row.address_line1,
    addressLine2: row.address_line2,
    city: row.city,
    state: row.state,
    postalCode: row.zip === null ? null : row.zip.replace(/-/g, ''),
  };
}

export function buildMetro2(db: Db, businessDate: string, config: Config, ctx: RunContext): OutboundBuild {
  // Not due: nothing is written (an earlier `run metro2` file of D, if any, stays as it was).
  if (metro2Due(businessDate, ctx) === 'NOT_DUE') return { files: [], unwritable: 0, keepEarlier: true };
  const codec = metro2Codec();
  let file: FixedWidthFileBuilder | null = null;

  // Iterated, not loaded whole; unwritable segments are flipped after the iterator closes.
  const segments = db
    .prepare(
      `SELECT l.decision_id, l.case_id, d.facts,
              p.ssn, p.last_name, p.first_name, p.middle_name, p.suffix, p.dob, p.phone,
              p.address_line1, p.address_line2, p.city, p.state, p.zip
       FROM metro2_ledger l
       JOIN decisions d ON d.decision_id = l.decision_id
       JOIN ce_participants p ON p.person_id = l.person_id
       WHERE l.business_date = ?
       ORDER BY l.case_id`,
    )
    .iterate(businessDate) as IterableIterator<SegmentRow>;

  const unwritable: Array<{ decisionId: number; problem: FormatError }> = [];
  const written = new WrittenRefs();
  for (const row of segments) {
    let record: FormattedRecord;
    try {
      record = codec.format('base', baseValues(row, businessDate));
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      unwritable.push({ decisionId: row.decision_id, problem: e });
      continue;
    }
    // The header goes out with the first segment that can be written: no segment, no file.
    if (file === null) {
      file = new FixedWidthFileBuilder(codec, METRO2_INTERFACE, METRO2_FILE, ctx.spoolDir);
      file.add('header', headerValues(businessDate, config));
    }
    written.add(row.decision_id, METRO2_FILE, file.addChecked('base', record));
  }
  if (file !== null) file.close('trailer');

  settleWrites(db, businessDate, 'metro2_ledger', unwritable, written);
  return { files: file === null ? [] : [file.result()], unwritable: unwritable.length };
}
