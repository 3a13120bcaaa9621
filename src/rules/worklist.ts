/**
 * Match-driven worklist tasks (DOMAIN 6.2, 6.11), mechanism 'worklist':
 * - TSP: balance > 0, obligor not compliant and `total` > 0 → task TSP_MANUAL_LEVY for
 *   min(balance, total) (TSP needs a legal process naming the account: a caseworker's levy).
 *   Gates DECEASED, NO_OPEN_CASE, BANKRUPTCY_STAY (outside the case system: no CSWN gate).
 * - DIR PD / LS (any status) → task DIR_PD_LIEN_REVIEW (lien on the lump sum) for
 *   min(award, total). Gates DECEASED, NO_OPEN_CASE, NO_CURRENT_CSWN (DIR is a data match),
 *   BANKRUPTCY_STAY (lien).
 *
 * Acts on the records loaded on D (one winner per key: TSP account, DIR claim number + benefit
 * type; the later file name then line supersedes). Each evaluated record gets one decision with
 * subject key `<interface>|<file>:<line>`: the TASK row of its task, or SUPPRESS with the first
 * failing reason. Records on an ambiguous SSN raise task OTHER (no person, case or LCSA).
 * Needs `computeDerivedFacts` for D.
 */
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import { stagingTableName } from '../store/staging.ts';
import { firstGateSql } from './derived.ts';
import type { GateReason } from './derived.ts';
import { insertTasks } from './tasks.ts';
import { clearMechanismDate } from './ledger.ts';

export const WORKLIST_MECHANISM = 'worklist';

/**
 * Reasons after the gates. NO_BALANCE: TSP balance 0; NOT_DELINQUENT: the obligor is compliant
 * (as for license suspension); NOTHING_OWED: obligor `total` is 0.
 */
export const WORKLIST_REASONS = ['NO_BALANCE', 'NOT_DELINQUENT', 'NOTHING_OWED'] as const;

const TSP_GATES: GateReason[] = ['DECEASED', 'NO_OPEN_CASE', 'BANKRUPTCY_STAY'];
const DIR_GATES: GateReason[] = ['DECEASED', 'NO_OPEN_CASE', 'NO_CURRENT_CSWN', 'BANKRUPTCY_STAY'];

const TSP = stagingTableName('tsp', 'detail');
const DIR = stagingTableName('dir-wc', 'detail');

export interface WorklistSummary {
  evaluated: number;
  tasks: Record<string, number>;
  taskCents: number;
  suppressed: Record<string, number>;
}

export function decideWorklist(db: Db, businessDate: string, config: Config): void {
  clearMechanismDate(db, businessDate, WORKLIST_MECHANISM, []);
  db.exec('DROP TABLE IF EXISTS temp.wl_rec; DROP TABLE IF EXISTS temp.wl_ambiguous; DROP TABLE IF EXISTS temp.wl_task_facts;');

  db.prepare(
    `CREATE TEMP TABLE wl_rec AS
     WITH tsp AS (
       SELECT s.person_id, f.file, f.sha256, x.line, x.tspAccountNumber AS rec_key,
              coalesce(x.accountBalance, 0) AS balance_cents, x.balanceAsOfDate AS balance_as_of,
              x.separated, x.loanOutstanding AS loan_outstanding,
              row_number() OVER (PARTITION BY x.tspAccountNumber ORDER BY f.file DESC, x.line DESC) AS rn
       FROM ${TSP} x
       JOIN inbound_files f ON f.file_id = x.file_id AND f.business_date = :d AND f.interface = 'tsp' AND f.status = 'loaded'
       JOIN ssn_owner s ON s.ssn = x.ssn AND NOT s.ambiguous
     ), dir AS (
       SELECT s.person_id, f.file, f.sha256, x.line, x.claimNumber || '|' || x.benefitType AS rec_key,
              x.claimNumber AS claim_number, x.benefitType AS benefit_type, x.claimStatus AS claim_status,
              coalesce(x.awardAmount, 0) AS award_cents, x.awardDate AS award_date,
              row_number() OVER (PARTITION BY x.claimNumber, x.benefitType ORDER BY f.file DESC, x.line DESC) AS rn
       FROM ${DIR} x
       JOIN inbound_files f ON f.file_id = x.file_id AND f.business_date = :d AND f.interface = 'dir-wc' AND f.status = 'loaded'
       JOIN ssn_owner s ON s.ssn = x.ssn AND NOT s.ambiguous
       WHERE x.benefitType IN ('PD', 'LS')
     )
     SELECT 'tsp' AS interface, t.file, t.sha256, t.line, t.person_id, 'TSP_MANUAL_LEVY' AS task_type,
            coalesce(${firstGateSql(TSP_GATES)}, CASE
              WHEN t.balance_cents <= 0 THEN 'NO_BALANCE'
              WHEN o.compliant THEN 'NOT_DELINQUENT'
              WHEN o.total <= 0 THEN 'NOTHING_OWED' END) AS reason,
            min(t.balance_cents, o.total) AS amount_cents,
            o.primary_case_id, o.primary_lcsa_code,
            json_object('accountNumberLast4', substr(t.rec_key, -4), 'balanceCents', t.balance_cents,
                        'balanceAsOfDate', t.balance_as_of, 'separated', t.separated, 'loanOutstanding', t.loan_outstanding,
                        'totalCents', o.total, 'principalCents', o.principal, 'daysDelinquent', o.days_delinquent,
                        'compliantMaxDaysDelinquent', :compliantMax, 'compliant', o.compliant,
                        'primaryCaseId', o.primary_case_id, 'lcsaCode', o.primary_lcsa_code) AS facts
     FROM tsp t JOIN obligor_facts o ON o.person_id = t.person_id
     WHERE t.rn = 1
     UNION ALL
     -- an award not yet made (0) still raises the review: a lien can be filed before the award
     SELECT 'dir-wc', r.file, r.sha256, r.line, r.person_id, 'DIR_PD_LIEN_REVIEW',
            coalesce(${firstGateSql(DIR_GATES)}, CASE WHEN o.total <= 0 THEN 'NOTHING_OWED' END),
            min(r.award_cents, o.total),
            o.primary_case_id, o.primary_lcsa_code,
            json_object('claimNumber', r.claim_number, 'benefitType', r.benefit_type, 'claimStatus', r.claim_status,
                        'awardCents', r.award_cents, 'awardDate', r.award_date,
                        'totalCents', o.total, 'principalCents', o.principal, 'cswnSentDate', o.cswn_sent_date,
                        'primaryCaseId', o.primary_case_id, 'lcsaCode', o.primary_lcsa_code)
     FROM dir r JOIN obligor_facts o ON o.person_id = r.person_id
     WHERE r.rn = 1`,
  ).run({ d: businessDate, compliantMax: config.derived.compliantMaxDaysDelinquent });

  // SUPPRESS decisions: one per evaluated record that raises no task.
  db.prepare(
    `INSERT INTO decisions (business_date, mechanism, subject_key, person_id, case_id, outcome,
                            reason_codes, amount_cents, facts, sources)
     SELECT :d, :mechanism, interface || '|' || file || ':' || line, person_id, primary_case_id, 'SUPPRESS',
            reason, NULL, json_set(facts, '$.taskType', task_type),
            json_array(json_object('interface', interface, 'file', file, 'line', line))
     FROM wl_rec WHERE reason IS NOT NULL
     ORDER BY interface, file, line`,
  ).run({ d: businessDate, mechanism: WORKLIST_MECHANISM });

  // Tasks (with their TASK decision), and one task OTHER per record on an ambiguous SSN.
  db.prepare(
    `CREATE TEMP TABLE wl_ambiguous AS
     SELECT 'tsp' AS interface, f.file, f.sha256, x.line, x.accountBalance AS amount_cents
     FROM ${TSP} x
     JOIN inbound_files f ON f.file_id = x.file_id AND f.business_date = :d AND f.interface = 'tsp' AND f.status = 'loaded'
     JOIN ambiguous_ssn s ON s.ssn = x.ssn
     UNION ALL
     SELECT 'dir-wc', f.file, f.sha256, x.line, x.awardAmount
     FROM ${DIR} x
     JOIN inbound_files f ON f.file_id = x.file_id AND f.business_date = :d AND f.interface = 'dir-wc' AND f.status = 'loaded'
     JOIN ambiguous_ssn s ON s.ssn = x.ssn
     WHERE x.benefitType IN ('PD', 'LS')`,
  ).run({ d: businessDate });
  insertTasks(db, businessDate, WORKLIST_MECHANISM, `
      SELECT task_type, '' AS reason, primary_case_id AS case_id, primary_lcsa_code AS lcsa_code, person_id,
             interface AS source_interface, file AS source_file, sha256 AS source_sha256, line AS source_line,
             amount_cents, interface || '|' || file || ':' || line AS subject_key
      FROM wl_rec WHERE reason IS NULL
      UNION ALL
      SELECT 'OTHER', 'AMBIGUOUS_SSN', NULL, NULL, NULL, interface, file, sha256, line, amount_cents,
             interface || '|' || file || ':' || line
      FROM wl_ambiguous`);
  // The TASK rows also keep the values compared (insertTasks records the task only).
  // Keyed both ways (an UPDATE … FROM over an unindexed temp table can scan it once per decision).
  db.exec(`CREATE TEMP TABLE wl_task_facts AS
           SELECT interface || '|' || file || ':' || line AS subject_key, facts FROM wl_rec WHERE reason IS NULL;
           CREATE UNIQUE INDEX temp.wl_task_facts_pk ON wl_task_facts (subject_key);`);
  db.prepare(
    `UPDATE decisions SET facts = json_patch(decisions.facts,
                                             (SELECT t.facts FROM wl_task_facts t WHERE t.subject_key = decisions.subject_key))
     WHERE decisions.business_date = :d AND decisions.mechanism = :mechanism AND decisions.outcome = 'TASK'
       AND decisions.subject_key IN (SELECT subject_key FROM wl_task_facts)`,
  ).run({ d: businessDate, mechanism: WORKLIST_MECHANISM });
  db.exec('DROP TABLE temp.wl_task_facts');
}

/** Counts of the night as they stand in the store. */
export function summarizeWorklist(db: Db, businessDate: string): WorklistSummary {
  const rows = db
    .prepare(
      `SELECT outcome, reason_codes AS reason, json_extract(facts, '$.taskType') AS task_type,
              count(*) AS n, coalesce(sum(amount_cents), 0) AS cents
       FROM decisions WHERE business_date = ? AND mechanism = ? GROUP BY 1, 2, 3`,
    )
    .all(businessDate, WORKLIST_MECHANISM) as Array<{ outcome: string; reason: string; task_type: string | null; n: number; cents: number }>;
  const summary: WorklistSummary = { evaluated: 0, tasks: {}, taskCents: 0, suppressed: {} };
  for (const r of rows) {
    if (r.outcome === 'TASK') {
      const type = r.task_type ?? 'OTHER';
      summary.tasks[type] = (summary.tasks[type] ?? 0) + r.n;
      summary.taskCents += r.cents;
      // tasks on ambiguous SSNs are not evaluated records
      if (r.reason !== 'AMBIGUOUS_SSN') summary.evaluated += r.n;
    } else {
      summary.suppressed[r.reason] = (summary.suppressed[r.reason] ?? 0) + r.n;
      summary.evaluated += r.n;
    }
  }
  return summary;
}
