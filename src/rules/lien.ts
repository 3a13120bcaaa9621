/**
 * Real property liens (DOMAIN.md 6.9): per open case whose order is not zero
 * (`monthly_current_support` > 0 or case `principal` > 0), one abstract of support judgment per
 * (case, county of the obligor's residence = participant `county_code`): judgment amount = case
 * `total`, interest rate from configuration, abstract date D, lien type E for the configured
 * e-recording counties, else R. A (case, county) filed on an earlier date is NO_CHANGE; a move to a
 * new county files a new lien there.
 *
 * Subjects are the cases with a non-zero order; NO_OPEN_CASE is judged on the case itself (see
 * `caseGateSql`). Set-based: one statement judges every subject (gates, then NO_COUNTY), the
 * ledger decides between ISSUE and NO_CHANGE.
 */
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import { caseGateSql, type NoticeSummary } from './nmsn.ts';
import { countOutcomes } from './summary.ts';
import { clearMechanismDate } from './ledger.ts';
import { addressFactsSql, hasMailingAddressSql, NO_ADDRESS } from './address.ts';

export const LIEN_MECHANISM = 'lien';

/** Suppression reasons in the order they are applied: gates (DOMAIN 5), then the mechanism's own. */
export const LIEN_REASONS = ['DECEASED', 'NO_OPEN_CASE', 'BANKRUPTCY_STAY', 'NO_COUNTY', 'NO_SSN', NO_ADDRESS] as const;

/**
 * Decides the liens of D. Needs `computeDerivedFacts` for D first; runs inside the caller's
 * transaction and writes decisions and ledger rows (the writer removes unwritable ones).
 */
export function decideLien(db: Db, businessDate: string, config: Config): void {
  clearMechanismDate(db, businessDate, LIEN_MECHANISM, ['lien_ledger']);
  db.exec('DROP TABLE IF EXISTS temp.lien_subject');
  const params = {
    d: businessDate,
    mechanism: LIEN_MECHANISM,
    // validated 3-digit county codes; passed as JSON, not spliced into the SQL
    eCounties: JSON.stringify(config.lien.eRecordingCounties),
    rate: config.lien.interestRateThousandths,
  };

  // Bankruptcy (any chapter) suppresses: the stay of DOMAIN 4 does not look at the chapter.
  db.prepare(
    `CREATE TEMP TABLE lien_subject AS
     WITH base AS (
       SELECT c.case_id, c.obligor_person_id AS person_id, c.order_id, c.monthly_current_support, c.line AS case_line,
              -- blank county = outside California or unknown (case-extract): no recorder to send it to
              nullif(trim(coalesce(p.county_code, '')), '') AS county_code, p.line AS participant_line, p.ssn,
              ${hasMailingAddressSql('p')} AS has_address, ${addressFactsSql('p', 'obligor')} AS address_facts
       FROM ce_cases c JOIN ce_participants p ON p.person_id = c.obligor_person_id
     )
     SELECT b.case_id, b.person_id, b.order_id, b.county_code,
            b.case_id || '|' || coalesce(b.county_code, '') AS subject_key,
            b.monthly_current_support, cf.principal, cf.total, cf.is_open,
            o.deceased, o.bankruptcy_active,
            CASE WHEN b.county_code IN (SELECT value FROM json_each(:eCounties)) THEN 'E' ELSE 'R' END AS lien_type,
            b.case_line, b.participant_line, b.has_address, b.address_facts,
            coalesce(${caseGateSql(['BANKRUPTCY_STAY'])},
                     CASE WHEN b.county_code IS NULL THEN 'NO_COUNTY'
                          -- the abstract identifies the judgment debtor by SSN (required field)
                          WHEN b.ssn IS NULL THEN 'NO_SSN' END) AS reason,
            -- the first lien for (case, county) on an earlier business date (a rerun of D does
            -- not count its own: the clear at the start of the decide removed it)
            (SELECT min(l.business_date) FROM lien_ledger l
              WHERE l.case_id = b.case_id AND l.county_code = b.county_code AND l.business_date < :d) AS first_filed
     FROM base b
     JOIN case_facts cf ON cf.case_id = b.case_id
     JOIN obligor_facts o ON o.person_id = b.person_id
     -- the order is not zero (DOMAIN 6.9); amounts in cents
     WHERE b.monthly_current_support > 0 OR cf.principal > 0`,
  ).run({ d: params.d, eCounties: params.eCounties });

  // The abstract carries the judgment debtor's mailing address (required): a lien that would be
  // filed tonight without one is NO_ADDRESS, decided here before formatting; one already filed
  // stays NO_CHANGE (nothing is sent).
  db.exec(`UPDATE lien_subject SET reason = '${NO_ADDRESS}' WHERE reason IS NULL AND first_filed IS NULL AND NOT has_address`);

  db.prepare(
    `INSERT INTO decisions (business_date, mechanism, subject_key, person_id, case_id, outcome,
                            reason_codes, amount_cents, facts, sources)
     SELECT :d, :mechanism, s.subject_key, s.person_id, s.case_id,
            CASE WHEN s.reason IS NOT NULL THEN 'SUPPRESS' WHEN s.first_filed IS NOT NULL THEN 'NO_CHANGE' ELSE 'ISSUE' END,
            coalesce(s.reason, ''),
            CASE WHEN s.reason IS NULL AND s.first_filed IS NULL THEN s.total END,
            json_object(
              -- the record's code: the lien type sent (E e-recorded, R paper); none when nothing is sent
              'action', CASE WHEN s.reason IS NULL AND s.first_filed IS NULL THEN s.lien_type END,
              'countyCode', s.county_code,
              'orderId', s.order_id,
              'monthlyCurrentSupportCents', s.monthly_current_support,
              'principalCents', s.principal,
              'judgmentCents', s.total,
              'interestRateThousandths', CAST(:rate AS INTEGER),
              'lienType', s.lien_type,
              'caseOpen', s.is_open,
              'deceased', s.deceased,
              'bankruptcyActive', s.bankruptcy_active,
              'firstFiledOn', s.first_filed,
              'abstractDate', :d,
              'address', json(s.address_facts)),
            json_array(json_object('interface', 'case-extract', 'file', 'cases.csv', 'line', s.case_line),
                       json_object('interface', 'case-extract', 'file', 'participants.csv', 'line', s.participant_line))
     FROM lien_subject s
     ORDER BY s.subject_key`,
  ).run({ d: params.d, mechanism: params.mechanism, rate: params.rate });

  // Ledger: what is filed tonight (the writer removes rows whose record cannot be written).
  db.prepare(
    `INSERT INTO lien_ledger (business_date, case_id, county_code, person_id, order_id, judgment_cents,
                              interest_rate_thousandths, lien_type, decision_id)
     SELECT :d, s.case_id, s.county_code, s.person_id, s.order_id, s.total, :rate, s.lien_type, d.decision_id
     FROM lien_subject s
     CROSS JOIN decisions d
     WHERE d.business_date = :d AND d.mechanism = :mechanism AND d.subject_key = s.subject_key AND d.outcome = 'ISSUE'`,
  ).run({ d: params.d, mechanism: params.mechanism, rate: params.rate });
}

export function summarizeLien(db: Db, businessDate: string): NoticeSummary {
  return countOutcomes(db, businessDate, LIEN_MECHANISM);
}
