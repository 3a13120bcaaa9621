/**
 * Credit reporting (DOMAIN.md 6.8, layout metro2): one Metro 2 base segment per case with an
 * order that is open, or closed since its last report, judged on the case alone.
 *
 * Every night (produced or not) the mechanism records, per case ever reported, the first business
 * date the case was seen closed (`metro2_case_state`): that is the segment's "date closed", and a
 * case may close on any night of the month. The file itself is due only on the last day of D's
 * month, or when an operator asks for it (`run metro2 --date D`); on other nights nothing else is
 * decided or written.
 *
 * On a due night, set-based: the subjects with the last report of each (`metro2_ledger`, before
 * D), the 24-month payment history profile from the ledger of earlier months, one ordered CASE for
 * the first failing reason, one decision per subject (ISSUE = a base segment is written, SUPPRESS
 * with the reason), and one ledger row per ISSUE. The writer (outbound/metro2.ts) formats the
 * segments from these decisions.
 *
 * Interpretations (DOMAIN is silent; listed in the report and applied below):
 * - Gates: NO_OPEN_CASE never applies (DOMAIN 5 last paragraph: each case on its own). DECEASED
 *   ("all" in the DOMAIN 5 table) suppresses the report of an OPEN case; a closed case still gets
 *   its one final report, so a deceased obligor's account is not left delinquent at the bureaus.
 *   No other gate applies (Metro 2 has its own incarceration rule; bankruptcy only sets the CII).
 * - NOT_NOTICED_30_DAYS and INCARCERATION_RELIEF apply to open cases; the final report of a
 *   closed case is not held back by them (it ends the reporting in the obligor's favour). The
 *   order-date and address rules apply to both (they fill required fields of the segment).
 * - Reason order: DECEASED, NOT_NOTICED_30_DAYS, INCARCERATION_RELIEF, NO_ORDER_DATE, NO_ADDRESS,
 *   NO_IDENTITY (neither SSN nor date of birth: the bureaus cannot match the consumer)
 *   (the gate first, then DOMAIN 6.8's order).
 * - "Closed" = not open (DOMAIN 4: status CLOSED, or an OPEN case whose order is gone); a closed
 *   case that was never reported, or whose last report already was 13 or DA, is not a subject.
 * - A closed 13 reports scheduled payment 0 and keeps the DOFD of its last report when its rating
 *   is 1-6 (zero-filled with rating 0); DA reports balance, past due and scheduled payment 0.
 * - The CII comes from the case's own bankruptcy (its chapter); active bankruptcy without a chapter
 *   gives a blank indicator.
 * - Payment history: per earlier month, the latest report of that month; 13 → its payment rating,
 *   DA (account deleted) → B, like a month without a report.
 * - A rerun that is not due (a nightly of a mid-month D after `run metro2 --date D`) keeps D's
 *   decisions and ledger of the run that produced D's file, so file and ledger stay in agreement.
 */
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import type { RunContext } from '../interfaces.ts';
import { clearMechanismDate } from './ledger.ts';
import { addressFactsSql, hasMailingAddressSql } from './address.ts';

export const METRO2_MECHANISM = 'metro2';
export const METRO2_INTERFACE = 'metro2';

/** Suppression reasons in the order they are applied. */
export const METRO2_REASONS = ['DECEASED', 'NOT_NOTICED_30_DAYS', 'INCARCERATION_RELIEF', 'NO_ORDER_DATE', 'NO_ADDRESS', 'NO_IDENTITY'] as const;
/**
 * Account status by the case's days delinquent: the Metro 2 code list's own bands (CRRG account
 * status definitions, "30-59 days past due" …), not agency policy thresholds. Highest first.
 */
export const STATUS_BANDS: ReadonlyArray<{ fromDays: number; status: string }> = [
  { fromDays: 180, status: '84' },
  { fromDays: 150, status: '83' },
  { fromDays: 120, status: '82' },
  { fromDays: 90, status: '80' },
  { fromDays: 60, status: '78' },
  { fromDays: 30, status: '71' },
  { fromDays: 0, status: '11' },
];

/** Status of a month → its payment rating / payment history character (DOMAIN 6.8). */
export const STATUS_RATING: Readonly<Record<string, string>> = { '11': '0', '71': '1', '78': '2', '80': '3', '82': '4', '83': '5', '84': '6' };

/** Bankruptcy chapter → consumer information indicator. */
export const CHAPTER_CII: Readonly<Record<string, string>> = { '7': 'A', '11': 'B', '12': 'C', '13': 'D' };

/** Name suffix → generation code (DOMAIN 6.8); anything else is blank. */
export const SUFFIX_GENERATION: Readonly<Record<string, string>> = {
  JR: 'J', SR: 'S', II: '2', III: '3', IV: '4', V: '5', VI: '6', VII: '7', VIII: '8', IX: '9',
};

export const PAYMENT_HISTORY_MONTHS = 24;

export type Metro2Due = 'MONTH_END' | 'REQUESTED' | 'NOT_DUE';

/** Is D the last day of its month? */
export function isMonthEnd(businessDate: string): boolean {
  const d = new Date(`${businessDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.getUTCDate() === 1;
}

/** Whether D's file is due: month end, or asked for with `run metro2` (DOMAIN 6.8). */
export function metro2Due(businessDate: string, ctx: RunContext): Metro2Due {
  if (isMonthEnd(businessDate)) return 'MONTH_END';
  if (ctx.command === 'run' && ctx.requested.includes(METRO2_INTERFACE)) return 'REQUESTED';
  return 'NOT_DUE';
}

export interface Metro2Summary {
  produced: boolean;
  due: Metro2Due;
  reason: string;
  cases: number;
  baseSegments: number;
  byStatus: Record<string, number>;
  suppressed: Record<string, number>;
  balanceCents: number;
  /** cases seen closed on D (closure state recorded tonight) */
  closuresSeen: number;
}

/** SQL literal of a code (codes here are fixed constants of this module). */
const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;

function mapSql(expr: string, map: Readonly<Record<string, string>>, otherwise = 'NULL'): string {
  return `CASE ${expr} ${Object.entries(map).map(([k, v]) => `WHEN ${lit(k)} THEN ${lit(v)}`).join(' ')} ELSE ${otherwise} END`;
}

const bandSql = (days: string): string =>
  `CASE ${STATUS_BANDS.filter((b) => b.fromDays > 0).map((b) => `WHEN ${days} >= ${b.fromDays} THEN ${lit(b.status)}`).join(' ')} ELSE ${lit(STATUS_BANDS[STATUS_BANDS.length - 1]!.status)} END`;

const boolJson = (expr: string): string => `json(CASE WHEN ${expr} THEN 'true' ELSE 'false' END)`;

/**
 * Records tonight's closures: a case ever reported that is not open at D gets D as its first
 * date seen closed unless an earlier date is recorded; a case open at D forgets a closure recorded
 * on or before D (it reopened). Runs every night.
 */
export function recordClosures(db: Db, businessDate: string): void {
  db.prepare(
    `DELETE FROM metro2_case_state
      WHERE closed_since <= :d AND case_id IN (SELECT case_id FROM case_facts WHERE is_open)`,
  ).run({ d: businessDate });
  db.prepare(
    `INSERT INTO metro2_case_state (case_id, closed_since, seen_date)
     SELECT f.case_id, :d, :d FROM case_facts f
     WHERE NOT f.is_open
       AND EXISTS (SELECT 1 FROM metro2_ledger l WHERE l.case_id = f.case_id AND l.business_date < :d)
     ON CONFLICT (case_id) DO UPDATE SET
       closed_since = min(closed_since, excluded.closed_since),
       seen_date = max(seen_date, excluded.seen_date)`,
  ).run({ d: businessDate });
}

/**
 * Decides Metro 2 for D. Needs `computeDerivedFacts` for D first; runs in the caller's transaction.
 */
export function decideMetro2(db: Db, businessDate: string, config: Config, ctx: RunContext): void {
  recordClosures(db, businessDate);
  const due = metro2Due(businessDate, ctx);
  if (due === 'NOT_DUE') {
    // Keep what an earlier due run of D (run metro2) decided: its file is still the date's file.
    db.prepare(`INSERT INTO metro2_nights (business_date, due) VALUES (?, 'NOT_DUE') ON CONFLICT (business_date) DO NOTHING`).run(businessDate);
    return;
  }
  clearMechanismDate(db, businessDate, METRO2_MECHANISM, ['metro2_ledger']);
  db.prepare(
    `INSERT INTO metro2_nights (business_date, due) VALUES (?, ?) ON CONFLICT (business_date) DO UPDATE SET due = excluded.due`,
  ).run(businessDate, due);

  const [year, month] = businessDate.split('-').map(Number) as [number, number];
  const p = {
    d: businessDate,
    noticeFrom: `-${config.metro2.noticeDays} days`,
    reliefDays: config.derived.incarcerationReliefDays,
    monthIndex: year * 12 + month,
  };
  db.exec('DROP TABLE IF EXISTS temp.metro2_case; DROP TABLE IF EXISTS temp.metro2_history; DROP TABLE IF EXISTS temp.metro2_eval;');

  // 1. Subjects: every open case, and every closed case whose last report (before D) was open.
  db.prepare(
    `CREATE TEMP TABLE metro2_case AS
     WITH subject AS (
       SELECT c.case_id, c.line AS case_line, c.lcsa_code, c.obligor_person_id AS person_id,
              c.status, c.closure_reason, c.order_id, c.order_date,
              c.monthly_current_support, c.monthly_arrears_payment, c.oldest_unpaid_due_date,
              c.last_payment_date, c.last_payment_amount,
              c.bankruptcy_chapter, c.bankruptcy_filed_date, c.bankruptcy_closed_date,
              f.is_open, f.days_delinquent, f.total, f.bankruptcy_active,
              (SELECT l.rowid FROM metro2_ledger l
                WHERE l.case_id = c.case_id AND l.business_date < :d
                ORDER BY l.business_date DESC LIMIT 1) AS last_rowid
       FROM ce_cases c JOIN case_facts f ON f.case_id = c.case_id
     )
     SELECT s.*,
            lr.business_date AS last_date, lr.account_status AS last_status,
            lr.payment_rating AS last_rating, lr.date_of_first_delinquency AS last_dofd,
            o.deceased, o.credit_notice_sent_date, o.in_custody, pp.incarcerated_since, pp.line AS person_line,
            ${hasMailingAddressSql('pp')} AS address_complete, ${addressFactsSql('pp', 'obligor')} AS address_facts,
            -- Metro 2 needs the SSN or the date of birth to identify the consumer
            (pp.ssn IS NOT NULL OR pp.dob IS NOT NULL) AS identified,
            st.closed_since
     FROM subject s
     LEFT JOIN metro2_ledger lr ON lr.rowid = s.last_rowid
     JOIN obligor_facts o ON o.person_id = s.person_id
     JOIN ce_participants pp ON pp.person_id = s.person_id
     LEFT JOIN metro2_case_state st ON st.case_id = s.case_id
     WHERE s.is_open OR (lr.account_status IS NOT NULL AND lr.account_status NOT IN ('13', 'DA'))`,
  ).run({ d: p.d });
  db.exec('CREATE UNIQUE INDEX temp.metro2_case_pk ON metro2_case (case_id)');

  // 2. Payment history profile: position k = the k-th month before D's month; per month the
  //    latest report of that month; no report → B.
  const historyChar = `CASE l.account_status ${Object.entries(STATUS_RATING).map(([s, r]) => `WHEN ${lit(s)} THEN ${lit(r)}`).join(' ')}
                         WHEN '13' THEN nullif(l.payment_rating, '') ELSE NULL END`;
  const positions = Array.from({ length: PAYMENT_HISTORY_MONTHS }, (_, i) => `coalesce(max(CASE WHEN back = ${i + 1} THEN ch END), 'B')`).join(' || ');
  db.prepare(
    `CREATE TEMP TABLE metro2_history AS
     WITH monthly AS (
       SELECT l.case_id,
              :monthIndex - (CAST(substr(l.business_date, 1, 4) AS INTEGER) * 12 + CAST(substr(l.business_date, 6, 2) AS INTEGER)) AS back,
              ${historyChar} AS ch,
              row_number() OVER (PARTITION BY l.case_id, l.report_month ORDER BY l.business_date DESC) AS rn
       FROM metro2_case m
       JOIN metro2_ledger l ON l.case_id = m.case_id
       WHERE l.business_date >= date(:d, 'start of month', '-${PAYMENT_HISTORY_MONTHS} months')
         AND l.business_date < date(:d, 'start of month')
     )
     SELECT case_id, ${positions} AS php FROM monthly WHERE rn = 1 GROUP BY case_id`,
  ).run({ d: p.d, monthIndex: p.monthIndex });
  db.exec('CREATE UNIQUE INDEX temp.metro2_history_pk ON metro2_history (case_id)');

  // 3. Status, amounts, dates and the first failing reason of every subject.
  // A past-due status (71-84) needs an amount past due > 0 (Metro 2 cross-field rule, checked by
  // validate/metro2.ts and by the bureaus). DOMAIN 6.8 sets amount past due = `total` in whole
  // dollars, so an open case whose `total` is under $1 (e.g. only foster-care or AB 135 arrears,
  // which DOMAIN 4 no longer enforces, behind an old unpaid due date) is reported current (11),
  // not as a derogatory status with nothing past due that the bureaus would reject.
  const status = `CASE WHEN NOT m.is_open THEN CASE WHEN m.closure_reason = 'WITHDRAWN_BY_COURT' THEN 'DA' ELSE '13' END
                       WHEN CAST(m.total / 100 AS INTEGER) <= 0 THEN ${lit(STATUS_BANDS[STATUS_BANDS.length - 1]!.status)}
                       ELSE ${bandSql('m.days_delinquent')} END`;
  const lastRating = mapSql('s.last_status', STATUS_RATING, "''");
  db.prepare(
    `CREATE TEMP TABLE metro2_eval AS
     WITH s AS (
       SELECT m.*, ${status} AS account_status,
              (m.last_status IS NULL) AS first_report,
              (m.in_custody AND julianday(:d) - julianday(m.incarcerated_since) > :reliefDays) AS custody_relief,
              date(:d, :noticeFrom) AS notice_cutoff
       FROM metro2_case m
     ), r AS (
       SELECT s.*,
              CASE WHEN s.account_status = '13' THEN ${lastRating} ELSE '' END AS payment_rating,
              CASE WHEN s.is_open THEN CAST(s.total / 100 AS INTEGER) ELSE 0 END AS current_balance,
              CASE WHEN s.is_open AND s.account_status <> '11' THEN CAST(s.total / 100 AS INTEGER) ELSE 0 END AS amount_past_due,
              CASE WHEN s.is_open THEN CAST((s.monthly_current_support + s.monthly_arrears_payment) / 100 AS INTEGER) ELSE 0 END AS scheduled_payment,
              CASE WHEN s.last_payment_date IS NOT NULL AND substr(s.last_payment_date, 1, 7) = substr(:d, 1, 7)
                   THEN CAST(coalesce(s.last_payment_amount, 0) / 100 AS INTEGER) ELSE 0 END AS actual_payment,
              CASE WHEN s.is_open THEN NULL ELSE coalesce(s.closed_since, :d) END AS date_closed,
              CASE WHEN s.bankruptcy_active THEN ${mapSql('s.bankruptcy_chapter', CHAPTER_CII)} END AS cii,
              CASE
                WHEN s.is_open AND s.deceased THEN 'DECEASED'
                WHEN s.is_open AND s.first_report
                     AND (s.credit_notice_sent_date IS NULL OR s.credit_notice_sent_date > s.notice_cutoff) THEN 'NOT_NOTICED_30_DAYS'
                WHEN s.is_open AND s.custody_relief THEN 'INCARCERATION_RELIEF'
                WHEN s.order_date IS NULL THEN 'NO_ORDER_DATE'
                WHEN NOT s.address_complete THEN 'NO_ADDRESS'
                WHEN NOT s.identified THEN 'NO_IDENTITY'
              END AS reason
       FROM s
     )
     SELECT r.*,
            -- DOFD: the oldest unpaid due date while delinquent; a closed 13 with rating 1-6 keeps the
            -- DOFD of its last report; zero-filled for 11, 13 with rating 0, and DA
            CASE WHEN r.is_open AND r.account_status <> '11' THEN r.oldest_unpaid_due_date
                 WHEN r.account_status = '13' AND r.payment_rating NOT IN ('', '0') THEN r.last_dofd END AS dofd,
            coalesce(h.php, ${lit('B'.repeat(PAYMENT_HISTORY_MONTHS))}) AS php
     FROM r LEFT JOIN metro2_history h ON h.case_id = r.case_id`,
  ).run({ d: p.d, reliefDays: p.reliefDays, noticeFrom: p.noticeFrom });

  // 4. Decisions: one ISSUE (a base segment) or SUPPRESS per subject.
  db.prepare(
    `INSERT INTO decisions (business_date, mechanism, subject_key, person_id, case_id, outcome,
                            reason_codes, amount_cents, facts, sources)
     SELECT :d, :mechanism, e.case_id, e.person_id, e.case_id,
            CASE WHEN e.reason IS NULL THEN 'ISSUE' ELSE 'SUPPRESS' END,
            coalesce(e.reason, ''),
            CASE WHEN e.reason IS NULL THEN e.current_balance * 100 END,
            json_object(
              'action', CASE e.account_status WHEN 'DA' THEN 'DELETE' WHEN '13' THEN 'CLOSE' ELSE 'REPORT' END,
              'identificationNumber', :prefix || e.lcsa_code,
              'lcsaCode', e.lcsa_code,
              'caseStatus', e.status,
              'isOpen', ${boolJson('e.is_open')},
              'closureReason', e.closure_reason,
              'accountStatus', e.account_status,
              'paymentRating', e.payment_rating,
              'daysDelinquent', e.days_delinquent,
              'oldestUnpaidDueDate', e.oldest_unpaid_due_date,
              'totalCents', e.total,
              'currentBalance', e.current_balance,
              'amountPastDue', e.amount_past_due,
              'dateOfFirstDelinquency', e.dofd,
              'dateClosed', e.date_closed,
              'dateOpened', e.order_date,
              'dateOfAccountInformation', :d,
              'scheduledMonthlyPayment', e.scheduled_payment,
              'monthlyCurrentSupportCents', e.monthly_current_support,
              'monthlyArrearsPaymentCents', e.monthly_arrears_payment,
              'actualPaymentAmount', e.actual_payment,
              'lastPaymentDate', e.last_payment_date,
              'lastPaymentAmountCents', e.last_payment_amount,
              'bankruptcyActive', ${boolJson('e.bankruptcy_active')},
              'bankruptcyChapter', e.bankruptcy_chapter,
              'bankruptcyFiledDate', e.bankruptcy_filed_date,
              'bankruptcyClosedDate', e.bankruptcy_closed_date,
              'consumerInformationIndicator', e.cii,
              'paymentHistoryProfile', e.php,
              'firstReport', ${boolJson('e.first_report')},
              'lastReportedDate', e.last_date,
              'lastReportedStatus', e.last_status,
              'creditNoticeSentDate', e.credit_notice_sent_date,
              'noticeDays', CAST(:noticeDays AS INTEGER),
              'noticeCutoff', e.notice_cutoff,
              'deceased', ${boolJson('e.deceased')},
              'inCustody', ${boolJson('e.in_custody')},
              'incarceratedSince', e.incarcerated_since,
              'incarcerationReliefDays', CAST(:reliefDays AS INTEGER),
              'addressComplete', ${boolJson('e.address_complete')},
              'address', json(e.address_facts),
              'identified', ${boolJson('e.identified')}),
            json_array(json_object('interface', 'case-extract', 'file', 'cases.csv', 'line', e.case_line),
                       json_object('interface', 'case-extract', 'file', 'participants.csv', 'line', e.person_line))
     FROM metro2_eval e
     ORDER BY e.case_id`,
  ).run({
    d: p.d,
    mechanism: METRO2_MECHANISM,
    prefix: config.metro2.identificationPrefix,
    noticeDays: config.metro2.noticeDays,
    reliefDays: p.reliefDays,
  });

  // 5. Ledger: what is reported tonight (the writer removes the rows of unwritable segments).
  db.prepare(
    `INSERT INTO metro2_ledger (business_date, report_month, case_id, person_id, account_status, payment_rating,
                                current_balance, amount_past_due, date_of_first_delinquency, date_closed, decision_id)
     SELECT :d, substr(:d, 1, 7), e.case_id, e.person_id, e.account_status, e.payment_rating,
            e.current_balance, e.amount_past_due, e.dofd, e.date_closed, d.decision_id
     FROM metro2_eval e
     CROSS JOIN decisions d
     WHERE e.reason IS NULL AND d.business_date = :d AND d.mechanism = :mechanism
       AND d.subject_key = e.case_id AND d.outcome = 'ISSUE'`,
  ).run({ d: p.d, mechanism: METRO2_MECHANISM });
}

/** Counts of the night as they stand in the store (after the writer's UNWRITABLE_VALUE flips). */
export function summarizeMetro2(db: Db, businessDate: string): Metro2Summary {
  const night = db.prepare('SELECT due FROM metro2_nights WHERE business_date = ?').get(businessDate) as { due: Metro2Due } | undefined;
  const due: Metro2Due = night?.due ?? 'NOT_DUE';
  const counts = db
    .prepare(
      `SELECT outcome, reason_codes AS reason, json_extract(facts, '$.accountStatus') AS status,
              count(*) AS n, coalesce(sum(amount_cents), 0) AS cents
       FROM decisions WHERE business_date = ? AND mechanism = ? GROUP BY 1, 2, 3`,
    )
    .all(businessDate, METRO2_MECHANISM) as Array<{ outcome: string; reason: string; status: string; n: number; cents: number }>;
  const summary: Metro2Summary = {
    produced: false,
    due,
    reason: '',
    cases: 0,
    baseSegments: 0,
    byStatus: {},
    suppressed: {},
    balanceCents: 0,
    closuresSeen: (db.prepare('SELECT count(*) AS n FROM metro2_case_state WHERE seen_date = ?').get(businessDate) as { n: number }).n,
  };
  for (const c of counts) {
    summary.cases += c.n;
    if (c.outcome === 'ISSUE') {
      summary.baseSegments += c.n;
      summary.balanceCents += c.cents;
      summary.byStatus[c.status] = (summary.byStatus[c.status] ?? 0) + c.n;
    } else if (c.outcome === 'SUPPRESS') {
      summary.suppressed[c.reason] = (summary.suppressed[c.reason] ?? 0) + c.n;
    }
  }
  summary.produced = due !== 'NOT_DUE' && summary.baseSegments > 0;
  summary.reason =
    due === 'NOT_DUE'
      ? 'not produced: not the last day of the month and not asked for (run metro2 --date D)'
      : summary.baseSegments === 0
        ? 'not produced: no base segment to report (a Metro 2 file cannot have an empty trailer)'
        : due === 'MONTH_END'
          ? 'produced: last day of the month'
          : 'produced: asked for with run metro2';
  return summary;
}
