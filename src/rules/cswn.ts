/**
 * Child Support Warning Notice (DOMAIN.md 6.10): per obligor with `principal` > 0 whose CSWN is not
 * current (judged from the case extract only, DOMAIN 4) and who was not sent one by this system on
 * an earlier business date within `config.cswn.resendAfterDays` before D. The notice names the
 * primary case and its LCSA; past-due amount = obligor `total`; notice date = D.
 *
 * Order of reasons: gates (DECEASED, NO_OPEN_CASE, BANKRUPTCY_STAY, INCARCERATION_RELIEF), then
 * CSWN_CURRENT, then CSWN_RECENTLY_SENT, NO_SSN, NO_ADDRESS (the notice is mailed: no usable
 * mailing address, no notice; the `address` mechanism raises the LOCATE_ADDRESS task).
 */
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import { firstGateSql } from './derived.ts';
import { type NoticeSummary } from './nmsn.ts';
import { countOutcomes } from './summary.ts';
import { clearMechanismDate } from './ledger.ts';
import { addressFactsSql, hasMailingAddressSql, NO_ADDRESS } from './address.ts';

export const CSWN_MECHANISM = 'cswn';

export const CSWN_REASONS = ['DECEASED', 'NO_OPEN_CASE', 'BANKRUPTCY_STAY', 'INCARCERATION_RELIEF', 'CSWN_CURRENT', 'CSWN_RECENTLY_SENT', 'NO_SSN', NO_ADDRESS] as const;

/**
 * Decides the CSWNs of D. Needs `computeDerivedFacts` for D first; runs inside the caller's
 * transaction and writes decisions and ledger rows (the writer removes unwritable ones).
 */
export function decideCswn(db: Db, businessDate: string, config: Config): void {
  clearMechanismDate(db, businessDate, CSWN_MECHANISM, ['cswn_ledger']);
  db.exec('DROP TABLE IF EXISTS temp.cswn_subject');
  const params = { d: businessDate, resendFrom: `-${config.cswn.resendAfterDays} days` };

  // Subjects: obligors whose open cases carry principal > 0, and — so that NO_OPEN_CASE says why
  // an obligor who still owes gets no notice — obligors with no open case left whose cases (closed,
  // or open without an order) still carry principal > 0. Obligor amounts sum open cases only.
  db.prepare(
    `CREATE TEMP TABLE cswn_subject AS
     WITH owing AS (
       SELECT person_id,
              sum(principal) AS all_principal,
              json_group_array(json_object('interface', 'case-extract', 'file', 'cases.csv', 'line', line) ORDER BY line)
                FILTER (WHERE is_open) AS open_sources,
              json_group_array(json_object('interface', 'case-extract', 'file', 'cases.csv', 'line', line) ORDER BY line)
                AS all_sources
       FROM (SELECT cf.person_id, cf.principal, cf.is_open, c.line
             FROM case_facts cf JOIN ce_cases c ON c.case_id = cf.case_id)
       GROUP BY person_id
     )
     SELECT o.person_id, o.principal, o.total, o.open_case_count, o.cswn_sent_date, o.cswn_current,
            o.deceased, o.bankruptcy_active, o.incarceration_relief,
            o.primary_case_id, o.primary_lcsa_code, p.line AS participant_line,
            CASE WHEN o.open_case_count > 0 THEN w.open_sources ELSE w.all_sources END AS case_sources,
            -- the latest notice this system sent on an earlier date inside [D − resendAfterDays, D − 1]
            -- (a rerun of D does not count its own: the clear at the start of the decide removed it)
            (SELECT max(l.business_date) FROM cswn_ledger l
              WHERE l.person_id = o.person_id
                AND l.business_date BETWEEN date(:d, :resendFrom) AND date(:d, '-1 day')) AS recently_sent,
            coalesce(${firstGateSql(['DECEASED', 'NO_OPEN_CASE', 'BANKRUPTCY_STAY', 'INCARCERATION_RELIEF'])},
                     CASE WHEN o.cswn_current THEN 'CSWN_CURRENT' END) AS reason
     FROM obligor_facts o
     JOIN owing w ON w.person_id = o.person_id
     JOIN ce_participants p ON p.person_id = o.person_id
     WHERE o.principal > 0 OR (o.open_case_count = 0 AND w.all_principal > 0)`,
  ).run(params);
  db.exec(`UPDATE cswn_subject SET reason = 'CSWN_RECENTLY_SENT' WHERE reason IS NULL AND recently_sent IS NOT NULL`);
  // the notice identifies the obligor by SSN (required field): without one it cannot be sent
  db.exec(`UPDATE cswn_subject SET reason = 'NO_SSN'
           WHERE reason IS NULL AND person_id IN (SELECT person_id FROM ce_participants WHERE ssn IS NULL)`);
  // the notice is mailed to the obligor: checked here, before formatting (DOMAIN 6, issue 11)
  db.exec(`UPDATE cswn_subject SET reason = '${NO_ADDRESS}'
           WHERE reason IS NULL AND person_id IN (SELECT p.person_id FROM ce_participants p WHERE NOT (${hasMailingAddressSql('p')}))`);

  db.prepare(
    `INSERT INTO decisions (business_date, mechanism, subject_key, person_id, case_id, outcome,
                            reason_codes, amount_cents, facts, sources)
     SELECT :d, :mechanism, s.person_id, s.person_id, s.primary_case_id,
            CASE WHEN s.reason IS NULL THEN 'ISSUE' ELSE 'SUPPRESS' END,
            coalesce(s.reason, ''),
            CASE WHEN s.reason IS NULL THEN s.total END,
            json_object(
              'principalCents', s.principal,
              'pastDueCents', s.total,
              'openCaseCount', s.open_case_count,
              'cswnSentDate', s.cswn_sent_date,
              'cswnCurrent', s.cswn_current,
              'cswnCurrentDays', CAST(:currentDays AS INTEGER),
              'recentlySentOn', s.recently_sent,
              'resendAfterDays', CAST(:resendAfterDays AS INTEGER),
              'deceased', s.deceased,
              'bankruptcyActive', s.bankruptcy_active,
              'incarcerationRelief', s.incarceration_relief,
              'primaryCaseId', s.primary_case_id,
              'lcsaCode', s.primary_lcsa_code,
              'noticeDate', :d,
              'address', (SELECT ${addressFactsSql('p', 'obligor')} FROM ce_participants p WHERE p.person_id = s.person_id)),
            (SELECT json_group_array(json(src) ORDER BY k) FROM (
               SELECT 0 AS k, json_object('interface', 'case-extract', 'file', 'participants.csv', 'line', s.participant_line) AS src
               UNION ALL SELECT 1 + j.key, j.value FROM json_each(s.case_sources) j))
     FROM cswn_subject s
     ORDER BY s.person_id`,
  ).run({
    d: businessDate,
    mechanism: CSWN_MECHANISM,
    currentDays: config.derived.cswnCurrentDays,
    resendAfterDays: config.cswn.resendAfterDays,
  });

  // Ledger: what is sent tonight (the writer removes rows whose notice cannot be written).
  db.prepare(
    `INSERT INTO cswn_ledger (business_date, person_id, case_id, lcsa_code, past_due_cents, decision_id)
     SELECT :d, s.person_id, s.primary_case_id, s.primary_lcsa_code, s.total, d.decision_id
     FROM cswn_subject s
     CROSS JOIN decisions d
     WHERE s.reason IS NULL AND d.business_date = :d AND d.mechanism = :mechanism
       AND d.subject_key = s.person_id AND d.outcome = 'ISSUE'`,
  ).run({ d: businessDate, mechanism: CSWN_MECHANISM });
}

export function summarizeCswn(db: Db, businessDate: string): NoticeSummary {
  return countOutcomes(db, businessDate, CSWN_MECHANISM);
}
