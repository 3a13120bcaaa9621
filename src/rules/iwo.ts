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
import { addOutcome, emptyOutcomeCounts } from './summary.ts';
import type { OutcomeCounts } from './summary.ts';
import { decideEmployerIwos, IWO_MECHANISM } from './iwoEmployer.ts';
import { decideMatchIwos } from './iwoMatch.ts';
import { clearMechanismDate } from './ledger.ts';

export { IWO_MECHANISM } from './iwoEmployer.ts';

export function decideIwo(db: Db, businessDate: string, config: Config): void {
  clearMechanismDate(db, businessDate, IWO_MECHANISM, ['iwo_ledger']);
  decideEmployerIwos(db, businessDate, config);
  decideMatchIwos(db, businessDate, config);
}

/** Decision counts of one IWO source (employer, edd, dir-wc, ocss-im, calpers). */
export type IwoSourceSummary = OutcomeCounts;

export interface IwoSummary {
  bySource: Record<string, IwoSourceSummary>;
  /** ledger rows of D (= DTL records written) per source and document action code */
  documents: Record<string, Record<string, number>>;
  tasks: number;
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
    addOutcome((summary.bySource[r.source] ??= emptyOutcomeCounts()), r.outcome, r.reason, r.n, r.cents);
    if (r.outcome === 'TASK') summary.tasks += r.n;
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
