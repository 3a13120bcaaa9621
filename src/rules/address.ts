/**
 * "Has a usable mailing address": the one definition every mechanism uses before it formats a
 * record whose layout requires an address (CSWN, license submission, lien, Metro 2 for the
 * obligor; e-IWO, NMSN for the employer; levy order for the institution). An address is usable
 * when line 1, city, state and ZIP are all non-blank (DOMAIN 6.1 "address line 1, city, state and
 * ZIP", 6.4, 6.8). A subject without one is a reason, not an error: it is decided SUPPRESS before
 * the writer runs (NO_ADDRESS for the obligor, EMPLOYER_INCOMPLETE / INSTITUTION_INCOMPLETE where
 * DOMAIN names those), with the fields looked at in the decision's facts, and never reaches the
 * writer as an UNWRITABLE_VALUE (which stays for values that exist but do not fit).
 *
 * An obligor without one gets one LOCATE_ADDRESS task (mechanism `address`, after every other
 * mechanism of the night), not more often than `tasks.locateAddressDays`.
 */
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import { caseExtractSourceSql, insertTasks } from './tasks.ts';
import { countOutcomes } from './summary.ts';
import type { OutcomeCounts } from './summary.ts';
import { clearMechanismDate } from './ledger.ts';

/** The reason code of a record that needs the obligor's mailing address and has none. */
export const NO_ADDRESS = 'NO_ADDRESS';
/** The caseworker task raised for an obligor without a usable mailing address. */
export const LOCATE_ADDRESS = 'LOCATE_ADDRESS';
export const ADDRESS_MECHANISM = 'address';

/** The columns of a mailing address, as one table names them. */
export interface AddressColumns {
  line1: string;
  city: string;
  state: string;
  zip: string;
}

/** ce_participants and ce_employers (case extract) name them alike. */
export const CASE_EXTRACT_ADDRESS: AddressColumns = { line1: 'address_line1', city: 'city', state: 'state', zip: 'zip' };

const blank = (expr: string): string => `coalesce(trim(${expr}), '') = ''`;
const col = (alias: string, name: string): string => (alias === '' ? name : `${alias}.${name}`);

/** SQL boolean: the row `alias` has a usable mailing address (line 1, city, state and ZIP non-blank). */
export function hasMailingAddressSql(alias: string, c: AddressColumns = CASE_EXTRACT_ADDRESS): string {
  return `NOT (${blank(col(alias, c.line1))} OR ${blank(col(alias, c.city))} OR ${blank(col(alias, c.state))} OR ${blank(col(alias, c.zip))})`;
}

/**
 * SQL JSON object for a decision's facts: which fields were looked at (their case-extract names)
 * and which of them are blank, e.g. {"of":"obligor","fieldsLookedAt":["address_line1","city",
 * "state","zip"],"missing":["city","zip"]}.
 */
export function addressFactsSql(alias: string, of: 'obligor' | 'employer' | 'institution', c: AddressColumns = CASE_EXTRACT_ADDRESS): string {
  const fields = [c.line1, c.city, c.state, c.zip];
  const missing = fields.map((f) => `CASE WHEN ${blank(col(alias, f))} THEN '${f}' END`).join(', ');
  return `json_object('of', '${of}', 'fieldsLookedAt', json_array(${fields.map((f) => `'${f}'`).join(', ')}),
            'missing', (SELECT json_group_array(value) FROM json_each(json_array(${missing})) WHERE value IS NOT NULL))`;
}

/**
 * SQL boolean over a key expression: a task for `reason` was raised for that key by
 * `mechanism` on an earlier business date within `days` days before :d ([D − days, D − 1]; a rerun
 * of D does not count its own, which the clear at the start of the decide removed). Reads the TASK
 * decision rows, which carry the reason that raised the task.
 *
 * The dates are listed (`business_date IN (…)`) rather than given as a range: on a range of its
 * first column an index cannot use its later ones, so `decisions_by_subject` (business_date,
 * mechanism, subject_key) read every decision of the last `days` nights for each key probed (7M a
 * night at California size). The list holds the dates of the window on which the mechanism decided
 * anything (computed once per statement, one index probe per date), and each of them is one probe
 * of (date, mechanism, key) per key: decisions_by_subject, decisions_by_person or decisions_by_case.
 */
export function taskRaisedWithinSql(mechanism: string, reason: string, keyColumn: 'person_id' | 'case_id' | 'subject_key', keyExpr: string, days: number): string {
  if (!Number.isInteger(days) || days < 1) throw new Error(`taskRaisedWithinSql: days must be a whole number ≥ 1, not ${days}`);
  return `EXISTS (SELECT 1 FROM decisions t
                  WHERE t.${keyColumn} = ${keyExpr} AND t.mechanism = '${mechanism}' AND t.outcome = 'TASK'
                    AND t.reason_codes = '${reason}'
                    AND t.business_date IN (
                      WITH RECURSIVE back(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM back WHERE n < ${days}),
                      window_day(day) AS (SELECT date(:d, '-' || n || ' days') FROM back)
                      SELECT day FROM window_day
                      WHERE EXISTS (SELECT 1 FROM decisions x WHERE x.business_date = day AND x.mechanism = '${mechanism}')))`;
}

/**
 * Mechanism `address`: one LOCATE_ADDRESS task per obligor who has a NO_ADDRESS suppression of
 * any mechanism on D, unless one was raised within `tasks.locateAddressDays` before D. It runs
 * after every other mechanism (the runner plans it whenever any mechanism runs), reads only D's
 * decisions and replaces its own rows, so reruns of one interface leave the same tasks. The task
 * cites the obligor's participants.csv line; amount: none.
 */
export function decideLocateAddress(db: Db, businessDate: string, config: Config): void {
  clearMechanismDate(db, businessDate, ADDRESS_MECHANISM, []);
  const days = config.tasks.locateAddressDays;
  insertTasks(
    db,
    businessDate,
    ADDRESS_MECHANISM,
    `SELECT '${LOCATE_ADDRESS}' AS task_type, '${NO_ADDRESS}' AS reason,
            o.primary_case_id AS case_id, o.primary_lcsa_code AS lcsa_code, p.person_id,
            ${caseExtractSourceSql('participants.csv')},
            p.line AS source_line, NULL AS amount_cents, p.person_id AS subject_key
     -- every decision of D is read: through decisions_by_subject they come in about the order they
     -- were written (each mechanism inserts in subject order), so the table is read front to back;
     -- the person and case indexes would read it in random order (issue 10: 2.2 s against 5.1 s)
     FROM (SELECT DISTINCT person_id FROM decisions INDEXED BY decisions_by_subject
           WHERE business_date = :d AND outcome = 'SUPPRESS' AND reason_codes = '${NO_ADDRESS}'
             AND mechanism <> '${ADDRESS_MECHANISM}' AND person_id IS NOT NULL) n
     JOIN ce_participants p ON p.person_id = n.person_id
     JOIN obligor_facts o ON o.person_id = n.person_id
     WHERE NOT ${taskRaisedWithinSql(ADDRESS_MECHANISM, NO_ADDRESS, 'person_id', 'n.person_id', days)}`,
  );
}

export function summarizeLocateAddress(db: Db, businessDate: string): OutcomeCounts {
  return countOutcomes(db, businessDate, ADDRESS_MECHANISM);
}
