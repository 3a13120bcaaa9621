/**
 * The CSLN listing (issue 12, outbound `csln-submission`): the delinquent obligors the agency lists
 * with the Child Support Lien Network so that insurers' claims can be matched to them (the matches
 * come back in the `csln` inbound file, src/rules/iwoCsln.ts).
 *
 * Per obligor one record naming the primary case and its LCSA, amount = obligor `total`; listed
 * when the obligor has an open case with principal ≥ `csln.minPrincipalCents` ($500.00 by default;
 * exactly $500.00 is listed) and no non-discretionary gate applies (DECEASED, NO_OPEN_CASE,
 * NO_CURRENT_CSWN, BANKRUPTCY_STAY: the gates of the FTB intercept, DOMAIN 5). Ledger deltas
 * against `csln_ledger` exactly like the FTB certification (src/rules/certification.ts): not listed
 * → A (add), amount changed → C (change), no longer eligible → D (delete, amount 0).
 *
 * Weekly: decisions, ledger rows and the file only on the configured weekday
 * (`csln.submissionWeekday`) or when asked for (`run csln-submission --date D`), like Metro 2's
 * month ends. On the other nights nothing is decided or written (an earlier `run csln-submission`
 * of the same D keeps its decisions and file) and `csln_nights` records NOT_DUE, so the manifest
 * summary says why there is no file. A week's changes accumulate in the ledger comparison: the next
 * due night sends the difference between what CSLN holds and what is true on that night.
 */
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import type { RunContext } from '../interfaces.ts';
import { CERTIFICATION_REASONS, decideObligorCertification } from './certification.ts';
import type { GateReason } from './derived.ts';
import { countOutcomes } from './summary.ts';
import type { OutcomeCounts } from './summary.ts';

export const CSLN_MECHANISM = 'csln';
export const CSLN_SUBMISSION = 'csln-submission';

/** The non-discretionary gates of the listing (the FTB intercept's, DOMAIN 5). */
export const CSLN_GATES: readonly GateReason[] = ['DECEASED', 'NO_OPEN_CASE', 'NO_CURRENT_CSWN', 'BANKRUPTCY_STAY'];

/** Reasons in the order they are applied (BELOW_ARREARS_THRESHOLD: principal below csln.minPrincipalCents). */
export const CSLN_REASONS = [...CSLN_GATES, ...CERTIFICATION_REASONS] as const;

export type CslnDue = 'WEEKDAY' | 'REQUESTED' | 'NOT_DUE';

const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

/** The weekday of a business date (YYYY-MM-DD, a calendar date: no time zone involved). */
export function weekdayOf(businessDate: string): (typeof WEEKDAYS)[number] {
  return WEEKDAYS[new Date(`${businessDate}T00:00:00Z`).getUTCDay()]!;
}

/** Whether D's submission is due: the configured weekday, or asked for with `run csln-submission`. */
export function cslnDue(businessDate: string, config: Config, ctx: RunContext): CslnDue {
  if (weekdayOf(businessDate) === config.csln.submissionWeekday) return 'WEEKDAY';
  if (ctx.command === 'run' && ctx.requested.includes(CSLN_SUBMISSION)) return 'REQUESTED';
  return 'NOT_DUE';
}

/** Decides D's CSLN listing deltas when due. Needs `computeDerivedFacts` for D first. */
export function decideCsln(db: Db, businessDate: string, config: Config, ctx: RunContext): void {
  const due = cslnDue(businessDate, config, ctx);
  if (due === 'NOT_DUE') {
    // keep what an earlier due run of D (run csln-submission) decided: its file is still the date's file
    db.prepare(`INSERT INTO csln_nights (business_date, due) VALUES (?, 'NOT_DUE') ON CONFLICT (business_date) DO NOTHING`).run(businessDate);
    return;
  }
  db.prepare(
    `INSERT INTO csln_nights (business_date, due) VALUES (?, ?) ON CONFLICT (business_date) DO UPDATE SET due = excluded.due`,
  ).run(businessDate, due);
  const min = config.csln.minPrincipalCents;
  decideObligorCertification(db, businessDate, {
    mechanism: CSLN_MECHANISM,
    ledger: 'csln_ledger',
    gates: CSLN_GATES,
    // an obligor with principal above 0 is evaluated (and explained); listed from `min` on
    minPrincipalCents: Math.max(min, 1),
    changeAction: 'C',
    extraFacts: `'minPrincipalCents', ${min}, 'due', '${due}'`,
  });
}

export interface CslnSummary extends OutcomeCounts {
  produced: boolean;
  due: CslnDue;
  reason: string;
}

export function summarizeCsln(db: Db, businessDate: string): CslnSummary {
  const night = db.prepare('SELECT due FROM csln_nights WHERE business_date = ?').get(businessDate) as { due: CslnDue } | undefined;
  const due: CslnDue = night?.due ?? 'NOT_DUE';
  // a nightly rerun of a date an earlier `run csln-submission` produced keeps that night's REQUESTED
  // row (and its decisions and file): the summary describes the date's file
  const decided = (db.prepare('SELECT count(*) AS n FROM csln_ledger WHERE business_date = ?').get(businessDate) as { n: number }).n;
  return {
    ...countOutcomes(db, businessDate, CSLN_MECHANISM),
    produced: due !== 'NOT_DUE',
    due,
    reason:
      due === 'WEEKDAY'
        ? `produced: the weekly submission day (${decided} transaction(s))`
        : due === 'REQUESTED'
          ? `produced: asked for with run csln-submission (${decided} transaction(s))`
          : 'not produced: not the submission weekday and not asked for (run csln-submission --date D)',
  };
}
