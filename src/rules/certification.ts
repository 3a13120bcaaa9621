/**
 * Obligor-level certification against a ledger, shared by the FTB intercept (DOMAIN 6.7,
 * src/rules/ftb.ts) and the CSLN listing (src/rules/csln.ts): per obligor one record naming the
 * primary case, amount = obligor `total`; ledger deltas against the mechanism's ledger (same
 * columns as ftb_ledger): not certified → A, amount changed → the change action (FTB M, CSLN C), no
 * longer eligible → D (amount 0); name changes send nothing.
 *
 * Subjects evaluated: every obligor whose principal over all their cases (any status) is above
 * zero, plus every obligor the ledger holds as certified (so a closed case explains NO_OPEN_CASE
 * and a paid-off obligor is removed).
 *
 * Reasons in the order they are applied: the gates, then BELOW_ARREARS_THRESHOLD (open-case
 * principal below `minPrincipalCents`), NO_SSN / AMBIGUOUS_SSN (the record is keyed by SSN),
 * SSN_CHANGED (the certified SSN is deleted; the new one is added on a later night).
 */
import type { Db } from '../store/db.ts';
import { firstGateSql } from './derived.ts';
import type { GateReason } from './derived.ts';
import { clearMechanismDate, latestBeforeSql } from './ledger.ts';

/** The reasons after the gates, in order. */
export const CERTIFICATION_REASONS = ['BELOW_ARREARS_THRESHOLD', 'NO_SSN', 'AMBIGUOUS_SSN', 'SSN_CHANGED'] as const;

export interface CertificationSpec {
  mechanism: string;
  /** ledger table with the columns of ftb_ledger */
  ledger: 'ftb_ledger' | 'csln_ledger';
  gates: readonly GateReason[];
  /** open-case principal below this is BELOW_ARREARS_THRESHOLD (FTB: 1, i.e. "principal > 0") */
  minPrincipalCents: number;
  /** the action code of an amount change (FTB M, CSLN C) */
  changeAction: string;
  /** SQL `'key', value` pairs added to every decision's facts (constants of the mechanism) */
  extraFacts: string;
}

function text(expr: string): string {
  return `nullif(upper(trim(${expr})), '')`;
}

/**
 * Decides D's certification deltas of `spec.mechanism` (decisions and ledger rows, replacing an
 * earlier run of D). Needs `computeDerivedFacts` for D first.
 */
export function decideObligorCertification(db: Db, businessDate: string, spec: CertificationSpec): void {
  const { mechanism, ledger } = spec;
  const prev = `${mechanism}_prev`;
  const evalTable = `${mechanism}_eval`;
  clearMechanismDate(db, businessDate, mechanism, [ledger]);
  db.exec(`DROP TABLE IF EXISTS temp.${prev}; DROP TABLE IF EXISTS temp.${evalTable};`);

  // The certified state of every obligor before D: the latest ledger row.
  db.prepare(
    `CREATE TEMP TABLE ${prev} AS ${latestBeforeSql(ledger, ['person_id'])}`,
  ).run({ d: businessDate });
  db.exec(`CREATE UNIQUE INDEX temp.${prev}_pk ON ${prev} (person_id)`);

  db.prepare(
    `CREATE TEMP TABLE ${evalTable} AS
     WITH person_cases AS (
       SELECT person_id, sum(principal) AS any_principal,
              json_group_array(CASE WHEN is_open THEN line END) AS open_case_lines
       FROM (SELECT cf.person_id, cf.principal, cf.is_open, c.line
             FROM case_facts cf JOIN ce_cases c ON c.case_id = cf.case_id
             WHERE cf.person_id IS NOT NULL ORDER BY cf.person_id, c.line)
       GROUP BY person_id
     ), subject AS (
       SELECT person_id FROM person_cases WHERE any_principal > 0
       UNION SELECT person_id FROM ${prev} WHERE certified
     ), facts AS (
       SELECT s.person_id, pt.line AS participant_line, pc.open_case_lines,
              o.ssn, coalesce(so.ambiguous, 0) AS ssn_ambiguous,
              coalesce(o.principal, 0) AS principal_cents, coalesce(o.total, 0) AS total_cents,
              o.primary_case_id, o.primary_lcsa_code, o.cswn_sent_date,
              CASE WHEN o.person_id IS NULL THEN 'NO_OPEN_CASE' ELSE ${firstGateSql(spec.gates)} END AS gate,
              ${text('pt.last_name')} AS last_name, ${text('pt.first_name')} AS first_name,
              ${text('pt.middle_name')} AS middle_name, ${text('pt.suffix')} AS suffix, pt.dob,
              pv.person_id IS NOT NULL AND pv.certified AS prev_certified,
              pv.action AS prev_action, pv.business_date AS prev_date, pv.ssn AS prev_ssn,
              pv.amount_cents AS prev_amount_cents, pv.case_id AS prev_case_id, pv.lcsa_code AS prev_lcsa_code,
              pv.last_name AS prev_last_name, pv.first_name AS prev_first_name, pv.middle_name AS prev_middle_name,
              pv.suffix AS prev_suffix, pv.dob AS prev_dob
       FROM subject s
       LEFT JOIN person_cases pc ON pc.person_id = s.person_id
       LEFT JOIN obligor_facts o ON o.person_id = s.person_id
       LEFT JOIN ce_participants pt ON pt.person_id = s.person_id
       LEFT JOIN ssn_owner so ON so.ssn = o.ssn
       LEFT JOIN ${prev} pv ON pv.person_id = s.person_id
     ), reasoned AS (
       SELECT *,
              coalesce(gate, CASE
                WHEN principal_cents < ${spec.minPrincipalCents} THEN 'BELOW_ARREARS_THRESHOLD'
                WHEN ssn IS NULL THEN 'NO_SSN'
                WHEN ssn_ambiguous THEN 'AMBIGUOUS_SSN'
                WHEN prev_certified AND ssn <> prev_ssn THEN 'SSN_CHANGED'
              END) AS reason
       FROM facts
     )
     SELECT *,
            CASE
              WHEN reason IS NOT NULL THEN CASE WHEN prev_certified THEN 'D' END
              WHEN NOT prev_certified THEN 'A'
              WHEN total_cents <> prev_amount_cents THEN '${spec.changeAction}'
            END AS action
     FROM reasoned`,
  ).run({ d: businessDate });

  db.prepare(
    `INSERT INTO decisions (business_date, mechanism, subject_key, person_id, case_id, outcome,
                            reason_codes, amount_cents, facts, sources)
     SELECT :d, :mechanism, e.person_id, e.person_id,
            coalesce(e.primary_case_id, e.prev_case_id),
            CASE e.action WHEN 'A' THEN 'ISSUE' WHEN '${spec.changeAction}' THEN 'AMEND' WHEN 'D' THEN 'TERMINATE'
                          ELSE CASE WHEN e.reason IS NOT NULL THEN 'SUPPRESS' ELSE 'NO_CHANGE' END END,
            -- a D names the reason that caused it, a gate or a data change alike (BELOW_ARREARS_THRESHOLD,
            -- NO_SSN, SSN_CHANGED …), as IWO TRM and license R rows do (DOMAIN 6: the decision row
            -- states its reasons)
            CASE WHEN e.action IS NULL OR e.action = 'D' THEN coalesce(e.reason, '') ELSE '' END,
            CASE WHEN e.action = 'D' THEN 0 WHEN e.reason IS NULL THEN e.total_cents END,
            json_object(
              'action', e.action,
              'reason', e.reason,
              ${spec.extraFacts},
              'principalCents', e.principal_cents,
              'totalCents', e.total_cents,
              'cswnSentDate', e.cswn_sent_date,
              'primaryCaseId', e.primary_case_id,
              'lcsaCode', e.primary_lcsa_code,
              'nameChanged', json(CASE WHEN e.prev_certified AND (e.last_name IS NOT e.prev_last_name
                                     OR e.first_name IS NOT e.prev_first_name OR e.middle_name IS NOT e.prev_middle_name
                                     OR e.suffix IS NOT e.prev_suffix) THEN 'true' ELSE 'false' END),
              'previous', CASE WHEN e.prev_date IS NOT NULL THEN json_object(
                 'certified', json(CASE WHEN e.prev_certified THEN 'true' ELSE 'false' END),
                 'action', e.prev_action, 'sentDate', e.prev_date, 'amountCents', e.prev_amount_cents,
                 'caseId', e.prev_case_id) END),
            (SELECT json_group_array(json(src)) FROM (
               SELECT json_object('interface', 'case-extract', 'file', 'participants.csv', 'line', e.participant_line) AS src
               WHERE e.participant_line IS NOT NULL
               UNION ALL
               SELECT json_object('interface', 'case-extract', 'file', 'cases.csv', 'line', j.value)
               FROM json_each(coalesce(e.open_case_lines, '[]')) j WHERE j.value IS NOT NULL))
     FROM ${evalTable} e
     ORDER BY e.person_id`,
  ).run({ d: businessDate, mechanism });

  // Ledger rows of D: the complete certified state after the transaction. Every record names the
  // obligor's primary case on D (DOMAIN 4: "every obligor-level record (… FTB certification …) names
  // the primary case and its LCSA code"; the record is keyed by the obligor, not by case); a D for an obligor with no open case left names the case last certified.
  db.prepare(
    `INSERT INTO ${ledger} (business_date, person_id, action, certified, ssn, last_name, first_name, middle_name,
                             suffix, dob, case_id, lcsa_code, amount_cents, decision_id)
     SELECT :d, e.person_id, e.action, e.action <> 'D',
            CASE WHEN e.action = 'A' THEN e.ssn ELSE e.prev_ssn END,
            coalesce(e.last_name, e.prev_last_name), coalesce(e.first_name, e.prev_first_name),
            CASE WHEN e.last_name IS NULL THEN e.prev_middle_name ELSE e.middle_name END,
            CASE WHEN e.last_name IS NULL THEN e.prev_suffix ELSE e.suffix END,
            coalesce(e.dob, e.prev_dob),
            coalesce(e.primary_case_id, e.prev_case_id),
            CASE WHEN e.primary_case_id IS NOT NULL THEN e.primary_lcsa_code ELSE e.prev_lcsa_code END,
            CASE WHEN e.action = 'D' THEN 0 ELSE e.total_cents END,
            d.decision_id
     FROM ${evalTable} e
     CROSS JOIN decisions d
     WHERE e.action IS NOT NULL
       AND d.business_date = :d AND d.mechanism = :mechanism AND d.subject_key = e.person_id`,
  ).run({ d: businessDate, mechanism });
}
