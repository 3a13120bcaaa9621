/**
 * License suspension (DOMAIN.md 6.5, outbound `license-slm`): one decision per license the obligor
 * is known to hold (`licenses.csv`, keyed by person and board) and per certification still in
 * force for a license that is no longer in the extract, against the license ledger:
 *
 *   not certified, eligible                  → ISSUE    (A, certification date D)
 *   certified, still eligible                → NO_CHANGE
 *   certified, release requested             → RELEASE  RELEASE_REQUESTED (R, type E/M/N of the request)
 *   certified, no longer eligible            → RELEASE  <the reason> (R, type N)
 *   not certified, not eligible              → SUPPRESS <the first failing reason>
 *   not certified, eligible, request stands  → SUPPRESS RELEASE_REQUESTED (no A while it stands),
 *                                              when the obligor had a license certified before
 *
 * Reasons in order: the gates of DOMAIN 5 (license is a non-discretionary data match, so every
 * gate applies: DECEASED, NO_OPEN_CASE, NO_CURRENT_CSWN, BANKRUPTCY_STAY, INCARCERATION_RELIEF,
 * DRP_COMPLIANT), NOT_DELINQUENT (compliant obligor), SB1055_LOW_INCOME (DMV only), then
 * RELEASE_REQUESTED. Set-based SQL throughout; the ledger holds one row per A or R sent.
 */
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import { addOutcome, emptyOutcomeCounts } from './summary.ts';
import type { OutcomeCounts } from './summary.ts';
import { loadCountyMedianIncome } from '../reference.ts';
import { firstGateSql, GATE_ORDER } from './derived.ts';
import { clearMechanismDate } from './ledger.ts';
import { addressFactsSql, hasMailingAddressSql, NO_ADDRESS } from './address.ts';

export const LICENSE_MECHANISM = 'license';

/**
 * Suppression (and release) reasons in the order they are applied. LICENSE_NOT_HELD only releases:
 * a certification in force for a license the extract no longer lists.
 */
export const LICENSE_REASONS = [
  ...GATE_ORDER,
  'NOT_DELINQUENT',
  'SB1055_LOW_INCOME',
  'RELEASE_REQUESTED',
  'NO_SSN',
  NO_ADDRESS,
  'LICENSE_NOT_HELD',
] as const;
/** Outcome counts (issued = certified) and the releases per release type. */
export interface LicenseSummary extends OutcomeCounts {
  releasedByType: Record<string, number>;
}

/**
 * The county median income in force for D: per county the table of the latest year ≤ D's year
 * (DOMAIN 6.5), as temp table `license_county_median`.
 */
function loadMedians(db: Db, businessDate: string, config: Config): void {
  const file = config.reference.countyMedianIncome;
  const rows = loadCountyMedianIncome(file);
  db.exec(`DROP TABLE IF EXISTS temp.license_median_all; DROP TABLE IF EXISTS temp.license_county_median;
           CREATE TEMP TABLE license_median_all (county_code TEXT, year INTEGER, median_cents INTEGER, source TEXT, line INTEGER);`);
  const insert = db.prepare('INSERT INTO license_median_all VALUES (?, ?, ?, ?, ?)');
  for (const r of rows) insert.run(r.countyCode, r.year, r.medianCents, r.source, r.line);
  db.prepare(
    `CREATE TEMP TABLE license_county_median AS
     SELECT county_code, year, median_cents, source, line, :file AS file
     FROM (SELECT *, row_number() OVER (PARTITION BY county_code ORDER BY year DESC) AS rn
           FROM license_median_all WHERE year <= CAST(substr(:d, 1, 4) AS INTEGER))
     WHERE rn = 1`,
  ).run({ d: businessDate, file });
  db.exec('CREATE UNIQUE INDEX temp.license_county_median_pk ON license_county_median (county_code)');
}

/**
 * Decides license certifications and releases for D. Needs `computeDerivedFacts` for D first. Runs
 * inside the caller's transaction; writes decisions and ledger rows (`summarizeLicense` reads back).
 */
export function decideLicense(db: Db, businessDate: string, config: Config): void {
  clearMechanismDate(db, businessDate, LICENSE_MECHANISM, ['license_ledger']);
  loadMedians(db, businessDate, config);
  const lic = config.license;
  db.exec(`DROP TABLE IF EXISTS temp.license_in_force; DROP TABLE IF EXISTS temp.license_obligor;
           DROP TABLE IF EXISTS temp.license_income; DROP TABLE IF EXISTS temp.license_subject;`);

  // 1. What is certified before D: the latest ledger row of each (person, board) before D is an A.
  //    (Rows of D itself are gone: a rerun decides against the same state as the first run.)
  db.prepare(
    `CREATE TEMP TABLE license_in_force AS
     SELECT person_id, board_code, certification_date, ssn, case_id, lcsa_code, license_number, license_class, dtl_values
     FROM (SELECT l.*, row_number() OVER (PARTITION BY person_id, board_code ORDER BY business_date DESC) AS rn
           FROM license_ledger l WHERE business_date < :d)
     WHERE rn = 1 AND action = 'A'`,
  ).run({ d: businessDate });
  db.exec('CREATE UNIQUE INDEX temp.license_in_force_pk ON license_in_force (person_id, board_code)');

  // 2. Per obligor, over the open cases: how many are out of compliance (the A's case count), the
  //    oldest unpaid due date, and the standing release request. Several requests on different
  //    cases: the most urgent wins, M (emergency) over E (expedite) over N, then the lowest case id.
  db.prepare(
    `CREATE TEMP TABLE license_obligor AS
     WITH open_cases AS (
       SELECT c.obligor_person_id AS person_id, c.case_id, c.line, c.oldest_unpaid_due_date, cf.days_delinquent,
              CASE c.license_release_request WHEN 'EMERGENCY' THEN 3 WHEN 'EXPEDITE' THEN 2
                                             WHEN 'NON_EMERGENCY' THEN 1 ELSE 0 END AS request_rank
       FROM ce_cases c JOIN case_facts cf ON cf.case_id = c.case_id
       WHERE cf.is_open
     ), request AS (
       SELECT person_id, request_rank, case_id, line
       FROM (SELECT *, row_number() OVER (PARTITION BY person_id ORDER BY request_rank DESC, case_id) AS rn
             FROM open_cases WHERE request_rank > 0)
       WHERE rn = 1
     )
     SELECT o.person_id,
            sum(o.days_delinquent > :compliantMax) AS delinquent_case_count,
            min(o.oldest_unpaid_due_date) AS oldest_due_date,
            CASE r.request_rank WHEN 3 THEN 'M' WHEN 2 THEN 'E' WHEN 1 THEN 'N' END AS request_type,
            r.case_id AS request_case_id, r.line AS request_line
     FROM open_cases o LEFT JOIN request r ON r.person_id = o.person_id
     GROUP BY o.person_id`,
  ).run({ compliantMax: config.derived.compliantMaxDaysDelinquent });
  db.exec('CREATE UNIQUE INDEX temp.license_obligor_pk ON license_obligor (person_id)');

  // 3. Household income (DOMAIN 4) with its source record split into interface, file and line.
  db.exec(
    `CREATE TEMP TABLE license_income AS
     SELECT person_id, income_cents, as_of, source, iface,
            substr(tail, 1, length(tail) - 1) AS file,
            CAST(substr(rest, length(tail) + 1) AS INTEGER) AS line
     FROM (SELECT *, rtrim(rest, '0123456789') AS tail
           FROM (SELECT h.*, substr(h.source, 1, instr(h.source, ':') - 1) AS iface,
                        substr(h.source, instr(h.source, ':') + 1) AS rest
                 FROM household_income h));
     CREATE UNIQUE INDEX temp.license_income_pk ON license_income (person_id);`,
  );

  // 4. The subjects: every license row, and every certification in force whose license row is gone.
  const sb = {
    d: businessDate,
    dmv: lic.dmvBoardCode,
    sbFrom: lic.sb1055From,
    percent: lic.sb1055IncomePercent,
    commercialFrom: lic.sb1055CommercialChangeFrom,
  };
  // SB 1055 (FC 17520.5): DMV only, from sb1055From; income ≤ percent% of the county median to the
  // cent, in integer arithmetic (income × 100 ≤ median × percent); unknown income or a county
  // missing from the table → no exclusion; from sb1055CommercialChangeFrom COMMERCIAL licenses are
  // not excluded (an unknown class counts as not commercial).
  const sbInScope = `(s.board_code = :dmv AND :d >= :sbFrom)`;
  const sbExcluded = `(${sbInScope} AND i.income_cents IS NOT NULL AND m.median_cents IS NOT NULL
      AND i.income_cents * 100 <= m.median_cents * :percent
      AND (:d < :commercialFrom OR s.license_class IS NULL OR s.license_class <> 'COMMERCIAL'))`;
  db.prepare(
    `CREATE TEMP TABLE license_subject AS
     WITH s AS (
       SELECT l.person_id, l.board_code, l.line AS license_line, 1 AS held,
              l.license_number, l.license_class
       FROM ce_licenses l
       UNION ALL
       -- the license is gone from the extract: what the A sent stands for it
       SELECT f.person_id, f.board_code, NULL, 0,
              f.license_number, CASE f.license_class WHEN 'C' THEN 'COMMERCIAL' WHEN 'N' THEN 'NONCOMMERCIAL' END
       FROM license_in_force f
       WHERE NOT EXISTS (SELECT 1 FROM ce_licenses l WHERE l.person_id = f.person_id AND l.board_code = f.board_code)
     ), judged AS (
       SELECT s.*,
              f.person_id IS NOT NULL AS in_force, f.certification_date AS certified_on,
              f.case_id AS a_case_id, f.lcsa_code AS a_lcsa_code, f.dtl_values AS a_values, f.ssn AS a_ssn,
              p.line AS participant_line, p.county_code, p.ssn AS participant_ssn,
              ${hasMailingAddressSql('p')} AS has_address, ${addressFactsSql('p', 'obligor')} AS address_facts,
              o.person_id IS NOT NULL AS known, o.deceased, o.open_case_count, o.days_delinquent, o.compliant,
              o.cswn_sent_date, o.primary_case_id, o.primary_lcsa_code,
              lo.delinquent_case_count, lo.oldest_due_date,
              -- DOMAIN 6.5: "a request for an obligor never certified does nothing": the request
              -- counts only for an obligor with a license certified on an earlier date
              CASE WHEN EXISTS (SELECT 1 FROM license_ledger x WHERE x.person_id = s.person_id AND x.business_date < :d)
                   THEN lo.request_type END AS request_type,
              lo.request_case_id, lo.request_line,
              i.income_cents, i.as_of AS income_as_of, i.iface AS income_iface, i.file AS income_file, i.line AS income_line,
              m.year AS median_year, m.median_cents, m.source AS median_source, m.file AS median_file, m.line AS median_line,
              ${sbInScope} AS sb1055_in_scope,
              -- the first failing reason of eligibility (NULL: eligible)
              CASE WHEN o.person_id IS NULL THEN 'NO_OPEN_CASE'
                   ELSE coalesce(${firstGateSql(GATE_ORDER)}, CASE
                     WHEN o.compliant THEN 'NOT_DELINQUENT'
                     WHEN ${sbExcluded} THEN 'SB1055_LOW_INCOME'
                   END) END AS reason
       FROM s
       LEFT JOIN license_in_force f ON f.person_id = s.person_id AND f.board_code = s.board_code
       LEFT JOIN ce_participants p ON p.person_id = s.person_id
       LEFT JOIN obligor_facts o ON o.person_id = s.person_id
       LEFT JOIN license_obligor lo ON lo.person_id = s.person_id
       LEFT JOIN license_income i ON i.person_id = s.person_id
       LEFT JOIN license_county_median m ON m.county_code = p.county_code
     )
     SELECT j.*,
            j.person_id || '|' || j.board_code AS subject_key,
            CASE
              WHEN j.in_force AND j.request_type IS NOT NULL THEN 'RELEASE'
              WHEN j.in_force AND (NOT j.held OR j.reason IS NOT NULL) THEN 'RELEASE'
              WHEN j.in_force THEN 'NO_CHANGE'
              WHEN j.reason IS NOT NULL OR j.request_type IS NOT NULL OR j.participant_ssn IS NULL OR NOT j.has_address THEN 'SUPPRESS'
              ELSE 'ISSUE'
            END AS outcome,
            CASE
              WHEN j.in_force AND j.request_type IS NOT NULL THEN 'RELEASE_REQUESTED'
              WHEN j.in_force AND NOT j.held THEN 'LICENSE_NOT_HELD'
              WHEN j.in_force THEN coalesce(j.reason, '')
              -- a request blocks (re-)certification while it stands; it releases nothing here
              -- an eligible obligor without a usable SSN cannot be certified (boards match by SSN):
              -- NO_SSN, like the federal offset, rather than an unwritable record every night
              -- the A carries the obligor's mailing address (required): none → NO_ADDRESS, decided
              -- here before formatting (an R goes out under the address its A was sent with)
              ELSE coalesce(j.reason, CASE WHEN j.request_type IS NOT NULL THEN 'RELEASE_REQUESTED' END,
                            CASE WHEN j.participant_ssn IS NULL THEN 'NO_SSN' END,
                            CASE WHEN NOT j.has_address THEN '${NO_ADDRESS}' END, '')
            END AS reason_code
     FROM judged j`,
  ).run(sb);

  // 5. Decisions: one per subject. facts = the values and thresholds compared and what was sent.
  const sourcesSql = `(SELECT json_group_array(json(value)) FROM json_each(json_array(
        json(CASE WHEN s.held THEN json_object('interface', 'case-extract', 'file', 'licenses.csv', 'line', s.license_line) END),
        json(CASE WHEN s.participant_line IS NOT NULL THEN json_object('interface', 'case-extract', 'file', 'participants.csv', 'line', s.participant_line) END),
        json(CASE WHEN s.reason_code = 'RELEASE_REQUESTED' THEN json_object('interface', 'case-extract', 'file', 'cases.csv', 'line', s.request_line) END),
        json(CASE WHEN s.sb1055_in_scope AND s.income_iface IS NOT NULL AND s.income_iface <> 'case-extract'
             THEN json_object('interface', s.income_iface, 'file', s.income_file, 'line', s.income_line) END)))
      WHERE type <> 'null')`;
  db.prepare(
    `INSERT INTO decisions (business_date, mechanism, subject_key, person_id, case_id, outcome,
                            reason_codes, amount_cents, facts, sources)
     SELECT :d, :mechanism, s.subject_key, s.person_id, coalesce(s.primary_case_id, s.a_case_id),
            s.outcome, s.reason_code, NULL,
            json_object(
              'action', CASE s.outcome WHEN 'ISSUE' THEN 'A' WHEN 'RELEASE' THEN 'R' END,
              'boardCode', s.board_code,
              'licenseHeld', json(CASE WHEN s.held THEN 'true' ELSE 'false' END),
              'licenseNumber', s.license_number,
              'licenseClass', s.license_class,
              'certifiedOn', s.certified_on,
              'releaseType', CASE WHEN s.outcome = 'RELEASE' THEN coalesce(s.request_type, 'N') END,
              'releaseRequest', s.request_type,
              'releaseRequestCaseId', s.request_case_id,
              'deceased', s.deceased,
              'openCaseCount', coalesce(s.open_case_count, 0),
              'delinquentCaseCount', coalesce(s.delinquent_case_count, 0),
              'daysDelinquent', s.days_delinquent,
              'compliantMaxDaysDelinquent', :compliantMax,
              'oldestDelinquencyDate', s.oldest_due_date,
              'cswnSentDate', s.cswn_sent_date,
              'primaryCaseId', s.primary_case_id,
              'lcsaCode', coalesce(s.primary_lcsa_code, s.a_lcsa_code),
              'sb1055', json_object(
                'inScope', s.sb1055_in_scope,
                'dmvBoardCode', :dmv,
                'from', :sbFrom,
                'commercialChangeFrom', :commercialFrom,
                'householdIncomeCents', s.income_cents,
                'incomeAsOf', s.income_as_of,
                'countyCode', s.county_code,
                'medianYear', s.median_year,
                'medianCents', s.median_cents,
                'medianSource', s.median_source,
                'medianRef', CASE WHEN s.median_line IS NOT NULL THEN s.median_file || ':' || s.median_line END,
                'incomePercent', :percent,
                -- income ≤ limit exactly when income × 100 ≤ median × percent (integer cents)
                'limitCents', s.median_cents * :percent / 100),
              'address', json(s.address_facts)),
            ${sourcesSql}
     FROM license_subject s
     ORDER BY s.person_id, s.board_code`,
  ).run({
    d: businessDate,
    mechanism: LICENSE_MECHANISM,
    compliantMax: config.derived.compliantMaxDaysDelinquent,
    dmv: sb.dmv,
    sbFrom: sb.sbFrom,
    commercialFrom: sb.commercialFrom,
    percent: sb.percent,
  });

  // 6. Ledger: the A and R of tonight with the detail values the writer formats. Identity and
  //    address are the current participant's; for a person gone from the extract, the A's.
  //    An A names the cases out of compliance and the certification date D; an R the open case
  //    count, the current oldest delinquency date and the certification date of the A it releases.
  const cur = (col: string, field: string) => `CASE WHEN x.p_known THEN x.${col} ELSE json_extract(x.a_values, '$.${field}') END`;
  // the address: the current one when usable, else (an R of an obligor whose address is gone) the A's
  const addr = (col: string, field: string) =>
    `CASE WHEN x.p_known AND x.has_address THEN x.${col} ELSE json_extract(x.a_values, '$.${field}') END`;
  // an R releases the certification under the SSN its A was sent with (the board's key), even when
  // the case extract has corrected the SSN since
  const ssnSent = `CASE WHEN x.action = 'R' THEN x.a_ssn ELSE x.ssn END`;
  db.prepare(
    `INSERT INTO license_ledger (business_date, person_id, board_code, action, certification_date, release_type,
                                 ssn, case_id, lcsa_code, license_number, license_class, dtl_values, decision_id)
     WITH x AS (
       SELECT s.*, p.person_id IS NOT NULL AS p_known, p.ssn, p.last_name, p.first_name, p.middle_name, p.suffix, p.dob,
              p.address_line1, p.address_line2, p.city, p.state,
              -- ZIP or ZIP+4 as digits only (the layout's 9 digits without hyphen)
              replace(p.zip, '-', '') AS zip, p.county_code AS residence_county,
              CASE s.outcome WHEN 'ISSUE' THEN 'A' ELSE 'R' END AS action,
              CASE s.outcome WHEN 'ISSUE' THEN :d ELSE s.certified_on END AS certification_date,
              CASE s.outcome WHEN 'RELEASE' THEN coalesce(s.request_type, 'N') END AS release_type,
              coalesce(s.primary_lcsa_code, s.a_lcsa_code) AS lcsa,
              CASE s.license_class WHEN 'COMMERCIAL' THEN 'C' WHEN 'NONCOMMERCIAL' THEN 'N' END AS class_code
       FROM license_subject s
       LEFT JOIN ce_participants p ON p.person_id = s.person_id
       WHERE s.outcome IN ('ISSUE', 'RELEASE')
     )
     SELECT :d, x.person_id, x.board_code, x.action, x.certification_date, x.release_type,
            ${ssnSent}, coalesce(x.primary_case_id, x.a_case_id), x.lcsa, x.license_number, x.class_code,
            json_object(
              'transactionType', x.action,
              'boardCode', x.board_code,
              'ssn', ${ssnSent},
              'lastName', ${cur('last_name', 'lastName')},
              'firstName', ${cur('first_name', 'firstName')},
              'middleName', ${cur('middle_name', 'middleName')},
              'suffix', ${cur('suffix', 'suffix')},
              'dob', ${cur('dob', 'dob')},
              'addressLine1', ${addr('address_line1', 'addressLine1')},
              'addressLine2', ${addr('address_line2', 'addressLine2')},
              'city', ${addr('city', 'city')},
              'state', ${addr('state', 'state')},
              'zip', ${addr('zip', 'zip')},
              'countyCode', ${cur('residence_county', 'countyCode')},
              'lcsaCode', x.lcsa,
              'caseCount', CASE x.action WHEN 'A' THEN coalesce(x.delinquent_case_count, 0) ELSE coalesce(x.open_case_count, 0) END,
              'oldestDelinquencyDate', x.oldest_due_date,
              'certificationDate', x.certification_date,
              'releaseType', x.release_type,
              'licenseNumber', x.license_number,
              'licenseClass', x.class_code),
            d.decision_id
     FROM x
     -- CROSS JOIN keeps x outside: one index probe of decisions per A or R
     CROSS JOIN decisions d
     WHERE d.business_date = :d AND d.mechanism = :mechanism AND d.subject_key = x.subject_key`,
  ).run({ d: businessDate, mechanism: LICENSE_MECHANISM });
}

/** Counts of the night as they stand in the store (after the writer's UNWRITABLE_VALUE flips too). */
export function summarizeLicense(db: Db, businessDate: string): LicenseSummary {
  const counts = db
    .prepare(
      `SELECT outcome, reason_codes AS reason, json_extract(facts, '$.releaseType') AS release_type, count(*) AS n
       FROM decisions WHERE business_date = ? AND mechanism = ?
       GROUP BY outcome, reason_codes, release_type`,
    )
    .all(businessDate, LICENSE_MECHANISM) as Array<{ outcome: string; reason: string; release_type: string | null; n: number }>;
  const summary: LicenseSummary = { ...emptyOutcomeCounts(), releasedByType: {} };
  for (const c of counts) {
    addOutcome(summary, c.outcome, c.reason, c.n, 0);
    if (c.outcome === 'RELEASE') {
      const type = c.release_type ?? 'N';
      summary.releasedByType[type] = (summary.releasedByType[type] ?? 0) + c.n;
    }
  }
  return summary;
}
