/**
 * State intercept certification (DOMAIN.md 6.7, outbound `ftb-cert`): per obligor with `principal`
 * > 0 one record, certified amount = obligor `total`, debt type CS, naming the primary case. Ledger
 * deltas against `ftb_ledger`: not certified → A, amount changed → M, no longer eligible → D
 * (amount 0); name changes send nothing.
 *
 * Subjects evaluated: every obligor whose principal over all their cases (any status) is above
 * zero, plus every obligor the ledger holds as certified (so a closed case explains NO_OPEN_CASE
 * and a paid-off obligor is decertified).
 */
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import { countOutcomes } from './summary.ts';
import type { OutcomeCounts } from './summary.ts';
import { stagingTableName } from '../store/staging.ts';
import type { GateReason } from './derived.ts';
import { CERTIFICATION_REASONS, decideObligorCertification } from './certification.ts';

export const FTB_MECHANISM = 'ftb';

/** DOMAIN 5: the gates of the FTB intercept (not incarceration relief, not DRP). */
export const FTB_GATES: readonly GateReason[] = ['DECEASED', 'NO_OPEN_CASE', 'NO_CURRENT_CSWN', 'BANKRUPTCY_STAY'];

/**
 * Reasons in the order they are applied: the gates, then where DOMAIN names none:
 * BELOW_ARREARS_THRESHOLD (open-case principal is 0), NO_SSN / AMBIGUOUS_SSN (the record is keyed
 * by SSN), SSN_CHANGED (the certified SSN is deleted; the new one is added on a later night).
 */
export const FTB_REASONS = [...FTB_GATES, ...CERTIFICATION_REASONS] as const;

/** The manifest summary: outcome counts (amountCents = the certified amounts sent) and collections. */
export interface FtbSummary extends OutcomeCounts {
  /** ftb 'C' intercept collection records loaded on D (reported only) */
  collections: { records: number; amountCents: number };
}

const FTB_INTERCEPT = stagingTableName('ftb', 'intercept');

/** Decides FTB certification for D. Needs `computeDerivedFacts` for D first. */
export function decideFtb(db: Db, businessDate: string, _config: Config): void {
  decideObligorCertification(db, businessDate, {
    mechanism: FTB_MECHANISM,
    ledger: 'ftb_ledger',
    gates: FTB_GATES,
    minPrincipalCents: 1, // principal > 0 (DOMAIN 6.7)
    changeAction: 'M',
    extraFacts: "'debtType', 'CS'",
  });
}

export function summarizeFtb(db: Db, businessDate: string): FtbSummary {
  const s: FtbSummary = { ...countOutcomes(db, businessDate, FTB_MECHANISM), collections: { records: 0, amountCents: 0 } };
  const coll = db
    .prepare(
      `SELECT count(*) AS n, coalesce(sum(c.amountIntercepted), 0) AS cents
       FROM ${FTB_INTERCEPT} c JOIN inbound_files f ON f.file_id = c.file_id
       WHERE f.business_date = ? AND f.interface = 'ftb' AND f.status = 'loaded'`,
    )
    .get(businessDate) as { n: number; cents: number };
  s.collections = { records: coll.n, amountCents: coll.cents };
  return s;
}
