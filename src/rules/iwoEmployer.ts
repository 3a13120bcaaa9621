/**
 * Income withholding orders to employers (DOMAIN.md 6.1), set-based over the case-extract snapshot
 * and the IWO ledger of earlier dates. Called by the IWO mechanism (src/rules/iwo.ts), which has
 * already cleared D's 'iwo' decisions, tasks and ledger rows and needs `computeDerivedFacts` for D.
 *
 * Subjects (subject key `employer|<case_id>|<fein>`):
 *   a. every open case with an employer: ORG / AMD / NO_CHANGE / SUPPRESS against the order in
 *      force for (case, FEIN), or TRM to that FEIN when a gate applies or both amounts drop to 0;
 *   b. every order in force for (case, FEIN) that (a) does not cover — the case closed or left the
 *      extract, the employer is gone, or the employer now has another FEIN: TRM to the old FEIN.
 * The order in force for a ledger key is its latest ledger row before D when that row is ORG or
 * AMD (a TRM ends it). Ledger rows are written for ORG, AMD and TRM; the e-IWO writer adds the
 * constants, employee, obligee, tracking number and controls.
 */
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import { firstGateSql } from './derived.ts';
import type { GateReason } from './derived.ts';
import { CHILD_FIELDS, firstChildrenSql, OTHER_OBLIGATIONS_ZERO, TRM_DTL } from './iwoDtl.ts';
import { caseExtractSourceSql, insertTasks } from './tasks.ts';
import { hasMailingAddressSql } from './address.ts';

export const IWO_MECHANISM = 'iwo';
export const EMPLOYER_SOURCE = 'employer';

/**
 * Gates of DOMAIN 5 that stop or end an employer IWO (no CSWN gate: IWO is immediate; DRP does
 * not apply). NO_OPEN_CASE is listed for completeness but never decides: a case evaluated here is
 * open, so its obligor has an open case; an order whose case closed ends with CASE_CLOSED, the
 * case-level fact an auditor looks for (interpretation, see report).
 */
export const EMPLOYER_IWO_GATES: readonly GateReason[] = ['DECEASED', 'NO_OPEN_CASE', 'BANKRUPTCY_STAY', 'INCARCERATION_RELIEF'];

/** SUPPRESS reasons in the order they are applied: gates, then DOMAIN 6.1's own in its order. */
export const EMPLOYER_IWO_REASONS = [
  'DECEASED',
  'BANKRUPTCY_STAY',
  'INCARCERATION_RELIEF',
  'NO_FEIN',
  'NO_ORDER_AMOUNT',
  'EMPLOYER_INCOMPLETE',
  'NO_SSN',
] as const;

/**
 * Why a TRM is sent (reason_codes of a TERMINATE decision; also facts.trigger): a gate, the case
 * closed (or left the extract), the employer changed (another FEIN or none), or both monthly
 * amounts dropped to 0.
 */
export const EMPLOYER_IWO_TRM_TRIGGERS = [
  'DECEASED',
  'BANKRUPTCY_STAY',
  'INCARCERATION_RELIEF',
  'CASE_CLOSED',
  'EMPLOYER_CHANGED',
  'NO_ORDER_AMOUNT',
] as const;

/** Case-extract file whose line a task for an incomplete employer cites. */
const EMPLOYERS_FILE = 'employers.csv';
const CASES_FILE = 'cases.csv';

/**
 * The order in force per (case, FEIN) before D: the latest ledger row of the key when it is ORG or
 * AMD (a TRM ends it). The latest date per key comes from a streaming aggregate over the covering
 * index iwo_ledger_by_key (source, ledger_key, business_date) — no sort, no read of dtl_values —
 * and only that one row per key is then read by primary key. (A window over every ledger row
 * sorted the whole history, with its JSON, every night: years of IWO documents at a million cases.)
 */
export const EMPLOYER_ORDERS_IN_FORCE_SQL = `
  SELECT l.ledger_key, l.case_id, l.fein, l.person_id, l.lcsa_code, l.action, l.business_date,
         l.current_support_cents, l.arrears_payment_cents, l.dtl_values
  FROM (SELECT ledger_key, max(business_date) AS business_date FROM iwo_ledger
        WHERE source = :source AND business_date < :d GROUP BY ledger_key) latest
  -- CROSS JOIN keeps the per-key list outside: one primary-key probe per key
  CROSS JOIN iwo_ledger l ON l.business_date = latest.business_date AND l.source = :source AND l.ledger_key = latest.ledger_key
  WHERE l.action IN ('ORG', 'AMD')`;

export function decideEmployerIwos(db: Db, businessDate: string, config: Config): void {
  const c = config.iwo;
  const gateSql = firstGateSql(EMPLOYER_IWO_GATES.filter((g) => g !== 'NO_OPEN_CASE'));
  db.exec(`DROP TABLE IF EXISTS temp.iwo_emp_prior; DROP TABLE IF EXISTS temp.iwo_emp_current;
           DROP TABLE IF EXISTS temp.iwo_emp; DROP TABLE IF EXISTS temp.iwo_emp_children;`);

  // 1. Orders in force before D, per (case, FEIN).
  db.prepare(`CREATE TEMP TABLE iwo_emp_prior AS ${EMPLOYER_ORDERS_IN_FORCE_SQL}`).run({ d: businessDate, source: EMPLOYER_SOURCE });
  db.exec('CREATE UNIQUE INDEX temp.iwo_emp_prior_pk ON iwo_emp_prior (ledger_key)');

  // 2. Open cases with an employer, tonight. A FEIN that is not 9 digits cannot head an e-IWO
  //    batch and counts as no FEIN (interpretation: like an SSN that is not 9 digits, DOMAIN 3).
  db.exec(
    `CREATE TEMP TABLE iwo_emp_current AS
     SELECT c.case_id, c.line AS case_line, c.obligor_person_id AS person_id, c.lcsa_code,
            c.employer_id, e.line AS employer_line, e.fein AS employer_fein,
            CASE WHEN length(e.fein) = 9 AND e.fein NOT GLOB '*[^0-9]*' THEN e.fein END AS fein,
            e.name AS employer_name, e.address_line1, e.address_line2, e.city, e.state, e.zip,
            NOT (${hasMailingAddressSql('e')}) AS incomplete,
            c.monthly_current_support AS current_cents, c.monthly_arrears_payment AS arrears_cents,
            cf.days_delinquent, p.supports_other_dependents AS other_dependents,
            c.order_id, c.tribunal,
            (p.ssn IS NULL OR length(p.ssn) <> 9 OR p.ssn GLOB '*[^0-9]*') AS no_ssn
     FROM ce_cases c
     JOIN case_facts cf ON cf.case_id = c.case_id AND cf.is_open
     JOIN ce_employers e ON e.employer_id = c.employer_id
     JOIN ce_participants p ON p.person_id = c.obligor_person_id;
     CREATE INDEX temp.iwo_emp_current_case ON iwo_emp_current (case_id, fein);`,
  );

  // 3. Every subject with its order in force, its gate and its action.
  db.prepare(
    `CREATE TEMP TABLE iwo_emp AS
     WITH subject AS (
       SELECT cur.case_id, cur.person_id, cur.lcsa_code, cur.fein, cur.employer_fein, cur.employer_id,
              cur.case_line, cur.employer_line, 1 AS is_current, 1 AS case_open,
              cur.employer_name, cur.address_line1, cur.address_line2, cur.city, cur.state, cur.zip,
              cur.incomplete, cur.current_cents, cur.arrears_cents, cur.days_delinquent,
              cur.other_dependents, cur.order_id, cur.tribunal, cur.no_ssn,
              pr.action AS prior_action, pr.business_date AS prior_date,
              pr.current_support_cents AS prior_current_cents, pr.arrears_payment_cents AS prior_arrears_cents,
              pr.dtl_values AS prior_dtl
       FROM iwo_emp_current cur
       LEFT JOIN iwo_emp_prior pr ON pr.ledger_key = cur.case_id || '|' || cur.fein
       UNION ALL
       -- orders in force that tonight's open case + employer no longer carry
       SELECT pr.case_id, coalesce(c.obligor_person_id, pr.person_id), coalesce(c.lcsa_code, pr.lcsa_code),
              pr.fein, e.fein, c.employer_id, c.line, e.line, 0, coalesce(cf.is_open, 0),
              NULL, NULL, NULL, NULL, NULL, NULL, 0, c.monthly_current_support, c.monthly_arrears_payment,
              cf.days_delinquent, NULL, c.order_id, c.tribunal, 0,
              pr.action, pr.business_date, pr.current_support_cents, pr.arrears_payment_cents, pr.dtl_values
       FROM iwo_emp_prior pr
       LEFT JOIN ce_cases c ON c.case_id = pr.case_id
       LEFT JOIN case_facts cf ON cf.case_id = pr.case_id
       LEFT JOIN ce_employers e ON e.employer_id = c.employer_id
       WHERE NOT EXISTS (SELECT 1 FROM iwo_emp_current x WHERE x.case_id = pr.case_id AND x.fein = pr.fein)
     ), gated AS (
       SELECT s.*, ${gateSql} AS gate,
              o.deceased, o.bankruptcy_active, o.incarceration_relief,
              s.current_cents + s.arrears_cents AS total_cents,
              coalesce(s.days_delinquent, 0) >= :over12Days AS over12,
              s.prior_action IS NOT NULL AS in_force,
              (s.prior_action IS NOT NULL AND s.current_cents = s.prior_current_cents
                AND s.arrears_cents = s.prior_arrears_cents) AS unchanged
       FROM subject s
       LEFT JOIN obligor_facts o ON o.person_id = s.person_id
     ), decided AS (
       SELECT g.*,
              CASE
                WHEN NOT g.is_current THEN 'TRM'
                WHEN g.gate IS NOT NULL THEN CASE WHEN g.in_force THEN 'TRM' ELSE 'SUPPRESS' END
                WHEN g.fein IS NULL THEN 'SUPPRESS'
                WHEN g.total_cents = 0 THEN CASE WHEN g.in_force THEN 'TRM' ELSE 'SUPPRESS' END
                -- nothing to send: an order in force with the same amounts needs no address
                WHEN g.unchanged THEN 'NO_CHANGE'
                WHEN g.incomplete THEN 'SUPPRESS'
                WHEN g.no_ssn THEN 'SUPPRESS'
                WHEN g.in_force THEN 'AMD'
                ELSE 'ORG'
              END AS action,
              CASE
                WHEN NOT g.is_current THEN coalesce(g.gate, CASE WHEN NOT g.case_open THEN 'CASE_CLOSED' ELSE 'EMPLOYER_CHANGED' END)
                WHEN g.gate IS NOT NULL THEN g.gate
                WHEN g.fein IS NULL THEN 'NO_FEIN'
                WHEN g.total_cents = 0 THEN 'NO_ORDER_AMOUNT'
                WHEN g.unchanged THEN NULL
                WHEN g.incomplete THEN 'EMPLOYER_INCOMPLETE'
                -- the e-IWO employeeSsn is required: an obligor without a usable SSN (DOMAIN 3) gets
                -- NO_SSN (as license and federal offset do) instead of an unwritable record every night
                WHEN g.no_ssn THEN 'NO_SSN'
              END AS reason
       FROM gated g
     )
     SELECT d.*,
            'employer|' || d.case_id || '|' || coalesce(d.fein, '') AS subject_key,
            d.case_id || '|' || d.fein AS ledger_key,
            CASE WHEN d.other_dependents = 'Y' THEN :ccpaOther ELSE :ccpa END
              + CASE WHEN d.over12 THEN :ccpaBonus ELSE 0 END AS ccpa
     FROM decided d`,
  ).run({
    d: businessDate,
    over12Days: c.arrearsOver12WeeksDays,
    ccpa: c.ccpaPercent,
    ccpaOther: c.ccpaPercentOtherDependents,
    ccpaBonus: c.ccpaPercentArrearsBonus,
  });

  // 4. Children of the cases that get a new or amended order: first six by numeric child_seq.
  // Keys in child then field order, said in the aggregate: a GROUP BY's sort does not keep its input
  // order, and with other sort memory the same night stored them in another order (issue 10).
  const childColumns = CHILD_FIELDS.map(([field, column], f) => `SELECT case_id, n, ${f} AS f, 'child' || n || '${field}' AS k, ${column} AS v FROM ranked`).join(
    ' UNION ALL ',
  );
  db.exec(
    `CREATE TEMP TABLE iwo_emp_children AS
     WITH ranked AS (
       SELECT case_id, last_name, first_name, middle_name, suffix, dob, rn AS n
       FROM (${firstChildrenSql(`SELECT case_id FROM iwo_emp WHERE action IN ('ORG', 'AMD')`)})
     )
     SELECT case_id, json_group_object(k, v ORDER BY n, f) AS children
     FROM (${childColumns})
     WHERE v IS NOT NULL
     GROUP BY case_id;
     CREATE UNIQUE INDEX temp.iwo_emp_children_pk ON iwo_emp_children (case_id);`,
  );

  // 5. Decisions: one per subject.
  db.prepare(
    `INSERT INTO decisions (business_date, mechanism, subject_key, person_id, case_id, outcome,
                            reason_codes, amount_cents, facts, sources)
     SELECT :d, :mechanism, e.subject_key, e.person_id, e.case_id,
            CASE e.action WHEN 'ORG' THEN 'ISSUE' WHEN 'AMD' THEN 'AMEND' WHEN 'TRM' THEN 'TERMINATE'
                          ELSE e.action END,
            coalesce(e.reason, ''),
            CASE WHEN e.action IN ('ORG', 'AMD') THEN e.total_cents END,
            json_object(
              'action', CASE WHEN e.action IN ('ORG', 'AMD', 'TRM') THEN e.action END,
              'trigger', CASE WHEN e.action = 'TRM' THEN e.reason END,
              'fein', e.fein,
              'employerId', e.employer_id,
              'employerFein', e.employer_fein,
              'employerIncomplete', CASE WHEN e.is_current THEN e.incomplete END,
              'caseOpen', e.case_open,
              'monthlyCurrentSupportCents', e.current_cents,
              'monthlyArrearsPaymentCents', e.arrears_cents,
              'totalCents', e.total_cents,
              'obligorSsnUsable', CASE WHEN e.is_current THEN NOT e.no_ssn END,
              'daysDelinquent', e.days_delinquent,
              'arrearsOver12WeeksDays', :over12Days,
              'arrearsOver12Weeks', e.over12,
              'supportsOtherDependents', e.other_dependents,
              'ccpaPercentLimit', CASE WHEN e.is_current THEN e.ccpa END,
              'deceased', e.deceased,
              'bankruptcyActive', e.bankruptcy_active,
              'incarcerationRelief', e.incarceration_relief,
              'lcsaCode', e.lcsa_code,
              'inForce', json(CASE WHEN e.in_force THEN json_object(
                'businessDate', e.prior_date, 'action', e.prior_action,
                'currentSupportCents', e.prior_current_cents, 'arrearsPaymentCents', e.prior_arrears_cents) END)),
            json(CASE
              WHEN e.case_line IS NULL THEN '[]'
              WHEN e.employer_line IS NULL THEN json_array(json_object('interface', 'case-extract', 'file', '${CASES_FILE}', 'line', e.case_line))
              ELSE json_array(json_object('interface', 'case-extract', 'file', '${CASES_FILE}', 'line', e.case_line),
                              json_object('interface', 'case-extract', 'file', '${EMPLOYERS_FILE}', 'line', e.employer_line))
            END)
     FROM iwo_emp e
     ORDER BY e.subject_key`,
  ).run({ d: businessDate, mechanism: IWO_MECHANISM, over12Days: c.arrearsOver12WeeksDays });

  // 6. Ledger rows for what is sent, with the DTL values the rules decide.
  //    ORG/AMD: the full order (monthly amounts, frequency M, per-pay-period totals rounded
  //    half-up from the monthly total in cents, 12-weeks flag, CCPA limit, children).
  //    TRM: that employer and the children last sent, zero amounts, blank frequencies, zero CCPA, N.
  const carried = `(SELECT json_group_object(key, value) FROM json_each(e.prior_dtl)
                    WHERE key GLOB 'employer*' OR key GLOB 'child[1-6]*'
                       OR key IN ('orderIdentifier', 'issuingTribunalName'))`;
  db.prepare(
    `INSERT INTO iwo_ledger (business_date, source, ledger_key, action, person_id, case_id, lcsa_code, fein,
                             current_support_cents, arrears_payment_cents, dtl_values, decision_id)
     SELECT :d, :source, e.ledger_key, e.action, e.person_id, e.case_id, e.lcsa_code, e.fein,
            CASE WHEN e.action = 'TRM' THEN 0 ELSE e.current_cents END,
            CASE WHEN e.action = 'TRM' THEN 0 ELSE e.arrears_cents END,
            CASE WHEN e.action = 'TRM' THEN json_patch(${TRM_DTL}, coalesce(${carried}, '{}'))
            ELSE json_patch(json_object(
                   'documentActionCode', e.action,
                   'employerName', e.employer_name,
                   'employerAddressLine1', e.address_line1,
                   'employerAddressLine2', e.address_line2,
                   'employerCity', e.city,
                   'employerState', e.state,
                   'employerZip5', substr(e.zip, 1, 5),
                   'employerZipExt', CASE WHEN length(e.zip) = 9 THEN substr(e.zip, 6, 4) END,
                   'employerFein', e.fein,
                   'orderIdentifier', e.order_id,
                   'issuingTribunalName', e.tribunal,
                   'currentChildSupportAmount', e.current_cents,
                   'currentChildSupportFrequency', CASE WHEN e.current_cents > 0 THEN 'M' END,
                   'pastDueChildSupportAmount', e.arrears_cents,
                   'pastDueChildSupportFrequency', CASE WHEN e.arrears_cents > 0 THEN 'M' END,
                   ${OTHER_OBLIGATIONS_ZERO},
                   'lumpSumPaymentAmount', 0,
                   'totalObligationAmount', e.total_cents, 'totalObligationFrequency', 'M',
                   'arrearsGreaterThan12Weeks', CASE WHEN e.over12 THEN 'Y' ELSE 'N' END,
                   'withholdPerWeeklyPay', (e.total_cents * 12 + 26) / 52,
                   'withholdPerBiweeklyPay', (e.total_cents * 12 + 13) / 26,
                   'withholdPerSemimonthlyPay', (e.total_cents + 1) / 2,
                   'withholdPerMonthlyPay', e.total_cents,
                   'ccpaPercentLimit', e.ccpa), coalesce(ch.children, '{}'))
            END,
            d.decision_id
     FROM iwo_emp e
     LEFT JOIN iwo_emp_children ch ON ch.case_id = e.case_id
     CROSS JOIN decisions d
     WHERE e.action IN ('ORG', 'AMD', 'TRM')
       AND d.business_date = :d AND d.mechanism = :mechanism AND d.subject_key = e.subject_key
       AND d.outcome IN ('ISSUE', 'AMEND', 'TERMINATE')`,
  ).run({ d: businessDate, source: EMPLOYER_SOURCE, mechanism: IWO_MECHANISM });

  // 7. One task OTHER per incomplete employer record (tasks are one per source record): it names
  //    the obligor of the lowest suppressed case id, with that obligor's primary case and LCSA.
  insertTasks(db, businessDate, IWO_MECHANISM, `
      SELECT 'OTHER' AS task_type, 'EMPLOYER_INCOMPLETE' AS reason,
             o.primary_case_id AS case_id, o.primary_lcsa_code AS lcsa_code, x.person_id,
             ${caseExtractSourceSql(EMPLOYERS_FILE)},
             x.employer_line AS source_line, NULL AS amount_cents, x.subject_key
      FROM (SELECT e.*, row_number() OVER (PARTITION BY e.employer_line ORDER BY e.case_id) AS rn
            FROM iwo_emp e WHERE e.reason = 'EMPLOYER_INCOMPLETE' AND e.action = 'SUPPRESS') x
      JOIN obligor_facts o ON o.person_id = x.person_id
      WHERE x.rn = 1`);
}
