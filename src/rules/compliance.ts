/**
 * Employer non-compliance (22 CCR 116108, Family Code 5241): employers who do not withhold under a
 * served e-IWO. Reads the employer IWOs of `iwo_ledger` (so it runs after the IWO mechanism) and
 * the SDU receipts of `sdu_receipts`; writes decisions, tasks and `compliance_ledger` /
 * `employer_osc_ledger` rows. Needs `computeDerivedFacts` for D (case_facts).
 *
 * Subjects (subject key `<case_id>|<fein>`, the employer IWO's ledger key): every employer e-IWO in
 * force on D (the latest `iwo_ledger` row of the key up to D is ORG or AMD, not TRM) on a case
 * still open, whose latest ORG is at least `compliance.noWageDays` days before D. Younger orders
 * are not evaluated (no decision). The receipts looked at are the WAGE receipts on the case with a
 * receipt date on or after the ORG date, loaded up to D; one counts when it comes from the
 * order's FEIN, is positive and has not been reversed by a reversal loaded up to D (a bounced
 * employer check is no withholding).
 *   - a counting receipt → NO_CHANGE `WAGE_RECEIVED` (with the failure raised earlier for the same
 *     ORG, if any: a later receipt closes nothing by itself, the failure stays counted);
 *   - none, and a failure already raised for this ORG → NO_CHANGE `FAILURE_ALREADY_RAISED`;
 *   - none → TASK `NO_WAGE_RECEIPT`, task `EMPLOYER_NONCOMPLIANCE` (source: the ORG's e-IWO DTL
 *     record), one `compliance_ledger` row (once per ORG; a new ORG of the key can fail again).
 * Employers (subject key `employer|<fein>`): a FEIN with at least `compliance.oscFailures`
 * failures raised in the window [D − oscMonths months, D] → TASK `OSC_FAILURES`, task
 * `EMPLOYER_OSC_CANDIDATE` naming the cases, one `employer_osc_ledger` row; when already named
 * within the window before D → NO_CHANGE `OSC_ALREADY_RAISED`.
 */
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import { clearMechanismDate } from './ledger.ts';
import { insertTasks } from './tasks.ts';
import { countOutcomes } from './summary.ts';
import type { OutcomeCounts } from './summary.ts';
import { EMPLOYER_SOURCE } from './iwoEmployer.ts';
import { summarizeSduReceipts } from '../inbound/sduReceipts.ts';
import type { SduReceiptSummary } from '../inbound/sduReceipts.ts';

export const COMPLIANCE_MECHANISM = 'compliance';

/** Reason codes of the mechanism (on TASK and NO_CHANGE rows). */
export const COMPLIANCE_REASONS = ['NO_WAGE_RECEIPT', 'FAILURE_ALREADY_RAISED', 'WAGE_RECEIVED', 'OSC_FAILURES', 'OSC_ALREADY_RAISED'] as const;

export const TASK_NONCOMPLIANCE = 'EMPLOYER_NONCOMPLIANCE';
export const TASK_OSC = 'EMPLOYER_OSC_CANDIDATE';

/** How many receipts a decision lists (the count is always given). */
const LISTED_RECEIPTS = 20;

/** Source columns (interface, file, sha256, line) of the e-IWO DTL record an ORG ledger row was written as. */
const ORG_SOURCE = `
  SELECT l.ledger_key, l.business_date AS org_date, 'eiwo' AS source_interface,
         coalesce(substr(d.output_ref, 1, instr(d.output_ref, ':') - 1), 'eiwo.txt') AS source_file,
         coalesce(of.sha256, '') AS source_sha256,
         coalesce(CAST(substr(d.output_ref, instr(d.output_ref, ':') + 1) AS INTEGER), 0) AS source_line
  FROM iwo_ledger l
  JOIN decisions d ON d.decision_id = l.decision_id
  LEFT JOIN output_files of ON of.business_date = l.business_date AND of.file = substr(d.output_ref, 1, instr(d.output_ref, ':') - 1)
  WHERE l.source = '${EMPLOYER_SOURCE}' AND l.action = 'ORG'`;

export function decideCompliance(db: Db, businessDate: string, config: Config): void {
  const c = config.compliance;
  clearMechanismDate(db, businessDate, COMPLIANCE_MECHANISM, ['compliance_ledger', 'employer_osc_ledger']);
  for (const t of ['ec_iwo', 'ec_receipt', 'ec_decision', 'ec_osc']) db.exec(`DROP TABLE IF EXISTS temp.${t}`);
  const params = { d: businessDate, days: c.noWageDays, months: `-${c.oscMonths} months` };

  // 1. Employer IWOs in force on D whose latest ORG is noWageDays or more before D, on an open case.
  db.prepare(
    `CREATE TEMP TABLE ec_iwo AS
     WITH latest AS (
       SELECT l.*, max(l.business_date) AS latest_date FROM iwo_ledger l
       WHERE l.source = '${EMPLOYER_SOURCE}' AND l.business_date <= :d GROUP BY l.ledger_key
     ), org AS (
       SELECT ledger_key, max(business_date) AS org_date FROM iwo_ledger
       WHERE source = '${EMPLOYER_SOURCE}' AND action = 'ORG' AND business_date <= :d GROUP BY ledger_key
     )
     SELECT l.ledger_key, l.case_id, l.fein, l.person_id, l.lcsa_code, o.org_date,
            date(o.org_date, '+' || :days || ' days') AS due_date,
            CAST(julianday(:d) - julianday(o.org_date) AS INTEGER) AS days_since_org,
            l.action AS in_force_action, l.latest_date AS in_force_since,
            l.current_support_cents + l.arrears_payment_cents AS order_cents
     FROM latest l JOIN org o ON o.ledger_key = l.ledger_key
     WHERE l.action IN ('ORG', 'AMD')
       AND julianday(:d) - julianday(o.org_date) >= :days
       AND EXISTS (SELECT 1 FROM case_facts cf WHERE cf.case_id = l.case_id AND cf.is_open)`,
  ).run({ d: businessDate, days: c.noWageDays });
  db.exec('CREATE UNIQUE INDEX temp.ec_iwo_pk ON ec_iwo (ledger_key)');

  // 2. The WAGE receipts on those cases since the ORG, loaded up to D.
  db.prepare(
    `CREATE TEMP TABLE ec_receipt AS
     SELECT i.ledger_key, r.receipt_id, r.receipt_date, r.business_date AS loaded_on, r.remitter_fein, r.amount_cents,
            EXISTS (SELECT 1 FROM sdu_receipts v WHERE v.reverses_receipt_id = r.receipt_id AND v.business_date <= :d) AS reversed,
            r.remitter_fein IS i.fein AS from_employer
     FROM ec_iwo i
     JOIN sdu_receipts r ON r.case_id = i.case_id AND r.source_type = 'WAGE' AND r.receipt_date >= i.org_date
      AND r.business_date <= :d AND r.amount_cents > 0`,
  ).run({ d: businessDate });
  db.exec('CREATE INDEX temp.ec_receipt_by_key ON ec_receipt (ledger_key, receipt_date, receipt_id)');

  // 3. One decision per IWO.
  db.prepare(
    `CREATE TEMP TABLE ec_decision AS
     WITH d AS (
       SELECT i.*,
              (SELECT json_object('receiptId', r.receipt_id, 'receiptDate', r.receipt_date, 'loadedOn', r.loaded_on,
                                  'amountCents', r.amount_cents)
               FROM ec_receipt r WHERE r.ledger_key = i.ledger_key AND r.from_employer AND NOT r.reversed
               ORDER BY r.receipt_date, r.receipt_id LIMIT 1) AS counting,
              (SELECT min(l.business_date) FROM compliance_ledger l
               WHERE l.ledger_key = i.ledger_key AND l.org_date = i.org_date AND l.business_date < :d) AS raised_on,
              (SELECT count(*) FROM ec_receipt r WHERE r.ledger_key = i.ledger_key) AS receipts_seen,
              (SELECT json_group_array(json_object('receiptId', receipt_id, 'receiptDate', receipt_date, 'remitterFein', remitter_fein,
                                                   'amountCents', amount_cents, 'reversed', json(CASE WHEN reversed THEN 'true' ELSE 'false' END),
                                                   'fromEmployer', json(CASE WHEN from_employer THEN 'true' ELSE 'false' END)))
               FROM (SELECT * FROM ec_receipt r WHERE r.ledger_key = i.ledger_key
                     ORDER BY r.receipt_date, r.receipt_id LIMIT ${LISTED_RECEIPTS})) AS receipts
       FROM ec_iwo i
     )
     SELECT d.*,
            CASE WHEN d.counting IS NOT NULL THEN 'WAGE_RECEIVED'
                 WHEN d.raised_on IS NOT NULL THEN 'FAILURE_ALREADY_RAISED'
                 ELSE 'NO_WAGE_RECEIPT' END AS reason,
            json_object('orgDate', d.org_date, 'dueDate', d.due_date, 'daysSinceOrg', d.days_since_org,
                        'noWageDays', :days, 'fein', d.fein, 'orderInForce', json_object('action', d.in_force_action,
                        'since', d.in_force_since, 'monthlyCents', d.order_cents),
                        'receiptsLookedAt', json_object('sourceType', 'WAGE', 'caseId', d.case_id, 'receiptDateFrom', d.org_date,
                                                        'loadedUpTo', :d, 'count', d.receipts_seen, 'listed', json(d.receipts)),
                        'countingReceipt', json(d.counting), 'failureRaisedOn', d.raised_on) AS facts
     FROM d`,
  ).run({ d: businessDate, days: c.noWageDays });

  db.prepare(
    `INSERT INTO decisions (business_date, mechanism, subject_key, person_id, case_id, outcome, reason_codes, amount_cents, facts, sources)
     SELECT :d, '${COMPLIANCE_MECHANISM}', e.ledger_key, e.person_id, e.case_id, 'NO_CHANGE', e.reason, NULL, e.facts,
            json_array(json_object('interface', 'eiwo', 'file', s.source_file, 'line', s.source_line, 'businessDate', e.org_date))
     FROM ec_decision e LEFT JOIN (${ORG_SOURCE}) s ON s.ledger_key = e.ledger_key AND s.org_date = e.org_date
     WHERE e.reason <> 'NO_WAGE_RECEIPT'
     ORDER BY e.ledger_key`,
  ).run({ d: businessDate });

  insertTasks(db, businessDate, COMPLIANCE_MECHANISM, `
      SELECT '${TASK_NONCOMPLIANCE}' AS task_type, 'NO_WAGE_RECEIPT' AS reason, e.case_id, e.lcsa_code, e.person_id,
             s.source_interface, s.source_file, s.source_sha256, s.source_line, e.order_cents AS amount_cents,
             e.ledger_key AS subject_key
      FROM ec_decision e JOIN (${ORG_SOURCE}) s ON s.ledger_key = e.ledger_key AND s.org_date = e.org_date
      WHERE e.reason = 'NO_WAGE_RECEIPT'`);
  patchTasks(db, businessDate, TASK_NONCOMPLIANCE, 'ec_decision', 'ledger_key',
    `'e-IWO ORG of ' || x.org_date || ' to FEIN ' || x.fein || ': no WAGE receipt on ' || x.case_id || ' since then (' || x.days_since_org || ' days)'`);
  db.prepare(
    `INSERT INTO compliance_ledger (business_date, ledger_key, org_date, case_id, fein, person_id, decision_id)
     SELECT :d, e.ledger_key, e.org_date, e.case_id, e.fein, e.person_id, d.decision_id
     FROM ec_decision e JOIN decisions d ON d.business_date = :d AND d.mechanism = '${COMPLIANCE_MECHANISM}'
      AND d.subject_key = e.ledger_key AND d.outcome = 'TASK'
     WHERE e.reason = 'NO_WAGE_RECEIPT'`,
  ).run({ d: businessDate });

  // 4. Employers with oscFailures or more failures in the window: order-to-show-cause candidates.
  db.prepare(
    `CREATE TEMP TABLE ec_osc AS
     WITH f AS (
       SELECT l.*, row_number() OVER (PARTITION BY l.fein ORDER BY l.business_date DESC, l.case_id) AS rn
       FROM compliance_ledger l WHERE l.business_date >= date(:d, :months) AND l.business_date <= :d
     ), agg AS (
       SELECT fein, count(*) AS failures, min(business_date) AS first_failure,
              json_group_array(json_object('caseId', case_id, 'raisedOn', business_date, 'orgDate', org_date)) AS failed,
              json_group_array(case_id) AS cases
       FROM (SELECT * FROM f ORDER BY fein, case_id, business_date) GROUP BY fein
     ), o AS (
       SELECT a.*, 'employer|' || a.fein AS subject_key, latest.case_id, latest.ledger_key, latest.org_date,
              (SELECT lcsa_code FROM ce_cases cc WHERE cc.case_id = latest.case_id) AS lcsa_code,
              (SELECT max(x.business_date) FROM employer_osc_ledger x
               WHERE x.fein = a.fein AND x.business_date < :d AND x.business_date >= date(:d, :months)) AS named_on
       FROM agg a JOIN f latest ON latest.fein = a.fein AND latest.rn = 1
       WHERE a.failures >= :min
     )
     SELECT o.*, json_object('fein', o.fein, 'failures', o.failures, 'minFailures', :min, 'months', :monthsN,
                             'windowFrom', date(:d, :months), 'cases', json(o.cases), 'failed', json(o.failed),
                             'namedOn', o.named_on) AS facts
     FROM o`,
  ).run({ ...params, min: c.oscFailures, monthsN: c.oscMonths });
  db.prepare(
    `INSERT INTO decisions (business_date, mechanism, subject_key, person_id, case_id, outcome, reason_codes, amount_cents, facts, sources)
     SELECT :d, '${COMPLIANCE_MECHANISM}', o.subject_key, NULL, o.case_id, 'NO_CHANGE', 'OSC_ALREADY_RAISED', NULL, o.facts, '[]'
     FROM ec_osc o WHERE o.named_on IS NOT NULL ORDER BY o.fein`,
  ).run({ d: businessDate });
  // source: the e-IWO DTL of the latest failure's ORG; '-OSC' tells the task from that failure's own
  insertTasks(db, businessDate, COMPLIANCE_MECHANISM, `
      SELECT '${TASK_OSC}' AS task_type, 'OSC_FAILURES' AS reason, o.case_id, o.lcsa_code, NULL AS person_id,
             'eiwo' AS source_interface, coalesce(s.source_file, 'eiwo.txt') AS source_file,
             coalesce(s.source_sha256, '') AS source_sha256, coalesce(s.source_line, 0) AS source_line,
             NULL AS amount_cents, o.subject_key
      FROM ec_osc o LEFT JOIN (${ORG_SOURCE}) s ON s.ledger_key = o.ledger_key AND s.org_date = o.org_date
      WHERE o.named_on IS NULL`, '-OSC');
  patchTasks(db, businessDate, TASK_OSC, 'ec_osc', 'subject_key',
    `'FEIN ' || x.fein || ': ' || x.failures || ' e-IWOs without a WAGE receipt raised since ' || json_extract(x.facts, '$.windowFrom')
      || ' (order to show cause, FC 5241): ' || (SELECT group_concat(value, ' ') FROM json_each(x.cases))`);
  db.prepare(
    `INSERT INTO employer_osc_ledger (business_date, fein, failures, cases, decision_id)
     SELECT :d, o.fein, o.failures, o.cases, d.decision_id
     FROM ec_osc o JOIN decisions d ON d.business_date = :d AND d.mechanism = '${COMPLIANCE_MECHANISM}'
      AND d.subject_key = o.subject_key AND d.outcome = 'TASK'
     WHERE o.named_on IS NULL`,
  ).run({ d: businessDate });
}

/**
 * After insertTasks: the caseworker's detail text on D's tasks of `taskType`, and the subject's
 * facts (`x.facts` of `table`) merged into each TASK decision row.
 */
function patchTasks(db: Db, businessDate: string, taskType: string, table: string, keyColumn: string, detailSql: string): void {
  db.prepare(
    `UPDATE decisions SET facts = json_patch(decisions.facts, (SELECT x.facts FROM ${table} x WHERE x.${keyColumn} = decisions.subject_key))
     WHERE business_date = :d AND mechanism = '${COMPLIANCE_MECHANISM}' AND outcome = 'TASK'
       AND json_extract(facts, '$.taskType') = '${taskType}'`,
  ).run({ d: businessDate });
  db.prepare(
    `UPDATE tasks SET detail = (SELECT ${detailSql} FROM ${table} x
                                JOIN decisions dd ON dd.subject_key = x.${keyColumn} AND dd.business_date = :d
                                 AND dd.mechanism = '${COMPLIANCE_MECHANISM}' AND dd.outcome = 'TASK'
                                 AND json_extract(dd.facts, '$.taskId') = tasks.task_id)
     WHERE business_date = :d AND mechanism = '${COMPLIANCE_MECHANISM}' AND task_type = '${taskType}'`,
  ).run({ d: businessDate });
}

export interface ComplianceSummary extends OutcomeCounts {
  /** what D's sdu-payments files added to the collections */
  receipts: SduReceiptSummary;
}

export function summarizeCompliance(db: Db, businessDate: string): ComplianceSummary {
  return { ...countOutcomes(db, businessDate, COMPLIANCE_MECHANISM), receipts: summarizeSduReceipts(db, businessDate) };
}
