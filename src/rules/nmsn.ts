/**
 * National Medical Support Notice (DOMAIN.md 6.3): an open case whose order requires health
 * coverage (`medical_support_ordered` = Y) with none on file (`medical_coverage_on_file` = N) and
 * whose obligor's employer has a FEIN → one notice per (case, FEIN), never repeated, never
 * terminated. The notice names the case's first six children by numeric `child_seq`.
 *
 * Subjects are the cases that meet the medical-support conditions and name an employer (the
 * subject key `<case_id>|<fein>` needs one); other cases are not evaluated. Set-based: one
 * statement judges every subject with an ordered CASE (gates of DOMAIN 5, then NO_FEIN, NO_SSN),
 * then the ledger decides between ISSUE and NO_CHANGE; a notice that would be sent tonight needs
 * the employer's mailing address (EMPLOYER_INCOMPLETE, as the employer's IWO) and a child on file
 * (NO_CHILD_ON_FILE, with a task), both decided here before formatting.
 */
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import { countOutcomes } from './summary.ts';
import type { OutcomeCounts } from './summary.ts';
import { firstGateSql } from './derived.ts';
import { firstChildrenSql } from './iwoDtl.ts';
import { clearMechanismDate } from './ledger.ts';
import { addressFactsSql, hasMailingAddressSql, taskRaisedWithinSql } from './address.ts';
import { caseExtractSourceSql, insertTasks } from './tasks.ts';

/**
 * A notice that would be sent tonight for a case with no child in children.csv (child 1 is
 * required by the layout): SUPPRESS, and one task OTHER per subject at most every
 * `tasks.noChildOnFileDays`, citing the case's cases.csv line, so a caseworker records the children.
 */
export const NO_CHILD_ON_FILE = 'NO_CHILD_ON_FILE';

export const NMSN_MECHANISM = 'nmsn';

/** Suppression reasons in the order they are applied: gates (DOMAIN 5), then the mechanism's own. */
export const NMSN_REASONS = [
  'DECEASED',
  'NO_OPEN_CASE',
  'BANKRUPTCY_STAY',
  'INCARCERATION_RELIEF',
  'NO_FEIN',
  'NO_SSN',
  'EMPLOYER_INCOMPLETE',
  NO_CHILD_ON_FILE,
] as const;

/**
 * The first failing gate for a case-level mechanism: DECEASED and the obligor-level gates from
 * `obligor_facts` (alias `o`), but NO_OPEN_CASE judged on the subject case itself (`case_facts`
 * alias `cf`): a case-driven notice is about that case, so a closed case (or an open one without an
 * order) fails the gate even when the obligor has other open cases. Gates keep the DOMAIN 5 order.
 * `obligorGates` are the gates after NO_OPEN_CASE that apply to the mechanism.
 */
export function caseGateSql(obligorGates: Array<'BANKRUPTCY_STAY' | 'INCARCERATION_RELIEF'>): string {
  return `coalesce(${firstGateSql(['DECEASED'])},
                   CASE WHEN NOT cf.is_open THEN 'NO_OPEN_CASE' END,
                   ${firstGateSql(obligorGates)})`;
}

/** The manifest summary of a notice mechanism (nmsn, lien, cswn): its outcome counts. */
export type NoticeSummary = OutcomeCounts;

/**
 * Decides the NMSNs of D. Needs `computeDerivedFacts` for D first; runs inside the caller's
 * transaction and writes decisions and ledger rows (the writer removes unwritable ones).
 */
export function decideNmsn(db: Db, businessDate: string, config: Config): void {
  clearMechanismDate(db, businessDate, NMSN_MECHANISM, ['nmsn_ledger']);
  db.exec('DROP TABLE IF EXISTS temp.nmsn_children; DROP TABLE IF EXISTS temp.nmsn_subject;');

  // The children each subject case names: the first six by numeric child_seq, in that order.
  db.prepare(
    `CREATE TEMP TABLE nmsn_children AS
     SELECT case_id,
            json_group_array(json_object('seq', child_seq, 'lastName', last_name, 'firstName', first_name, 'dob', dob)
                             ORDER BY rn) AS children,
            json_group_array(json_object('interface', 'case-extract', 'file', 'children.csv', 'line', line)
                             ORDER BY rn) AS sources
     FROM (${firstChildrenSql(
       `SELECT case_id FROM ce_cases
        WHERE medical_support_ordered = 'Y' AND medical_coverage_on_file = 'N' AND employer_id IS NOT NULL`,
     )})
     GROUP BY case_id`,
  ).run();
  db.exec('CREATE UNIQUE INDEX temp.nmsn_children_pk ON nmsn_children (case_id)');

  db.prepare(
    `CREATE TEMP TABLE nmsn_subject AS
     SELECT c.case_id, c.obligor_person_id AS person_id, c.order_id, c.employer_id,
            -- a blank FEIN is no FEIN (employers.csv: empty if unknown)
            nullif(trim(coalesce(e.fein, '')), '') AS fein,
            c.case_id || '|' || coalesce(nullif(trim(coalesce(e.fein, '')), ''), '') AS subject_key,
            cf.is_open, o.deceased, o.bankruptcy_active, o.incarceration_relief,
            c.line AS case_line, p.line AS participant_line, e.line AS employer_line,
            ${hasMailingAddressSql('e')} AS employer_has_address,
            ${addressFactsSql('e', 'employer')} AS employer_address_facts,
            coalesce(${caseGateSql(['BANKRUPTCY_STAY', 'INCARCERATION_RELIEF'])},
                     CASE WHEN nullif(trim(coalesce(e.fein, '')), '') IS NULL THEN 'NO_FEIN'
                          -- the notice identifies the employee by SSN (required field): none, no notice
                          WHEN p.ssn IS NULL THEN 'NO_SSN' END) AS reason,
            -- the first notice for (case, FEIN) on an earlier business date (a rerun of D does not
            -- count its own: the clear at the start of the decide removed it)
            (SELECT min(l.business_date) FROM nmsn_ledger l
              WHERE l.case_id = c.case_id AND l.fein = trim(e.fein) AND l.business_date < :d) AS first_sent
     FROM ce_cases c
     JOIN case_facts cf ON cf.case_id = c.case_id
     JOIN obligor_facts o ON o.person_id = c.obligor_person_id
     JOIN ce_participants p ON p.person_id = c.obligor_person_id
     JOIN ce_employers e ON e.employer_id = c.employer_id
     WHERE c.medical_support_ordered = 'Y' AND c.medical_coverage_on_file = 'N'`,
  ).run({ d: businessDate });

  // What a notice sent tonight needs besides the gates: the employer's mailing address, a child.
  db.exec(
    `UPDATE nmsn_subject SET reason = CASE
       WHEN NOT employer_has_address THEN 'EMPLOYER_INCOMPLETE'
       WHEN case_id NOT IN (SELECT case_id FROM nmsn_children) THEN '${NO_CHILD_ON_FILE}' END
     WHERE reason IS NULL AND first_sent IS NULL`,
  );

  // Never repeated: a notice for (case, FEIN) on an earlier business date makes it NO_CHANGE.
  // Gates and NO_FEIN come first:
  // a case that is not eligible tonight says why, even when a notice went out before.
  db.prepare(
    `INSERT INTO decisions (business_date, mechanism, subject_key, person_id, case_id, outcome,
                            reason_codes, amount_cents, facts, sources)
     SELECT :d, :mechanism, s.subject_key, s.person_id, s.case_id,
            CASE WHEN s.reason IS NOT NULL THEN 'SUPPRESS' WHEN s.first_sent IS NOT NULL THEN 'NO_CHANGE' ELSE 'ISSUE' END,
            coalesce(s.reason, ''),
            NULL,
            json_object(
              'employerId', s.employer_id,
              'fein', s.fein,
              'orderId', s.order_id,
              'medicalSupportOrdered', 'Y',
              'medicalCoverageOnFile', 'N',
              'caseOpen', s.is_open,
              'deceased', s.deceased,
              'bankruptcyActive', s.bankruptcy_active,
              'incarcerationRelief', s.incarceration_relief,
              'firstSentOn', s.first_sent,
              'children', json(coalesce(ch.children, '[]')),
              'documentDate', :d,
              'employerAddress', json(s.employer_address_facts)),
            (SELECT json_group_array(json(src) ORDER BY k) FROM (
               SELECT 1 AS k, json_object('interface', 'case-extract', 'file', 'cases.csv', 'line', s.case_line) AS src
               UNION ALL SELECT 2, json_object('interface', 'case-extract', 'file', 'participants.csv', 'line', s.participant_line)
               UNION ALL SELECT 3, json_object('interface', 'case-extract', 'file', 'employers.csv', 'line', s.employer_line)
               UNION ALL SELECT 4 + j.key, j.value FROM json_each(coalesce(ch.sources, '[]')) j))
     FROM nmsn_subject s
     LEFT JOIN nmsn_children ch ON ch.case_id = s.case_id
     ORDER BY s.subject_key`,
  ).run({ d: businessDate, mechanism: NMSN_MECHANISM });

  // Ledger: what is sent tonight (the writer removes rows whose notice cannot be written).
  db.prepare(
    `INSERT INTO nmsn_ledger (business_date, case_id, fein, employer_id, person_id, order_id, children, decision_id)
     SELECT :d, s.case_id, s.fein, s.employer_id, s.person_id, s.order_id, coalesce(ch.children, '[]'), d.decision_id
     FROM nmsn_subject s
     LEFT JOIN nmsn_children ch ON ch.case_id = s.case_id
     CROSS JOIN decisions d
     WHERE d.business_date = :d AND d.mechanism = :mechanism AND d.subject_key = s.subject_key AND d.outcome = 'ISSUE'`,
  ).run({ d: businessDate, mechanism: NMSN_MECHANISM });

  raiseNoChildTasks(db, businessDate, config.tasks.noChildOnFileDays);
}

/** One task OTHER per NO_CHILD_ON_FILE subject, unless raised within tasks.noChildOnFileDays before D. */
function raiseNoChildTasks(db: Db, businessDate: string, days: number): void {
  insertTasks(db, businessDate, NMSN_MECHANISM, `
      SELECT 'OTHER' AS task_type, '${NO_CHILD_ON_FILE}' AS reason,
             o.primary_case_id AS case_id, o.primary_lcsa_code AS lcsa_code, s.person_id,
             ${caseExtractSourceSql('cases.csv')},
             s.case_line AS source_line, NULL AS amount_cents, s.subject_key
      FROM nmsn_subject s
      JOIN obligor_facts o ON o.person_id = s.person_id
      WHERE s.reason = '${NO_CHILD_ON_FILE}'
        AND NOT ${taskRaisedWithinSql(NMSN_MECHANISM, NO_CHILD_ON_FILE, 'subject_key', 's.subject_key', days)}`);
}

export function summarizeNmsn(db: Db, businessDate: string): NoticeSummary {
  return countOutcomes(db, businessDate, NMSN_MECHANISM);
}
