/**
 * The Child Support Lien Network as a match IWO source (DOMAIN 6.2 "Insurance", issue 12), and the
 * rule both insurance sources share: one claim, one lump-sum IWO.
 *
 * A CSLN match is treated like the OCSS insurance match: expected payment ≥
 * `iwo.insuranceMinPaymentCents` ($1,000.00 itself qualifies), status O (open) or S (settling),
 * obligor `total` > 0 → `LUM` e-IWO to the insurer for min(`total`, expected payment); the
 * non-discretionary gates; an insurer without a usable FEIN (blank, zeros) cannot head an e-IWO
 * batch → SUPPRESS INSURER_NOT_FEIN with task INSURANCE_SETTLEMENT_FOLLOWUP, an incomplete insurer
 * address → SUPPRESS EMPLOYER_INCOMPLETE with the same task. Ledger key `<person>|<FEIN>|<claim>`.
 *
 * One claim, one IWO: a claim is (insurer FEIN, claim number upper-cased). A report that would send
 * a LUM for a claim that already got one is `NO_CHANGE` with reason `DUPLICATE_MATCH`;
 * `facts.duplicateOf` names the earlier report (source, business date, subject key, decision) and
 * the decision's `sources` end with the earlier report's record(s).
 * - Earlier night: a LUM of the claim in `iwo_ledger` (column `claim_key`) before D, from either
 *   source (the same source and ledger key was already NO_CHANGE: `lumpSumSent`).
 * - Same night (deterministic precedence, docs/design.md): among D's reports that would send a LUM
 *   for the claim, `ocss-im` goes before `csln` (the federal match DOMAIN 6.2 names; its report
 *   does not depend on which state listed the obligor with CSLN), then the earlier file name, then
 *   the earlier line. Partner match dates are not compared: they are the partners' clocks.
 * A report that is suppressed on its own (closed, below the threshold, gate) is not a duplicate and
 * keeps its reason; the other report of the claim is decided on its own.
 * A claim whose insurer has no FEIN has no claim key: it cannot get a LUM anyway (task instead).
 */
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import { stagingTableName } from '../store/staging.ts';
import { insuranceProjectionSql, sourceSql } from './iwoMatch.ts';

export const CSLN_SOURCE = 'csln';

/** The sources that report insurance claims, in same-night precedence order. */
export const INSURANCE_CLAIM_SOURCES = ['ocss-im', CSLN_SOURCE] as const;

/** Reason of a NO_CHANGE: the claim already got (or tonight gets) its LUM from an earlier report. */
export const DUPLICATE_MATCH = 'DUPLICATE_MATCH';
export const CSLN_IWO_REASONS = [DUPLICATE_MATCH] as const;

/** Claim statuses that can still pay (open, settling); C closed, D denied, P paid cannot. */
export const CSLN_PAYING_STATUSES = ['O', 'S'] as const;

const CSLN = stagingTableName(CSLN_SOURCE, 'detail');
const NINE_DIGITS = `GLOB '[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'`;
const sources = INSURANCE_CLAIM_SOURCES.map((s) => `'${s}'`).join(', ');

/** D's CSLN records reduced to one winner per ledger key, in the `mi_rec` shape (see iwoMatch.ts). */
export function cslnSql(c: Config['iwo']): string {
  return sourceSql(
    CSLN_SOURCE,
    `SELECT s.person_id || '|' || coalesce(x.insurerFein, '') || '|' || x.claimNumber AS rec_key, s.person_id,
            f.file, f.sha256, x.line,
            -- "spaces or zeros when the insurer reported none"
            CASE WHEN x.insurerFein ${NINE_DIGITS} AND x.insurerFein <> '000000000' THEN x.insurerFein END AS fein,
            x.insurerFein AS insurer_fein, x.claimNumber AS claim_number, x.claimType AS claim_type,
            x.claimStatus AS claim_status, coalesce(x.expectedPaymentAmount, 0) AS payment,
            x.expectedPaymentDate AS payment_date, x.dateOfLoss AS loss_date, x.matchDate AS match_date,
            x.insurerName AS name, x.insurerAddressLine1 AS line1, x.insurerAddressLine2 AS line2,
            x.insurerCity AS city, x.insurerState AS state, x.insurerZip AS zip
     FROM ${CSLN} x JOIN inbound_files f ON f.file_id = x.file_id
       AND f.business_date = :d AND f.interface = '${CSLN_SOURCE}' AND f.status = 'loaded'
     JOIN ssn_owner s ON s.ssn = x.claimantSsn AND NOT s.ambiguous`,
    // the OCSS insurance order exactly (DOMAIN 6.2), with CSLN's paying statuses
    insuranceProjectionSql(
      c, CSLN_SOURCE, 'r.fein', CSLN_PAYING_STATUSES,
      `json_object('insurerFein', r.insurer_fein, 'claimNumber', r.claim_number, 'claimType', r.claim_type,
                   'claimStatus', r.claim_status, 'estimatedPaymentCents', r.payment,
                   'expectedPaymentDate', r.payment_date, 'dateOfLoss', r.loss_date, 'matchDate', r.match_date)`,
    ),
  );
}

/** D's CSLN records on an ambiguous SSN, in the shape of iwoMatch's `mi_ambiguous` (one task each). */
export function cslnAmbiguousSql(): string {
  return `SELECT '${CSLN_SOURCE}', f.file, f.sha256, x.line, x.expectedPaymentAmount
     FROM ${CSLN} x JOIN inbound_files f ON f.file_id = x.file_id AND f.business_date = :d AND f.interface = '${CSLN_SOURCE}' AND f.status = 'loaded'
     JOIN ambiguous_ssn s ON s.ssn = x.claimantSsn`;
}

/**
 * One claim, one IWO (see the header): on iwoMatch's `mi_decision`, before its decisions are
 * inserted, adds `claim_key` and `duplicate_of` and turns every report that would send a second LUM
 * for a claim into NONE (NO_CHANGE DUPLICATE_MATCH), with the earlier report appended to `sources`.
 */
export function markDuplicateClaims(db: Db, businessDate: string): void {
  db.exec(`ALTER TABLE temp.mi_decision ADD COLUMN claim_key TEXT;
           ALTER TABLE temp.mi_decision ADD COLUMN duplicate_of TEXT;`);
  db.exec(
    `UPDATE temp.mi_decision SET claim_key = payer_fein || '|' || upper(json_extract(record_facts, '$.claimNumber'))
     WHERE source IN (${sources}) AND kind = 'LUMP' AND payer_fein IS NOT NULL AND payer_fein <> '000000000'`,
  );
  db.exec(`CREATE INDEX temp.mi_decision_by_claim ON mi_decision (claim_key) WHERE claim_key IS NOT NULL`);
  // The updates below and recordClaimKeys join mi_decision on its (source, ledger_key). Without
  // this index recordClaimKeys probed the claim index for every ledger row of D: 280 s of a
  // 1M-case night (issue 10, scripts/profile-sql.ts); with it, one probe per row.
  db.exec(`CREATE INDEX temp.mi_decision_by_key ON mi_decision (source, ledger_key)`);

  // An earlier night's LUM of the claim (either source).
  db.prepare(
    `UPDATE temp.mi_decision AS m SET action = 'NONE',
       duplicate_of = p.earlier, sources = json_insert(m.sources, '$[#]', json(p.earlier_sources))
     FROM (SELECT m2.source, m2.ledger_key,
                  json_object('source', l.source, 'businessDate', l.business_date,
                              'subjectKey', l.source || '|' || l.ledger_key, 'decisionId', l.decision_id) AS earlier,
                  coalesce(json_extract(d.sources, '$[0]'), json_object('interface', l.source)) AS earlier_sources,
                  row_number() OVER (PARTITION BY m2.source, m2.ledger_key ORDER BY l.business_date, l.source, l.ledger_key) AS rn
           FROM temp.mi_decision m2
           JOIN iwo_ledger l ON l.claim_key = m2.claim_key AND l.action = 'LUM' AND l.business_date < :d
           LEFT JOIN decisions d ON d.decision_id = l.decision_id
           WHERE m2.action = 'LUM') AS p
     WHERE p.rn = 1 AND m.source = p.source AND m.ledger_key = p.ledger_key`,
  ).run({ d: businessDate });

  // Tonight: the first report by precedence keeps the LUM; the later ones name it.
  const precedence = `CASE source ${INSURANCE_CLAIM_SOURCES.map((s, i) => `WHEN '${s}' THEN ${i}`).join(' ')} END, file, line`;
  db.prepare(
    `UPDATE temp.mi_decision AS m SET action = 'NONE',
       duplicate_of = json_object('source', w.source, 'businessDate', :d, 'subjectKey', w.source || '|' || w.ledger_key,
                                  'record', json_object('interface', w.interface, 'file', w.file, 'line', w.line)),
       sources = json_insert(m.sources, '$[#]', json_object('interface', w.interface, 'file', w.file, 'line', w.line))
     FROM (SELECT *, row_number() OVER (PARTITION BY claim_key ORDER BY ${precedence}) AS rn
           FROM temp.mi_decision WHERE claim_key IS NOT NULL AND action = 'LUM') AS r
     JOIN (SELECT *, row_number() OVER (PARTITION BY claim_key ORDER BY ${precedence}) AS rn
           FROM temp.mi_decision WHERE claim_key IS NOT NULL AND action = 'LUM') AS w
       ON w.claim_key = r.claim_key AND w.rn = 1
     WHERE r.rn > 1 AND m.source = r.source AND m.ledger_key = r.ledger_key`,
  ).run({ d: businessDate });
}

/** After iwoMatch inserted D's ledger rows: the claim key of each insurance LUM sent (earlier nights' check). */
export function recordClaimKeys(db: Db, businessDate: string): void {
  db.prepare(
    `UPDATE iwo_ledger AS l SET claim_key = m.claim_key
     FROM temp.mi_decision m
     WHERE l.business_date = :d AND l.action = 'LUM' AND l.source IN (${sources})
       AND m.source = l.source AND m.ledger_key = l.ledger_key AND m.claim_key IS NOT NULL`,
  ).run({ d: businessDate });
}
