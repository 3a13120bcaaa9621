/**
 * Derived values of DOMAIN.md section 4 and the gates of section 5, computed set-based in SQLite
 * for business date D from the case-extract snapshot (`ce_*` tables):
 *
 * - `case_facts`: one row per case (open flag, days delinquent, enforceable amounts, principal, total).
 * - `obligor_facts`: one row per participant: aggregates over the person's open cases as obligor,
 *   the primary case, and every gate flag (deceased, bankruptcy, incarceration relief, DRP, CSWN).
 * - `ssn_owner`: each 9-digit SSN with its person when exactly one person has it (`ambiguous` = 1
 *   when several do; such an SSN is never matched), and `ambiguous_ssn`: just those shared SSNs.
 * - `edd_claim`: the current state of every EDD claim loaded up to D (a later record of a claim id
 *   supersedes the earlier), which makes a person a UIB/DIB recipient.
 * - `household_income`: per person, the newer of the case extract's household income and the FTB
 *   income record with the highest tax year (SB 1055).
 * - `fop_reject`: the latest FOP reject per (SSN, case type), with its error codes.
 *
 * These are temporary tables of the connection: mechanisms read them, and decisions copy the
 * values they compared into their `facts`, so an auditor never needs them afterwards.
 */
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import { stagingTableName } from '../store/staging.ts';

/** Gate reason codes in the order they are applied (DOMAIN 5 table order). */
export const GATE_ORDER = [
  'DECEASED',
  'NO_OPEN_CASE',
  'NO_CURRENT_CSWN',
  'BANKRUPTCY_STAY',
  'INCARCERATION_RELIEF',
  'DRP_COMPLIANT',
] as const;
export type GateReason = (typeof GATE_ORDER)[number];

/**
 * The case-level derived values of DOMAIN 4 (`case_facts` columns), as one SELECT over `ce_cases`
 * with parameters `:d` (business date) and `:fosterFrom`. `where` filters the cases read (e.g.
 * `WHERE c.case_id = :caseId`): the payoff calculator reads one case's principal with the same SQL
 * the mechanisms use.
 */
export function caseFactsSql(where = ''): string {
  return `     WITH c AS (
       SELECT c.*,
              (c.status = 'OPEN' AND c.order_id IS NOT NULL) AS is_open,
              CASE WHEN :d >= :fosterFrom THEN c.arrears_foster_care ELSE 0 END AS foster_excluded
       FROM ce_cases c ${where}
     ), e AS (
       SELECT c.*,
              -- D − oldest unpaid due date; a due date after D is not delinquent
              CASE WHEN c.oldest_unpaid_due_date IS NULL THEN 0
                   ELSE max(0, CAST(julianday(:d) - julianday(c.oldest_unpaid_due_date) AS INTEGER)) END AS days_delinquent,
              CASE WHEN c.ab135_uncollectible = 'Y' THEN 0
                   ELSE max(0, c.arrears_state - c.foster_excluded) END AS state_enforceable,
              c.arrears_family AS family_enforceable
       FROM c
     )
     SELECT case_id, lcsa_code, obligor_person_id AS person_id, is_open, days_delinquent,
            foster_excluded, state_enforceable, family_enforceable,
            state_enforceable + family_enforceable AS principal,
            state_enforceable + family_enforceable + arrears_interest AS total,
            cswn_sent_date, pon_sent_date, credit_notice_sent_date, drp_status,
            (bankruptcy_filed_date IS NOT NULL AND bankruptcy_filed_date <= :d
              AND (bankruptcy_closed_date IS NULL OR bankruptcy_closed_date > :d)) AS bankruptcy_active
     FROM e`;
}

export function computeDerivedFacts(db: Db, businessDate: string, config: Config): void {
  const d = config.derived;
  const params = {
    d: businessDate,
    fosterFrom: d.fosterCareExclusionFrom,
    compliantMax: d.compliantMaxDaysDelinquent,
    cswnDays: d.cswnCurrentDays,
    reliefDays: d.incarcerationReliefDays,
    releaseFrom: d.incarcerationReleaseReliefFrom,
    releaseMonths: `+${d.incarcerationReleaseReliefMonths} months`,
  };
  for (const t of ['case_facts', 'obligor_facts', 'ssn_owner', 'ambiguous_ssn', 'edd_claim', 'household_income', 'fop_reject']) {
    db.exec(`DROP TABLE IF EXISTS temp.${t}`);
  }

  db.prepare(`CREATE TEMP TABLE case_facts AS
${caseFactsSql()}`).run(params);
  db.exec('CREATE INDEX temp.case_facts_by_person ON case_facts (person_id, is_open)');

  db.exec(
    `-- keyed by SSN itself (WITHOUT ROWID): every match record of every mechanism probes it, and a
     -- probe is then one B-tree descent instead of the index's and the table's (issue 10)
     CREATE TEMP TABLE ssn_owner (ssn TEXT PRIMARY KEY, person_id TEXT, ambiguous INTEGER) WITHOUT ROWID;
     INSERT INTO ssn_owner
     SELECT ssn, min(person_id), count(*) > 1
     FROM ce_participants WHERE ssn IS NOT NULL GROUP BY ssn ORDER BY ssn;
     -- The few SSNs several people share. The mechanisms raise one task per match record on
     -- them: joined to this small table instead of ssn_owner, a match file's millions of records
     -- no longer each probe a 2M-row index for nothing (18 s of levy's decide, issue 10).
     CREATE TEMP TABLE ambiguous_ssn (ssn TEXT PRIMARY KEY) WITHOUT ROWID;
     INSERT INTO ambiguous_ssn SELECT ssn FROM ssn_owner WHERE ambiguous ORDER BY ssn;`,
  );
  computeMatchFacts(db, businessDate);

  db.prepare(
    `CREATE TEMP TABLE obligor_facts AS
     WITH open_cases AS (
       SELECT * FROM case_facts WHERE is_open
     ), agg AS (
       SELECT person_id,
              count(*) AS open_case_count,
              sum(principal) AS principal,
              sum(total) AS total,
              sum(state_enforceable) AS state_enforceable,
              sum(family_enforceable) AS family_enforceable,
              max(days_delinquent) AS days_delinquent,
              max(cswn_sent_date) AS cswn_sent_date,
              max(pon_sent_date) AS pon_sent_date,
              max(credit_notice_sent_date) AS credit_notice_sent_date,
              max(bankruptcy_active) AS bankruptcy_active,
              max(drp_status = 'ACTIVE_COMPLIANT') AS drp_compliant
       FROM open_cases GROUP BY person_id
     ), primary_case AS (
       SELECT person_id, case_id, lcsa_code
       FROM (SELECT person_id, case_id, lcsa_code,
                    row_number() OVER (PARTITION BY person_id ORDER BY principal DESC, case_id ASC) AS rn
             FROM open_cases)
       WHERE rn = 1
     ), p AS (
       SELECT p.*,
              (p.incarcerated_since IS NOT NULL
                AND (p.released_on IS NULL OR p.released_on < p.incarcerated_since)) AS in_custody
       FROM ce_participants p
     )
     SELECT p.person_id, p.ssn,
            (p.deceased_on IS NOT NULL AND p.deceased_on <= :d) AS deceased,
            coalesce(a.open_case_count, 0) AS open_case_count,
            coalesce(a.principal, 0) AS principal,
            coalesce(a.total, 0) AS total,
            coalesce(a.state_enforceable, 0) AS state_enforceable,
            coalesce(a.family_enforceable, 0) AS family_enforceable,
            coalesce(a.days_delinquent, 0) AS days_delinquent,
            coalesce(a.days_delinquent, 0) <= :compliantMax AS compliant,
            a.cswn_sent_date, a.pon_sent_date, a.credit_notice_sent_date,
            (a.cswn_sent_date IS NOT NULL AND a.cswn_sent_date <= :d
              AND julianday(:d) - julianday(a.cswn_sent_date) <= :cswnDays) AS cswn_current,
            coalesce(a.bankruptcy_active, 0) AS bankruptcy_active,
            coalesce(a.drp_compliant, 0) AS drp_compliant,
            p.in_custody,
            ((p.in_custody AND julianday(:d) - julianday(p.incarcerated_since) > :reliefDays)
              OR (NOT p.in_custody AND p.released_on IS NOT NULL AND p.released_on >= :releaseFrom
                  AND :d < date(p.released_on, 'start of month', :releaseMonths))) AS incarceration_relief,
            p.receives_ssi = 'Y' AS ssi_recipient,
            (p.receives_uib = 'Y' OR p.receives_dib = 'Y'
              OR EXISTS (SELECT 1 FROM edd_claim e
                         WHERE e.person_id = p.person_id AND e.claim_type IN ('U', 'D') AND e.claim_status = 'A'))
              AS uib_dib_recipient,
            pc.case_id AS primary_case_id,
            pc.lcsa_code AS primary_lcsa_code
     FROM p
     LEFT JOIN agg a ON a.person_id = p.person_id
     LEFT JOIN primary_case pc ON pc.person_id = p.person_id`,
  ).run(params);
  db.exec('CREATE UNIQUE INDEX temp.obligor_facts_pk ON obligor_facts (person_id)');

}

/**
 * Facts from staged match records of D and earlier nights, per person (through `ssn_owner`).
 * Staged records persist across nights; for each key the record of the latest business date,
 * then the greater file name, then the greater line is the one in force (DOMAIN 6 common rules).
 */
function computeMatchFacts(db: Db, businessDate: string): void {
  const edd = stagingTableName('edd', 'detail');
  const ftbIncome = stagingTableName('ftb', 'income');
  const fopTanf = stagingTableName('fop-rejects', 'tanfDetail');
  const fopNonTanf = stagingTableName('fop-rejects', 'nonTanfDetail');
  db.prepare(
    `CREATE TEMP TABLE edd_claim AS
     SELECT s.person_id, c.ssn, c.claim_id, c.claim_type, c.claim_status, c.weekly_benefit_cents,
            c.business_date, c.file, c.line
     FROM (SELECT e.ssn, e.claimId AS claim_id, e.claimType AS claim_type, e.claimStatus AS claim_status,
                  e.weeklyBenefitAmount AS weekly_benefit_cents, f.business_date, f.file, e.line,
                  row_number() OVER (PARTITION BY e.claimId
                                     ORDER BY f.business_date DESC, f.file DESC, e.line DESC) AS rn
           FROM ${edd} e JOIN inbound_files f ON f.file_id = e.file_id
           WHERE f.status = 'loaded' AND f.business_date <= :d) c
     JOIN ssn_owner s ON s.ssn = c.ssn AND NOT s.ambiguous
     WHERE c.rn = 1`,
  ).run({ d: businessDate });
  db.exec('CREATE INDEX temp.edd_claim_by_person ON edd_claim (person_id)');

  db.prepare(
    `CREATE TEMP TABLE household_income AS
     WITH ftb AS (
       SELECT s.person_id, i.householdAdjustedGrossIncome AS income_cents, i.taxYear || '-12-31' AS as_of,
              'ftb:' || f.file || ':' || i.line AS source,
              row_number() OVER (PARTITION BY s.person_id
                                 ORDER BY i.taxYear DESC, f.business_date DESC, f.file DESC, i.line DESC) AS rn
       FROM ${ftbIncome} i
       JOIN inbound_files f ON f.file_id = i.file_id AND f.status = 'loaded' AND f.business_date <= :d
       JOIN ssn_owner s ON s.ssn = i.ssn AND NOT s.ambiguous
     ), extract AS (
       SELECT person_id, household_income_annual AS income_cents, income_verified_date AS as_of,
              'case-extract:participants.csv:' || line AS source
       FROM ce_participants WHERE household_income_annual IS NOT NULL
     ), both_sources AS (
       SELECT person_id, income_cents, as_of, source FROM ftb WHERE rn = 1
       UNION ALL SELECT person_id, income_cents, as_of, source FROM extract
     )
     SELECT person_id, income_cents, as_of, source
     FROM (SELECT *, row_number() OVER (PARTITION BY person_id
                                        ORDER BY coalesce(as_of, '0000-00-00') DESC, source LIKE 'ftb:%' DESC) AS rn
           FROM both_sources)
     WHERE rn = 1`,
  ).run({ d: businessDate });
  db.exec('CREATE UNIQUE INDEX temp.household_income_pk ON household_income (person_id)');

  const errorCodes = "json_array(r.errorCode1, r.errorCode2, r.errorCode3, r.errorCode4, r.errorCode5, r.errorCode6)";
  db.prepare(
    `CREATE TEMP TABLE fop_reject AS
     SELECT ssn, case_type, case_id, error_codes, business_date, file, line
     FROM (SELECT r.ssn, r.caseType AS case_type, r.caseId AS case_id, r.error_codes, f.business_date, f.file, r.line,
                  row_number() OVER (PARTITION BY r.ssn, r.caseType
                                     ORDER BY f.business_date DESC, f.file DESC, r.line DESC) AS rn
           FROM (SELECT file_id, line, ssn, caseType, caseId, ${errorCodes} AS error_codes FROM ${fopTanf} r
                 UNION ALL
                 SELECT file_id, line, ssn, caseType, caseId, ${errorCodes} FROM ${fopNonTanf} r) r
           JOIN inbound_files f ON f.file_id = r.file_id AND f.status = 'loaded' AND f.business_date <= :d)
     WHERE rn = 1`,
  ).run({ d: businessDate });
  db.exec('CREATE UNIQUE INDEX temp.fop_reject_pk ON fop_reject (ssn, case_type)');
}

/**
 * SQL expression (over an `obligor_facts` row aliased `o`) giving the first failing gate of the
 * given gates, or NULL. Mechanisms pass the gates that apply to them (DOMAIN 5 "applies to").
 */
export function firstGateSql(gates: readonly GateReason[], alias = 'o'): string {
  const cond: Record<GateReason, string> = {
    DECEASED: `${alias}.deceased`,
    NO_OPEN_CASE: `${alias}.open_case_count = 0`,
    NO_CURRENT_CSWN: `NOT ${alias}.cswn_current`,
    BANKRUPTCY_STAY: `${alias}.bankruptcy_active`,
    INCARCERATION_RELIEF: `${alias}.incarceration_relief`,
    DRP_COMPLIANT: `${alias}.drp_compliant`,
  };
  const whens = GATE_ORDER.filter((g) => gates.includes(g)).map((g) => `WHEN ${cond[g]} THEN '${g}'`);
  return whens.length ? `CASE ${whens.join(' ')} END` : 'NULL';
}
