/**
 * The counts every mechanism's manifest summary starts from, read back from D's decisions (after
 * the writers' UNWRITABLE_VALUE flips): how many subjects were evaluated and what became of them.
 * Mechanisms add their own figures (collections, documents per payer, …) beside these.
 */
import type { Db } from '../store/db.ts';

export interface OutcomeCounts {
  /** subjects with an ISSUE/AMEND/TERMINATE/RELEASE/NO_CHANGE/SUPPRESS decision (TASK rows not counted) */
  evaluated: number;
  issued: number;
  amended: number;
  terminated: number;
  released: number;
  noChange: number;
  /** SUPPRESS decisions per reason code */
  suppressed: Record<string, number>;
  /** TERMINATE and RELEASE decisions per triggering reason code (none: '') */
  endedBy: Record<string, number>;
  tasks: number;
  /** sum of amount_cents of the ISSUE and AMEND decisions: the amounts sent */
  amountCents: number;
}

export function emptyOutcomeCounts(): OutcomeCounts {
  return { evaluated: 0, issued: 0, amended: 0, terminated: 0, released: 0, noChange: 0, suppressed: {}, endedBy: {}, tasks: 0, amountCents: 0 };
}

/** Adds `n` decisions of one outcome and reason (amount = their summed amount_cents). */
export function addOutcome(c: OutcomeCounts, outcome: string, reason: string, n: number, amountCents: number): void {
  if (outcome === 'TASK') {
    c.tasks += n;
    return;
  }
  c.evaluated += n;
  switch (outcome) {
    case 'ISSUE':
      c.issued += n;
      c.amountCents += amountCents;
      break;
    case 'AMEND':
      c.amended += n;
      c.amountCents += amountCents;
      break;
    case 'TERMINATE':
    case 'RELEASE':
      if (outcome === 'TERMINATE') c.terminated += n;
      else c.released += n;
      c.endedBy[reason] = (c.endedBy[reason] ?? 0) + n;
      break;
    case 'NO_CHANGE':
      c.noChange += n;
      break;
    case 'SUPPRESS':
      c.suppressed[reason] = (c.suppressed[reason] ?? 0) + n;
      break;
    default:
      throw new Error(`unknown decision outcome ${outcome}`);
  }
}

/** The outcome counts of one mechanism on D. */
export function countOutcomes(db: Db, businessDate: string, mechanism: string): OutcomeCounts {
  const rows = db
    .prepare(
      `SELECT outcome, reason_codes AS reason, count(*) AS n, coalesce(sum(amount_cents), 0) AS cents
       FROM decisions WHERE business_date = ? AND mechanism = ? GROUP BY outcome, reason_codes`,
    )
    .all(businessDate, mechanism) as Array<{ outcome: string; reason: string; n: number; cents: number }>;
  const c = emptyOutcomeCounts();
  for (const r of rows) addOutcome(c, r.outcome, r.reason, r.n, r.cents);
  return c;
}
