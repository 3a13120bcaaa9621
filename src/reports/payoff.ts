/**
 * `csebatch payoff`: how many months a parent's arrears take to pay off at a monthly payment,
 * under California's rules (issue 13):
 *
 * - simple interest at 10% a year (CCP 685.010; `--rate` for another rate) on the UNPAID PRINCIPAL
 *   only: accrued interest never earns interest;
 * - each month: the month's interest accrues on the principal unpaid at the start of the month
 *   (principal × rate ÷ 12, rounded half-up to the cent); then the payment goes to principal first,
 *   then to accrued interest (CCP 695.221 as amended in 2009); the last payment is only what is left;
 * - past 1,200 months the schedule stops with `paidOff: false`.
 *
 * Integer cents throughout; the rate is held in millionths (10% = 100000) and the month's interest
 * is computed with BigInt, so no floating point touches money.
 *
 * With `--case ID --date D` the principal (DOMAIN 4 `principal`, the same SQL the mechanisms use)
 * and `arrears_interest` come from the case extract of D held in the store, and the monthly amount
 * defaults to the order's monthly arrears payment.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import type { Config } from '../config.ts';
import { caseFactsSql } from '../rules/derived.ts';
import { formatCents } from '../outbound/money.ts';
import { dollars } from './html.ts';

/** A bad amount, rate or case: the CLI exits 2 with this message. */
export class PayoffInputError extends Error {
  override name = 'PayoffInputError';
}

export const MAX_MONTHS = 1200;
/** 10% a year (CCP 685.010), in millionths. */
export const DEFAULT_RATE_MILLIONTHS = 100_000;

export interface PayoffMonth {
  month: number;
  paymentCents: number;
  toPrincipalCents: number;
  toInterestCents: number;
  interestAccruedCents: number;
  /** balances after the month's payment */
  principalCents: number;
  interestCents: number;
}

/** The `--json` shape of the issue, exactly. */
export interface PayoffResult {
  months: number;
  paidOff: boolean;
  totalPaidCents: number;
  totalInterestCents: number;
  lastPaymentCents: number;
  schedule: PayoffMonth[];
}

export interface PayoffInput {
  principalCents: number;
  interestCents: number;
  monthlyCents: number;
  /** annual simple interest rate in millionths (10% = 100000) */
  rateMillionths?: number;
}

/** amount × rate ÷ 12, rounded half-up to the cent (amount ≥ 0). */
function monthInterest(principalCents: number, rateMillionths: number): number {
  const num = BigInt(principalCents) * BigInt(rateMillionths);
  const den = 12n * 1_000_000n;
  return Number((num * 2n + den) / (2n * den));
}

export function payoffSchedule(input: PayoffInput): PayoffResult {
  const rate = input.rateMillionths ?? DEFAULT_RATE_MILLIONTHS;
  for (const [name, v] of [
    ['principal', input.principalCents],
    ['interest', input.interestCents],
    ['rate', rate],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw new PayoffInputError(`${name} must be zero or more, got ${v}`);
  }
  if (!Number.isSafeInteger(input.monthlyCents) || input.monthlyCents <= 0) {
    throw new PayoffInputError(`the monthly payment must be more than zero, got ${formatCents(input.monthlyCents)} dollars`);
  }
  if (input.principalCents + input.interestCents === 0) {
    throw new PayoffInputError('nothing is owed (principal and interest are both zero): there is nothing to pay off');
  }
  let principal = input.principalCents;
  let interest = input.interestCents;
  let totalPaid = 0;
  let totalInterest = 0;
  const schedule: PayoffMonth[] = [];
  while (principal + interest > 0 && schedule.length < MAX_MONTHS) {
    const accrued = monthInterest(principal, rate);
    interest += accrued;
    totalInterest += accrued;
    const payment = Math.min(input.monthlyCents, principal + interest);
    const toPrincipal = Math.min(payment, principal);
    const toInterest = payment - toPrincipal;
    principal -= toPrincipal;
    interest -= toInterest;
    totalPaid += payment;
    schedule.push({
      month: schedule.length + 1,
      paymentCents: payment,
      toPrincipalCents: toPrincipal,
      toInterestCents: toInterest,
      interestAccruedCents: accrued,
      principalCents: principal,
      interestCents: interest,
    });
  }
  return {
    months: schedule.length,
    paidOff: principal + interest === 0,
    totalPaidCents: totalPaid,
    totalInterestCents: totalInterest,
    lastPaymentCents: schedule.at(-1)!.paymentCents,
    schedule,
  };
}

/**
 * A dollar amount as a parent types it (`250`, `250.5`, `1,250.00`, `$250`) → integer cents.
 * Negative or unreadable → PayoffInputError naming the option.
 */
export function parseAmountCents(text: string, option: string): number {
  const t = text.trim().replace(/^\$/, '');
  if (/^-/.test(t)) throw new PayoffInputError(`${option} must not be negative, got '${text}'`);
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/.exec(t);
  if (!m) throw new PayoffInputError(`${option}: '${text}' is not an amount in dollars (e.g. 250 or 1250.75)`);
  const cents = Number(m[1]!.replace(/,/g, '')) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  if (!Number.isSafeInteger(cents)) throw new PayoffInputError(`${option}: '${text}' is too large`);
  return cents;
}

/** `--rate PCT` (`10`, `7.5`, up to 4 decimals) → millionths. */
export function parseRateMillionths(text: string): number {
  const t = text.trim().replace(/%$/, '');
  if (/^-/.test(t)) throw new PayoffInputError(`--rate must not be negative, got '${text}'`);
  const m = /^(\d{1,3})(?:\.(\d{1,4}))?$/.exec(t);
  if (!m) throw new PayoffInputError(`--rate: '${text}' is not a yearly percentage (e.g. 10 or 7.25)`);
  const r = Number(m[1]) * 10_000 + Number((m[2] ?? '').padEnd(4, '0'));
  if (r > 1_000_000) throw new PayoffInputError(`--rate: ${text}% is more than 100% a year`);
  return r;
}

export interface CaseBalances {
  caseId: string;
  businessDate: string;
  principalCents: number;
  interestCents: number;
  /** the order's monthly arrears payment (0 when the order sets none) */
  monthlyArrearsPaymentCents: number;
}

/**
 * Principal (DOMAIN 4) and arrears interest of one case from the case extract of D held in the
 * store. The store holds one snapshot, the latest date run: another D is an input error.
 */
export function caseBalances(dbFile: string, caseId: string, businessDate: string, config: Config): CaseBalances {
  if (!fs.existsSync(dbFile)) throw new PayoffInputError(`no database at ${dbFile} (use --db or --out)`);
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const hasSnapshot = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'snapshot'`).get() !== undefined;
    const snap = hasSnapshot
      ? (db.prepare(`SELECT business_date FROM snapshot WHERE name = 'case-extract'`).get() as { business_date: string } | undefined)
      : undefined;
    if (!snap) throw new PayoffInputError(`${dbFile} holds no case extract`);
    if (snap.business_date !== businessDate) {
      throw new PayoffInputError(
        `the store holds the case extract of ${snap.business_date}, not of ${businessDate}: payoff --case reads the balances of the latest night run (use --date ${snap.business_date})`,
      );
    }
    const row = db
      .prepare(
        `SELECT f.principal, f.total - f.principal AS interest, c.monthly_arrears_payment
         FROM (${caseFactsSql('WHERE c.case_id = :caseId')}) f JOIN ce_cases c ON c.case_id = f.case_id`,
      )
      .get({ d: businessDate, fosterFrom: config.derived.fosterCareExclusionFrom, caseId }) as
      | { principal: number; interest: number; monthly_arrears_payment: number | null }
      | undefined;
    if (!row) throw new PayoffInputError(`case ${caseId} is not in the case extract of ${businessDate}`);
    return {
      caseId,
      businessDate,
      principalCents: row.principal,
      interestCents: row.interest,
      monthlyArrearsPaymentCents: row.monthly_arrears_payment ?? 0,
    };
  } finally {
    db.close();
  }
}


function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function duration(months: number): string {
  const y = Math.floor(months / 12);
  const m = months % 12;
  return [y ? plural(y, 'year') : '', m || !y ? plural(m, 'month') : ''].filter(Boolean).join(' and ');
}

/** The parent's view: a short summary, then the schedule (by month up to two years, else by year). */
export function formatPayoff(r: PayoffResult, input: PayoffInput, caseInfo?: CaseBalances): string {
  const out: string[] = [];
  if (caseInfo) out.push(`Case ${caseInfo.caseId}, balances of ${caseInfo.businessDate}`);
  const rate = input.rateMillionths ?? DEFAULT_RATE_MILLIONTHS;
  out.push(
    `Owed now: ${dollars(input.principalCents)} support (principal) + ${dollars(input.interestCents)} interest; paying ${dollars(input.monthlyCents)} a month; interest ${rate / 10_000}% a year on the unpaid support only.`,
  );
  if (r.paidOff) {
    out.push(
      `Paid off in ${plural(r.months, 'month')}${r.months >= 12 ? ` (${duration(r.months)})` : ''}. Total paid ${dollars(r.totalPaidCents)}, of which ${dollars(r.totalInterestCents)} is interest added along the way. The last payment is ${dollars(r.lastPaymentCents)}.`,
    );
  } else {
    const last = r.schedule.at(-1)!;
    out.push(
      `NOT paid off after ${plural(MAX_MONTHS, 'month')} (100 years): ${dollars(last.principalCents + last.interestCents)} would still be owed. A larger monthly payment is needed.`,
    );
  }
  out.push('Payments go to the support owed first, then to the interest.', '');
  const byYear = r.months > 24;
  const head = [byYear ? 'Year' : 'Month', 'Paid', 'To support', 'To interest', 'Interest added', 'Support left', 'Interest left'];
  const rows: string[][] = [];
  if (!byYear) {
    for (const m of r.schedule) {
      rows.push([String(m.month), m.paymentCents, m.toPrincipalCents, m.toInterestCents, m.interestAccruedCents, m.principalCents, m.interestCents].map((v, i) => (i === 0 ? String(v) : dollars(v as number))));
    }
  } else {
    for (let start = 0; start < r.schedule.length; start += 12) {
      const year = r.schedule.slice(start, start + 12);
      const sum = (k: keyof PayoffMonth) => year.reduce((n, m) => n + m[k], 0);
      const end = year.at(-1)!;
      rows.push([String(start / 12 + 1), ...[sum('paymentCents'), sum('toPrincipalCents'), sum('toInterestCents'), sum('interestAccruedCents'), end.principalCents, end.interestCents].map(dollars)]);
    }
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  out.push(line(head), ...rows.map(line));
  if (byYear) out.push('', 'One row per year (balances at the end of the year); --json lists every month.');
  return `${out.join('\n')}\n`;
}
