/**
 * Federal offset and passport certification (DOMAIN.md 6.6, outbound `fop-cert`): per obligor and
 * case type — A (assigned = `state_enforceable`) and N (non-assigned = `family_enforceable`) — one
 * decision a night, the delta against the certification ledger (`fop_ledger`) and the OCSS reject
 * feedback (`fop-rejects`, through derived.ts `fop_reject`).
 *
 * Set-based: the current certified state of every key is the latest ledger row before D (one
 * GROUP BY), the night's facts are one row per (obligor, case type) and one ordered CASE decides
 * the reason, a second the transaction.
 *
 * Subjects evaluated: every (obligor, case type) whose amount over the obligor's cases (any status)
 * is above zero, plus every key the ledger holds as certified. A type whose amount is 0 and that
 * is not certified has no record and no decision (DOMAIN 6.6 "a type whose amount is 0 has no
 * record"); an obligor whose arrears sit only on closed cases is evaluated, so that the decision
 * explains NO_OPEN_CASE.
 */
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import { addOutcome, emptyOutcomeCounts } from './summary.ts';
import type { OutcomeCounts } from './summary.ts';
import { stagingTableName } from '../store/staging.ts';
import { firstGateSql } from './derived.ts';
import type { GateReason } from './derived.ts';
import { insertTasks } from './tasks.ts';
import { clearMechanismDate, latestBeforeSql } from './ledger.ts';

export const FOP_MECHANISM = 'fop';

/** DOMAIN 5: the gates of federal offset (not incarceration relief, not DRP). */
export const FOP_GATES: readonly GateReason[] = ['DECEASED', 'NO_OPEN_CASE', 'NO_CURRENT_CSWN', 'BANKRUPTCY_STAY'];

/**
 * Suppression / termination reasons in the order they are applied: the gates, then DOMAIN 6.6's
 * own, then the ones this system needs where DOMAIN names none:
 * - BELOW_ARREARS_THRESHOLD: the type's whole-dollar amount is 0, or none of TAX/ADM/PAS holds
 *   (the levy's name for "not enough owed").
 * - NO_SSN / AMBIGUOUS_SSN: OCSS keys a certification by SSN; an obligor without a 9-digit SSN, or
 *   whose SSN another person id shares, cannot be certified (two records would share one key).
 * - SSN_CHANGED: the case extract's SSN differs from the one certified; the old key is deleted
 *   tonight and the new one added on a later night (one transaction per record per night).
 *
 * A certified entry rejected by OCSS whose data did not change is NO_CHANGE (nothing is sent;
 * facts.rejected); the night the reject is applied a TASK row (reason FOP_REJECTED) stands beside it.
 */
export const FOP_REASONS = [
  ...FOP_GATES,
  'NO_PRE_OFFSET_NOTICE',
  'BELOW_ARREARS_THRESHOLD',
  'NO_SSN',
  'AMBIGUOUS_SSN',
  'SSN_CHANGED',
] as const;

/** Error code 47 is an address warning: the transaction was accepted (DOMAIN 6.6, icd fop-rejects). */
export const FOP_WARNING_CODE = '47';

/** Exclusion indicators for what does not hold (pure; the SQL below builds the same string). */
export function fopExclusions(holds: { adm: boolean; tax: boolean; pas: boolean }): string {
  const codes: string[] = [];
  if (!holds.adm) codes.push('ADM', 'RET', 'SAL', 'VEN');
  if (!holds.tax) codes.push('TAX');
  if (!holds.pas) codes.push('PAS');
  return codes.join(',');
}

export interface FopSummary extends OutcomeCounts {
  transactions: Record<string, number>;
  /** whole dollars on the A and M records written, per case type */
  certifiedDollars: { A: number; N: number };
  rejectsApplied: number;
  /** NO_CHANGE decisions of entries that stand rejected by OCSS (not re-sent until their data change) */
  rejectedNotResent: number;
  /** fop-collections records loaded on D (reported only: DOMAIN 6.6 certifies, collections are counted) */
  collections: { records: number; tanf: number; nonTanf: number; collectionCents: number; adjustmentCents: number };
}

const FOP_COLL_TANF = stagingTableName('fop-collections', 'tanfDetail');
const FOP_COLL_NON_TANF = stagingTableName('fop-collections', 'nonTanfDetail');

/** Upper-cased, trimmed text as compared and written ('' counts as none). */
function text(expr: string): string {
  return `nullif(upper(trim(${expr})), '')`;
}

/**
 * Decides federal offset certification for D. Needs `computeDerivedFacts` for D first. Writes
 * decisions, FOP_REJECT tasks and D's ledger rows (the writer removes the rows it cannot write).
 */
export function decideFop(db: Db, businessDate: string, config: Config): void {
  clearMechanismDate(db, businessDate, FOP_MECHANISM, ['fop_ledger']);
  const f = config.fop;
  const p = {
    d: businessDate,
    taxA: f.taxAssignedMinCents,
    taxN: f.taxNonAssignedMinCents,
    admMin: f.admMinCents,
    admDays: f.admMinDaysDelinquent,
    pasMin: f.passportMinCents,
  };
  db.exec(`DROP TABLE IF EXISTS temp.fop_prev; DROP TABLE IF EXISTS temp.fop_person; DROP TABLE IF EXISTS temp.fop_eval;`);

  // 1. The certified state of every key before D: its latest ledger row (SQLite returns the bare
  //    columns of the row holding max()).
  db.prepare(
    `CREATE TEMP TABLE fop_prev AS ${latestBeforeSql('fop_ledger', ['person_id', 'case_type'])}`,
  ).run({ d: p.d });
  db.exec('CREATE UNIQUE INDEX temp.fop_prev_pk ON fop_prev (person_id, case_type)');

  // 2. Per obligor: what 6.6 reads besides obligor_facts (PON date ≤ D, approved passport appeal on
  //    an open case, amounts over all cases for choosing subjects, the case-extract lines read).
  db.prepare(
    `CREATE TEMP TABLE fop_person AS
     SELECT cf.person_id,
            max(CASE WHEN cf.is_open AND cf.pon_sent_date <= :d THEN cf.pon_sent_date END) AS pon_date,
            coalesce(max(cf.is_open AND cf.passport_appeal_approved = 'Y'), 0) AS appeal,
            sum(cf.state_enforceable) AS any_state,
            sum(cf.family_enforceable) AS any_family,
            json_group_array(CASE WHEN cf.is_open THEN cf.line END) AS open_case_lines
     FROM (SELECT cf.*, c.passport_appeal_approved, c.line
           FROM case_facts cf JOIN ce_cases c ON c.case_id = cf.case_id
           WHERE cf.person_id IS NOT NULL
           ORDER BY cf.person_id, c.line) cf
     GROUP BY cf.person_id`,
  ).run({ d: p.d });
  db.exec('CREATE UNIQUE INDEX temp.fop_person_pk ON fop_person (person_id)');

  // 3. One row per subject with the facts, the reason (first failing) and the transaction.
  const gate = firstGateSql(FOP_GATES);
  db.prepare(
    `CREATE TEMP TABLE fop_eval AS
     WITH subject AS (
       SELECT person_id, 'A' AS case_type FROM fop_person WHERE any_state > 0
       UNION SELECT person_id, 'N' FROM fop_person WHERE any_family > 0
       UNION SELECT person_id, case_type FROM fop_prev WHERE certified
     ), facts AS (
       SELECT s.person_id, s.case_type, s.person_id || '|' || s.case_type AS subject_key,
              pt.line AS participant_line,
              o.ssn, coalesce(so.ambiguous, 0) AS ssn_ambiguous,
              CASE s.case_type WHEN 'A' THEN coalesce(o.state_enforceable, 0) ELSE coalesce(o.family_enforceable, 0) END AS amount_cents,
              coalesce(o.principal, 0) AS principal_cents,
              -- A + N as DOMAIN 6.6 defines them: each type in whole dollars (cents dropped), as
              -- certified to OCSS; the PAS threshold compares this sum ($1,500.00 + $1,000.99 = $2,500)
              coalesce(o.state_enforceable, 0) / 100 + coalesce(o.family_enforceable, 0) / 100 AS principal_dollars,
              coalesce(o.days_delinquent, 0) AS days_delinquent,
              CASE s.case_type WHEN 'A' THEN :taxA ELSE :taxN END AS tax_min_cents,
              o.primary_case_id, o.primary_lcsa_code, o.cswn_sent_date,
              fp.pon_date, coalesce(fp.appeal, 0) AS appeal, fp.open_case_lines,
              CASE WHEN o.person_id IS NULL THEN 'NO_OPEN_CASE' ELSE ${gate} END AS gate,
              ${text('pt.last_name')} AS last_name, ${text('pt.first_name')} AS first_name,
              ${text('pt.address_line1')} AS address_line1, ${text('pt.address_line2')} AS address_line2,
              ${text('pt.city')} AS city, ${text('pt.state')} AS state,
              ${text("replace(pt.zip, '-', '')")} AS zip,
              pv.person_id IS NOT NULL AND pv.certified AS prev_certified,
              -- PAS hysteresis: the obligor holds PAS on some certified record (either case type)
              EXISTS (SELECT 1 FROM fop_prev q WHERE q.person_id = s.person_id AND q.certified
                        AND instr(',' || q.exclusions || ',', ',PAS,') = 0) AS pas_prev,
              pv.action AS prev_action, pv.sent_date AS prev_sent_date, pv.ssn AS prev_ssn,
              pv.case_id AS prev_case_id, pv.local_code AS prev_local_code,
              pv.last_name AS prev_last_name, pv.first_name AS prev_first_name,
              pv.address_line1 AS prev_address_line1, pv.address_line2 AS prev_address_line2,
              pv.city AS prev_city, pv.state AS prev_state, pv.zip AS prev_zip,
              pv.amount_dollars AS prev_amount_dollars, pv.exclusions AS prev_exclusions,
              pv.pon_date AS prev_pon_date, coalesce(pv.rejected, 0) AS prev_rejected,
              pv.error_codes AS prev_error_codes, pv.reject_source AS prev_reject_source,
              r.file AS reject_file, r.line AS reject_line, r.business_date AS reject_date, r.error_codes AS reject_codes,
              -- a reject of the certified entry: same SSN and case type, loaded on D or earlier and
              -- after the entry was last sent, with an error code other than the warning 47
              (pv.certified AND NOT coalesce(pv.rejected, 0) AND r.ssn IS NOT NULL AND r.business_date > pv.sent_date
                AND EXISTS (SELECT 1 FROM json_each(r.error_codes) e
                            WHERE e.value IS NOT NULL AND e.value NOT IN ('00', '${FOP_WARNING_CODE}'))) AS reject_now
       FROM subject s
       LEFT JOIN obligor_facts o ON o.person_id = s.person_id
       LEFT JOIN ce_participants pt ON pt.person_id = s.person_id
       LEFT JOIN ssn_owner so ON so.ssn = o.ssn
       LEFT JOIN fop_person fp ON fp.person_id = s.person_id
       LEFT JOIN fop_prev pv ON pv.person_id = s.person_id AND pv.case_type = s.case_type
       LEFT JOIN fop_reject r ON r.ssn = pv.ssn AND r.case_type = s.case_type
     ), eligibility AS (
       SELECT *,
              amount_cents / 100 AS amount_dollars,              -- whole dollars, cents dropped
              (amount_cents / 100) * 100 >= tax_min_cents AS tax,
              (amount_cents / 100) * 100 >= :admMin AND days_delinquent >= :admDays AS adm,
              -- PAS: A + N (whole dollars) above the threshold, or already certified for PAS until
              -- A + N = 0; an approved appeal on any open case removes it even when certified
              (NOT appeal AND (principal_dollars * 100 > :pasMin OR (pas_prev AND principal_dollars > 0))) AS pas
       FROM facts
     ), reasoned AS (
       SELECT *,
              rtrim(CASE WHEN adm THEN '' ELSE 'ADM,RET,SAL,VEN,' END
                    || CASE WHEN tax THEN '' ELSE 'TAX,' END
                    || CASE WHEN pas THEN '' ELSE 'PAS,' END, ',') AS exclusions,
              coalesce(gate, CASE
                WHEN pon_date IS NULL THEN 'NO_PRE_OFFSET_NOTICE'
                WHEN amount_dollars = 0 OR NOT (tax OR adm OR pas) THEN 'BELOW_ARREARS_THRESHOLD'
                WHEN ssn IS NULL THEN 'NO_SSN'
                WHEN ssn_ambiguous THEN 'AMBIGUOUS_SSN'
                WHEN prev_certified AND ssn <> prev_ssn THEN 'SSN_CHANGED'
              END) AS reason
       FROM eligibility
     ), compared AS (
       SELECT *,
              (last_name IS NOT prev_last_name OR first_name IS NOT prev_first_name) AS name_changed,
              (address_line1 IS NOT prev_address_line1 OR address_line2 IS NOT prev_address_line2
                OR city IS NOT prev_city OR state IS NOT prev_state OR zip IS NOT prev_zip) AS address_changed,
              amount_dollars IS NOT prev_amount_dollars AS amount_changed,
              exclusions IS NOT prev_exclusions AS exclusions_changed,
              (prev_rejected OR reject_now) AS rejected
       FROM reasoned
     )
     SELECT *,
            CASE
              WHEN reason IS NOT NULL THEN CASE WHEN prev_certified THEN 'D' END
              WHEN NOT prev_certified THEN 'A'
              -- rejected: not re-sent until its data changes, then sent as an add
              WHEN rejected THEN CASE WHEN name_changed OR address_changed OR amount_changed OR exclusions_changed THEN 'A' END
              WHEN name_changed THEN 'B'
              WHEN address_changed THEN 'Z'
              WHEN amount_changed THEN 'M'
              WHEN exclusions_changed THEN 'R'
            END AS action
     FROM compared`,
  ).run({ d: p.d, taxA: p.taxA, taxN: p.taxN, admMin: p.admMin, admDays: p.admDays, pasMin: p.pasMin });

  // 4. Decisions: one per subject.
  db.prepare(
    `INSERT INTO decisions (business_date, mechanism, subject_key, person_id, case_id, outcome,
                            reason_codes, amount_cents, facts, sources)
     SELECT :d, :mechanism, e.subject_key, e.person_id,
            coalesce(e.primary_case_id, e.prev_case_id),
            CASE
              WHEN e.action = 'A' THEN 'ISSUE'
              WHEN e.action IN ('B', 'Z', 'M', 'R') THEN 'AMEND'
              WHEN e.action = 'D' THEN 'TERMINATE'
              WHEN e.reason IS NOT NULL THEN 'SUPPRESS'
              -- a rejected entry whose data did not change is not re-sent: nothing to send
              ELSE 'NO_CHANGE'
            END,
            -- a D names the reason that caused it, a gate or a data change alike (BELOW_ARREARS_THRESHOLD,
            -- NO_SSN, SSN_CHANGED …), as IWO TRM and license R rows do: an auditor reads the cause of
            -- every end in reason_codes (DOMAIN 6: the decision row states its reasons)
            CASE WHEN e.action IS NULL OR e.action = 'D' THEN coalesce(e.reason, '') ELSE '' END,
            CASE WHEN e.action IN ('A', 'M') THEN e.amount_dollars * 100 END,
            json_object(
              'action', e.action,
              'reason', e.reason,
              'rejected', json(CASE WHEN e.rejected THEN 'true' ELSE 'false' END),
              'caseType', e.case_type,
              'amountCents', e.amount_cents,
              'amountDollars', e.amount_dollars,
              'principalCents', e.principal_cents,
              'principalDollars', e.principal_dollars,
              'daysDelinquent', e.days_delinquent,
              'tax', json(CASE WHEN e.tax THEN 'true' ELSE 'false' END),
              'taxMinCents', e.tax_min_cents,
              'adm', json(CASE WHEN e.adm THEN 'true' ELSE 'false' END),
              'admMinCents', :admMin,
              'admMinDaysDelinquent', :admDays,
              'pas', json(CASE WHEN e.pas THEN 'true' ELSE 'false' END),
              'passportMinCents', :pasMin,
              'passportAppealApproved', json(CASE WHEN e.appeal THEN 'true' ELSE 'false' END),
              'pasPreviouslyCertified', json(CASE WHEN e.pas_prev THEN 'true' ELSE 'false' END),
              'exclusions', e.exclusions,
              'preOffsetNoticeDate', e.pon_date,
              'cswnSentDate', e.cswn_sent_date,
              'primaryCaseId', e.primary_case_id,
              'lcsaCode', e.primary_lcsa_code,
              'pending', json_array(
                 CASE WHEN e.prev_certified AND e.name_changed THEN 'B' END,
                 CASE WHEN e.prev_certified AND e.address_changed THEN 'Z' END,
                 CASE WHEN e.prev_certified AND e.amount_changed THEN 'M' END,
                 CASE WHEN e.prev_certified AND e.exclusions_changed THEN 'R' END),
              'previous', CASE WHEN e.prev_sent_date IS NOT NULL THEN json_object(
                 'certified', json(CASE WHEN e.prev_certified THEN 'true' ELSE 'false' END),
                 'action', e.prev_action, 'sentDate', e.prev_sent_date,
                 'amountDollars', e.prev_amount_dollars, 'exclusions', e.prev_exclusions,
                 'rejected', json(CASE WHEN e.prev_rejected THEN 'true' ELSE 'false' END),
                 'errorCodes', json(e.prev_error_codes), 'rejectSource', e.prev_reject_source) END,
              'reject', CASE WHEN e.reject_now THEN json_object(
                 'file', e.reject_file, 'line', e.reject_line, 'loadedOn', e.reject_date,
                 'errorCodes', json(e.reject_codes)) END),
            (SELECT json_group_array(json(src)) FROM (
               SELECT json_object('interface', 'case-extract', 'file', 'participants.csv', 'line', e.participant_line) AS src
               WHERE e.participant_line IS NOT NULL
               UNION ALL
               SELECT json_object('interface', 'case-extract', 'file', 'cases.csv', 'line', j.value)
               FROM json_each(coalesce(e.open_case_lines, '[]')) j WHERE j.value IS NOT NULL
               UNION ALL
               SELECT json_object('interface', 'fop-rejects', 'file', e.reject_file, 'line', e.reject_line)
               WHERE e.reject_now))
     FROM fop_eval e
     ORDER BY e.person_id, e.case_type`,
  ).run({ d: p.d, mechanism: FOP_MECHANISM, admMin: p.admMin, admDays: p.admDays, pasMin: p.pasMin });

  // 5. A task FOP_REJECT per reject applied tonight, from the fop-rejects record.
  insertTasks(
    db,
    businessDate,
    FOP_MECHANISM,
    `SELECT 'FOP_REJECT' AS task_type, 'FOP_REJECTED' AS reason,
            coalesce(e.primary_case_id, e.prev_case_id) AS case_id,
            coalesce(e.primary_lcsa_code, e.prev_local_code) AS lcsa_code,
            e.person_id, 'fop-rejects' AS source_interface, e.reject_file AS source_file,
            f.sha256 AS source_sha256, e.reject_line AS source_line,
            -- no amount: the reject concerns a transaction (name, address, exclusions …), not a sum
            NULL AS amount_cents, e.subject_key
     FROM fop_eval e
     JOIN inbound_files f ON f.business_date = e.reject_date AND f.interface = 'fop-rejects'
                         AND f.file = e.reject_file AND f.status = 'loaded'
     WHERE e.reject_now`,
  );

  // 6. Ledger rows of D: each the complete state after tonight's transaction (or after the reject).
  db.prepare(
    `INSERT INTO fop_ledger (business_date, person_id, case_type, action, certified, sent_date, ssn, case_id,
                             local_code, last_name, first_name, address_line1, address_line2, city, state, zip,
                             amount_dollars, exclusions, pon_date, rejected, error_codes, reject_source, decision_id)
     SELECT :d, e.person_id, e.case_type, e.action,
            e.action IS NOT 'D',
            CASE WHEN e.action IS NULL THEN e.prev_sent_date ELSE :d END,
            CASE WHEN e.action = 'A' THEN e.ssn ELSE e.prev_ssn END,
            CASE WHEN e.action = 'A' THEN e.primary_case_id ELSE e.prev_case_id END,
            CASE WHEN e.action = 'A' THEN e.primary_lcsa_code ELSE e.prev_local_code END,
            -- the current last name on every transaction
            CASE WHEN e.action IS NULL THEN e.prev_last_name ELSE coalesce(e.last_name, e.prev_last_name) END,
            CASE WHEN e.action IN ('A', 'B') THEN e.first_name ELSE e.prev_first_name END,
            CASE WHEN e.action IN ('A', 'Z') THEN e.address_line1 ELSE e.prev_address_line1 END,
            CASE WHEN e.action IN ('A', 'Z') THEN e.address_line2 ELSE e.prev_address_line2 END,
            CASE WHEN e.action IN ('A', 'Z') THEN e.city ELSE e.prev_city END,
            CASE WHEN e.action IN ('A', 'Z') THEN e.state ELSE e.prev_state END,
            CASE WHEN e.action IN ('A', 'Z') THEN e.zip ELSE e.prev_zip END,
            CASE WHEN e.action IN ('A', 'M') THEN e.amount_dollars WHEN e.action = 'D' THEN 0 ELSE e.prev_amount_dollars END,
            CASE WHEN e.action IN ('A', 'R') THEN e.exclusions WHEN e.action = 'D' THEN '' ELSE e.prev_exclusions END,
            CASE WHEN e.action = 'A' THEN e.pon_date ELSE e.prev_pon_date END,
            e.action IS NULL,
            CASE WHEN e.action IS NULL THEN e.reject_codes END,
            CASE WHEN e.action IS NULL THEN e.reject_file || ':' || e.reject_line END,
            d.decision_id
     FROM fop_eval e
     CROSS JOIN decisions d
     WHERE (e.action IS NOT NULL OR e.reject_now)
       AND d.business_date = :d AND d.mechanism = :mechanism AND d.subject_key = e.subject_key AND d.outcome <> 'TASK'`,
  ).run({ d: p.d, mechanism: FOP_MECHANISM });
}

/** Counts of the night as they stand in the store (after the writer's UNWRITABLE_VALUE flips too). */
export function summarizeFop(db: Db, businessDate: string): FopSummary {
  const counts = db
    .prepare(
      `SELECT outcome, reason_codes AS reason, json_extract(facts, '$.action') AS action,
              json_extract(facts, '$.caseType') AS case_type, coalesce(json_extract(facts, '$.rejected'), 0) AS rejected,
              count(*) AS n, coalesce(sum(amount_cents), 0) AS cents
       FROM decisions WHERE business_date = ? AND mechanism = ? GROUP BY 1, 2, 3, 4, 5`,
    )
    .all(businessDate, FOP_MECHANISM) as Array<{ outcome: string; reason: string; action: string | null; case_type: string | null; rejected: number; n: number; cents: number }>;
  const s: FopSummary = {
    ...emptyOutcomeCounts(),
    transactions: {},
    certifiedDollars: { A: 0, N: 0 },
    rejectsApplied: 0,
    rejectedNotResent: 0,
    collections: { records: 0, tanf: 0, nonTanf: 0, collectionCents: 0, adjustmentCents: 0 },
  };
  for (const c of counts) {
    addOutcome(s, c.outcome, c.reason, c.n, c.cents);
    if (c.outcome === 'TASK') {
      s.rejectsApplied += c.n; // the only task of the federal offset: FOP_REJECT
      continue;
    }
    if (c.outcome === 'NO_CHANGE' && c.rejected) s.rejectedNotResent += c.n;
    if (c.outcome !== 'SUPPRESS' && c.action) {
      s.transactions[c.action] = (s.transactions[c.action] ?? 0) + c.n;
      if (c.case_type === 'A' || c.case_type === 'N') s.certifiedDollars[c.case_type] += c.cents / 100;
    }
  }
  const coll = db
    .prepare(
      `SELECT count(*) AS n, coalesce(sum(t = 'A'), 0) AS tanf, coalesce(sum(t = 'N'), 0) AS non_tanf,
              coalesce(sum(collectionAmount), 0) AS coll, coalesce(sum(adjustmentAmount), 0) AS adj
       FROM (SELECT 'A' AS t, r.collectionAmount, r.adjustmentAmount, r.file_id FROM ${FOP_COLL_TANF} r
             UNION ALL SELECT 'N', r.collectionAmount, r.adjustmentAmount, r.file_id FROM ${FOP_COLL_NON_TANF} r) r
       JOIN inbound_files f ON f.file_id = r.file_id
       WHERE f.business_date = ? AND f.interface = 'fop-collections' AND f.status = 'loaded'`,
    )
    .get(businessDate) as { n: number; tanf: number; non_tanf: number; coll: number; adj: number };
  s.collections = { records: coll.n, tanf: coll.tanf, nonTanf: coll.non_tanf, collectionCents: coll.coll, adjustmentCents: coll.adj };
  return s;
}
