/**
 * The IWO mechanism (DOMAIN.md 6.1 and 6.2): income withholding orders to employers and to the
 * payers found by match files (EDD, DIR, insurers, CalPERS), all written to the `eiwo` file.
 *
 * `decideIwo` replaces D's IWO decisions, tasks and ledger rows (a rerun of D replaces them), then
 * decides the employer IWOs (src/rules/iwoEmployer.ts) and the match IWOs (src/rules/iwoMatch.ts).
 * Needs `computeDerivedFacts` for D first.
 */
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import { decideEmployerIwos, IWO_MECHANISM } from './iwoEmployer.ts';
import { decideMatchIwos } from './iwoMatch.ts';

export { IWO_MECHANISM } from './iwoEmployer.ts';

/** Removes D's IWO decisions, tasks and ledger rows (every source), so a rerun replaces them. */
export function clearIwo(db: Db, businessDate: string): void {
  db.prepare('DELETE FROM iwo_ledger WHERE business_date = ?').run(businessDate);
  db.prepare('DELETE FROM tasks WHERE business_date = ? AND mechanism = ?').run(businessDate, IWO_MECHANISM);
  db.prepare('DELETE FROM decisions WHERE business_date = ? AND mechanism = ?').run(businessDate, IWO_MECHANISM);
}

export function decideIwo(db: Db, businessDate: string, config: Config): void {
  clearIwo(db, businessDate);
  decideEmployerIwos(db, businessDate, config);
  decideMatchIwos(db, businessDate, config);
}

/** Decision counts of one IWO source (employer, edd, dir-wc, ocss-im, calpers). */
export interface IwoSourceSummary {
  evaluated: number;
  issued: number;
  amended: number;
  terminated: number;
  noChange: number;
  suppressed: Record<string, number>;
  /** TERMINATE decisions by trigger (reason_codes) */
  terminatedBy: Record<string, number>;
  tasks: number;
  /** sum of amount_cents of ISSUE and AMEND decisions (total obligation amounts written) */
  amountCents: number;
}

export interface IwoSummary {
  bySource: Record<string, IwoSourceSummary>;
  /** ledger rows of D (= DTL records written) per source and document action code */
  documents: Record<string, Record<string, number>>;
  tasks: number;
}

function emptySource(): IwoSourceSummary {
  return { evaluated: 0, issued: 0, amended: 0, terminated: 0, noChange: 0, suppressed: {}, terminatedBy: {}, tasks: 0, amountCents: 0 };
}

/** Counts of the night as they stand in the store (after the writer's UNWRITABLE_VALUE flips too). */
export function summarizeIwo(db: Db, businessDate: string): IwoSummary {
  const rows = db
    .prepare(
      `SELECT substr(subject_key, 1, instr(subject_key, '|') - 1) AS source, outcome, reason_codes AS reason,
              count(*) AS n, coalesce(sum(amount_cents), 0) AS cents
       FROM decisions WHERE business_date = ? AND mechanism = ?
       GROUP BY 1, outcome, reason_codes ORDER BY 1, outcome, reason_codes`,
    )
    .all(businessDate, IWO_MECHANISM) as Array<{ source: string; outcome: string; reason: string; n: number; cents: number }>;
  const summary: IwoSummary = { bySource: {}, documents: {}, tasks: 0 };
  for (const r of rows) {
    const s = (summary.bySource[r.source] ??= emptySource());
    if (r.outcome === 'TASK') {
      s.tasks += r.n;
      summary.tasks += r.n;
      continue;
    }
    s.evaluated += r.n;
    switch (r.outcome) {
      case 'ISSUE':
        s.issued += r.n;
        s.amountCents += r.cents;
        break;
      case 'AMEND':
        s.amended += r.n;
        s.amountCents += r.cents;
        break;
      case 'TERMINATE':
        s.terminated += r.n;
        if (r.reason !== '') s.terminatedBy[r.reason] = (s.terminatedBy[r.reason] ?? 0) + r.n;
        break;
      case 'NO_CHANGE':
        s.noChange += r.n;
        break;
      case 'SUPPRESS':
        s.suppressed[r.reason] = (s.suppressed[r.reason] ?? 0) + r.n;
        break;
      default:
        // RELEASE is not an IWO outcome; counted as evaluated only
        break;
    }
  }
  const docs = db
    .prepare(
      `SELECT source, action, count(*) AS n FROM iwo_ledger WHERE business_date = ?
       GROUP BY source, action ORDER BY source, action`,
    )
    .all(businessDate) as Array<{ source: string; action: string; n: number }>;
  for (const d of docs) (summary.documents[d.source] ??= {})[d.action] = d.n;
  return summary;
}
