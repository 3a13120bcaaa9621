/**
 * Metro 2 checks beyond the layout reader, the way common Metro 2 validators (moov-io/metro2, the
 * CFPB evaluator, the bureaus' intake edits) judge a file. The layout reader (run first by
 * `validateFile`) already checks line length, record identifiers, constants, field types (N
 * digits, real dates), code lists, required fields, header first / trailer last and every trailer
 * total against the records (the layout's controls and constants). This module adds:
 *
 * - the record descriptor word equals the record's length (a base with a wrong RDW is otherwise
 *   only "no record type");
 * - payment rating present exactly with the statuses that require it (ICD: 05, 13, 65, 88, 89,
 *   94, 95), blank otherwise;
 * - payment history profile characters (0-6, B, D, E, G, H, J, K, L);
 * - date of first delinquency against status (required when delinquent, zero-filled for 11 and
 *   for 05/13 with rating 0), current balance and amount past due against status, date closed
 *   present for paid/closed statuses, no date after the date of account information, which itself
 *   is not after the header's activity date;
 * - identification number not all zeros / all nines; terms duration 001 for portfolio O;
 *   SSN and date of birth not both absent, SSN not all nines; ZIP of 5 or 9 digits; USPS state;
 * - one base segment per account (identification number + consumer account number);
 * - at least one base segment (the trailer's base count must be > 0).
 *
 * Every problem is a reject row: line, record, field, positions, masked value, reason, message.
 * A problem the reader already reported on the same line and field is not repeated.
 */
import { readLines } from '../io/lines.ts';
import type { CompiledLayout, CompiledRecord } from '../layout/codec.ts';
import { maskValue, type RecordValues, type RejectReason, type RejectRow } from '../types.ts';

/** Statuses that require a payment rating (ICD field paymentRating); every other status: blank. */
export const RATING_REQUIRED = new Set(['05', '13', '65', '88', '89', '94', '95']);
/** Delinquent statuses: a date of first delinquency is required. */
const DELINQUENT = new Set(['71', '78', '80', '82', '83', '84', '93', '96', '97']);
/** Past-due statuses: an amount past due greater than zero. */
const PAST_DUE = new Set(['71', '78', '80', '82', '83', '84']);
/** Paid or closed statuses: current balance zero and a date closed. */
const PAID_OR_CLOSED = new Set(['13', '61', '62', '63', '64']);
const PAYMENT_HISTORY = /^[0-6BDEGHJKL]{24}$/;
const TERMS_DURATION = /^(?:\d{3}|LOC|REV)$/;
const ZIP = /^(?:\d{5}|\d{9})$/;
/** USPS state and territory codes, military "states" included. */
const USPS_STATES = new Set(
  ('AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND ' +
    'OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY AS GU MP PR VI UM FM MH PW AA AE AP').split(' '),
);

export interface Metro2Checked {
  errors: RejectRow[];
  rejectedLines: number;
}

/** The reader's rows merged with the Metro 2 checks, sorted by line then position. */
export async function withMetro2Checks(
  compiled: CompiledLayout,
  filePath: string,
  fileName: string,
  readerRows: readonly RejectRow[],
): Promise<Metro2Checked> {
  const rows = [...readerRows];
  const seen = new Set(readerRows.map((r) => `${r.line}|${r.field}`));
  const add = (row: RejectRow) => {
    const key = `${row.line}|${row.field}`;
    if (seen.has(key)) return;
    seen.add(key);
    rows.push(row);
  };
  const checker = new Metro2Checker(compiled, fileName, add);
  for await (const line of readLines(filePath, { maxLineBytes: 4 * compiled.recordLength })) checker.line(line.lineNo, line.line);
  checker.finish();
  rows.sort((a, b) => a.line - b.line || (a.start ?? 0) - (b.start ?? 0));
  return { errors: rows, rejectedLines: new Set(rows.filter((r) => r.line > 0).map((r) => r.line)).size };
}

class Metro2Checker {
  private readonly base: CompiledRecord;
  private activityDate: string | null = null;
  private baseCount = 0;
  private trailerLine = 0;
  private readonly accounts = new Map<string, number>();

  constructor(
    private readonly compiled: CompiledLayout,
    private readonly fileName: string,
    private readonly add: (row: RejectRow) => void,
  ) {
    this.base = compiled.recordByName('base');
  }

  line(lineNo: number, text: string): void {
    this.checkRdw(lineNo, text);
    const parsed = this.compiled.parse(text);
    const record = parsed.record;
    if (record === null) return;
    // Base segments are counted by key, as the trailer's controls count them.
    if (record.name === 'base') {
      this.baseCount++;
      if (text.length === this.compiled.recordLength) this.checkBase(lineNo, text, parsed.values);
    } else if (record.name === 'header') {
      if (this.activityDate === null && typeof parsed.values.activityDate === 'string') this.activityDate = parsed.values.activityDate;
    } else if (record.name === 'trailer' && this.trailerLine === 0) {
      this.trailerLine = lineNo;
    }
  }

  finish(): void {
    if (this.trailerLine !== 0 && this.baseCount === 0) {
      this.row(this.trailerLine, this.compiled.recordByName('trailer'), 'totalBaseRecords', '', 'STRUCTURE',
        'a Metro 2 file needs at least one base segment (the trailer base count must be greater than 0)');
    }
  }

  /** RDW = the record's length in bytes, whatever the record. */
  private checkRdw(lineNo: number, text: string): void {
    const rdw = text.slice(0, 4);
    const record = this.compiled.identify(text) ?? this.base;
    const expected = String(text.length).padStart(4, '0');
    if (/^\d{4}$/.test(rdw) && rdw === expected && text.length === this.compiled.recordLength) return;
    const problem = /^\d{4}$/.test(rdw)
      ? `record descriptor word ${rdw} does not match the record length (${text.length} bytes; every record is ${this.compiled.recordLength})`
      : `record descriptor word is not 4 digits; it must be the record length ${String(this.compiled.recordLength).padStart(4, '0')}`;
    this.row(lineNo, record, 'recordDescriptorWord', rdw, 'BAD_CODE', problem);
  }

  private checkBase(lineNo: number, text: string, v: RecordValues): void {
    const raw = (field: string): string => {
      const f = this.base.fieldByName.get(field)!;
      return text.slice(f.start - 1, f.end);
    };
    const fail = (field: string, reason: RejectReason, problem: string) => this.row(lineNo, this.base, field, raw(field), reason, problem);
    const has = (field: string) => field in v;
    const status = has('accountStatus') ? (v.accountStatus as string | null) : undefined;
    const rating = has('paymentRating') ? (v.paymentRating as string | null) : undefined;

    // identification number: not all zeros or all nines (blank is the reader's MISSING_REQUIRED)
    if (typeof v.identificationNumber === 'string' && /^(?:0+|9+)$/.test(v.identificationNumber)) {
      fail('identificationNumber', 'BAD_CODE', 'identification number must not be all zeros or all nines');
    }
    // one segment per account
    if (typeof v.identificationNumber === 'string' && typeof v.consumerAccountNumber === 'string') {
      const key = `${v.identificationNumber}|${v.consumerAccountNumber}`;
      const first = this.accounts.get(key);
      if (first === undefined) this.accounts.set(key, lineNo);
      else fail('consumerAccountNumber', 'DUPLICATE_KEY', `account reported twice in the file (first at line ${first}) for the same identification number`);
    }
    // terms duration
    if (typeof v.termsDuration === 'string') {
      if (!TERMS_DURATION.test(v.termsDuration)) fail('termsDuration', 'BAD_CODE', 'terms duration must be 3 digits, LOC or REV');
      else if (v.portfolioType === 'O' && v.termsDuration !== '001') fail('termsDuration', 'BAD_CODE', "terms duration must be 001 for portfolio type O (open)");
    }

    // payment rating: exactly with the statuses that require it
    if (status !== undefined && status !== null && rating !== undefined) {
      if (RATING_REQUIRED.has(status) && rating === null) {
        fail('paymentRating', 'MISSING_REQUIRED', `payment rating is required when accountStatus is ${status} (required with ${[...RATING_REQUIRED].join(', ')})`);
      } else if (!RATING_REQUIRED.has(status) && rating !== null) {
        fail('paymentRating', 'BAD_CODE', `payment rating must be blank when accountStatus is ${status} (only with ${[...RATING_REQUIRED].join(', ')})`);
      }
    }

    // payment history profile characters
    if (typeof v.paymentHistoryProfile === 'string' && !PAYMENT_HISTORY.test(raw('paymentHistoryProfile'))) {
      const php = raw('paymentHistoryProfile');
      const at = [...php].findIndex((c) => !/[0-6BDEGHJKL]/.test(c));
      fail('paymentHistoryProfile', 'BAD_CODE', `payment history profile holds only 0-6, B, D, E, G, H, J, K, L in its 24 positions; month ${at + 1} is '${php[at] ?? ''}'`);
    }

    // date of first delinquency against status and rating
    if (status !== undefined && status !== null && has('dateOfFirstDelinquency')) {
      const dofd = v.dateOfFirstDelinquency;
      const ratedDelinquent = RATING_REQUIRED.has(status) && rating !== undefined && rating !== null && rating !== '0';
      const ratedCurrent = (status === '05' || status === '13') && rating === '0';
      if ((DELINQUENT.has(status) || ratedDelinquent) && dofd === null) {
        fail('dateOfFirstDelinquency', 'MISSING_REQUIRED', `date of first delinquency is required with accountStatus ${status}${ratedDelinquent ? ` and payment rating ${rating}` : ''}`);
      } else if ((status === '11' || ratedCurrent) && dofd !== null) {
        fail('dateOfFirstDelinquency', 'BAD_DATE', `date of first delinquency must be zero-filled with accountStatus ${status}${ratedCurrent ? ' and payment rating 0' : ''}`);
      }
    }

    // balances against status
    const balance = typeof v.currentBalance === 'number' ? v.currentBalance : undefined;
    const pastDue = has('amountPastDue') ? ((v.amountPastDue as number | null) ?? 0) : undefined;
    if (status !== undefined && status !== null) {
      if (PAID_OR_CLOSED.has(status) && balance !== undefined && balance !== 0) {
        fail('currentBalance', 'BAD_NUMBER', `current balance must be 0 with accountStatus ${status} (paid or closed)`);
      }
      if ((status === '11' || PAID_OR_CLOSED.has(status)) && pastDue !== undefined && pastDue !== 0) {
        fail('amountPastDue', 'BAD_NUMBER', `amount past due must be 0 with accountStatus ${status}`);
      } else if (PAST_DUE.has(status) && pastDue === 0) {
        fail('amountPastDue', 'BAD_NUMBER', `amount past due must be greater than 0 with accountStatus ${status} (past due)`);
      }
      if ((PAID_OR_CLOSED.has(status) || status === '65') && has('dateClosed') && v.dateClosed === null) {
        fail('dateClosed', 'MISSING_REQUIRED', `date closed is required with accountStatus ${status}`);
      }
    }
    if (balance !== undefined && pastDue !== undefined && pastDue > balance) {
      fail('amountPastDue', 'BAD_NUMBER', 'amount past due is greater than the current balance');
    }

    // dates: none after the date of account information, which is not after the activity date
    const doai = typeof v.dateOfAccountInformation === 'string' ? v.dateOfAccountInformation : null;
    if (doai !== null) {
      for (const field of ['dateOpened', 'dateOfFirstDelinquency', 'dateClosed', 'dateOfLastPayment']) {
        const date = v[field];
        if (typeof date === 'string' && date > doai) fail(field, 'BAD_DATE', `${field} is after the date of account information`);
      }
      if (this.activityDate !== null && doai > this.activityDate) {
        fail('dateOfAccountInformation', 'BAD_DATE', "date of account information is after the header's activity date");
      }
    }

    // identity and address
    // an all-zero SSN means "unknown" (N fields read as their digit string)
    const ssnAbsent = v.ssn === null || (typeof v.ssn === 'string' && /^0+$/.test(v.ssn));
    if (has('ssn') && has('dateOfBirth') && ssnAbsent && v.dateOfBirth === null) {
      fail('ssn', 'MISSING_REQUIRED', 'SSN and date of birth may not both be absent');
    } else if (v.ssn === '999999999') {
      fail('ssn', 'BAD_NUMBER', 'SSN must not be all nines (zero-fill it when unknown)');
    }
    if (typeof v.postalCode === 'string' && !ZIP.test(v.postalCode)) fail('postalCode', 'BAD_CODE', 'ZIP code must be 5 or 9 digits');
    if (typeof v.state === 'string' && !USPS_STATES.has(v.state)) fail('state', 'BAD_CODE', 'state must be a USPS state code');
  }

  private row(line: number, record: CompiledRecord, field: string, rawValue: string, reason: RejectReason, problem: string): void {
    const f = record.fieldByName.get(field);
    const valueMasked = maskValue(rawValue.trimEnd());
    const where = f === undefined ? `${record.name}.${field}` : `${record.name}.${field} (${f.start}-${f.end})`;
    this.add({
      file: this.fileName,
      line,
      recordType: record.name,
      field,
      start: f?.start ?? null,
      end: f?.end ?? null,
      valueMasked,
      reason,
      message: `${where}: ${problem}${valueMasked === '' ? '' : `; value '${valueMasked}'`}`,
    });
  }
}
