/**
 * Bank levy (DOMAIN.md 6.4): FIDM 'B' and MSFIDM 'MC' match records loaded on D → one ISSUE or
 * SUPPRESS decision per matched account, TASK rows where a task is raised, and levy ledger rows.
 *
 * Set-based throughout: the night's match records are joined to obligors by SSN, de-duplicated by
 * account key with a window function, judged by one ordered CASE (first failing reason wins), and
 * the obligor's levy total is allocated over eligible accounts with a running sum.
 */
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import { stagingTableName } from '../store/staging.ts';
import { firstGateSql, GATE_ORDER } from './derived.ts';
import { insertTasks } from './tasks.ts';
import { hasMailingAddressSql } from './address.ts';

export const LEVY_MECHANISM = 'levy';

/** Suppression reasons in the order they are applied (DOMAIN 6.4), then the allocation's own. */
export const LEVY_REASONS = [
  ...GATE_ORDER,
  'SSI_RECIPIENT',
  'UIB_DIB_RECIPIENT',
  'NOT_DELINQUENT',
  'BELOW_ARREARS_THRESHOLD',
  'ACCOUNT_CLOSED',
  'TRUST_ACCOUNT',
  'RETIREMENT_ACCOUNT',
  'NAME_MISMATCH',
  'BELOW_BALANCE_THRESHOLD',
  'RECENTLY_LEVIED',
  'INSTITUTION_INCOMPLETE',
  'ARREARS_COVERED',
] as const;
export type LevyReason = (typeof LEVY_REASONS)[number];

/** Tasks raised by a suppression reason, from the account's winning record. */
const TASK_FOR_REASON: Partial<Record<LevyReason, string>> = {
  RETIREMENT_ACCOUNT: 'FIDM_RETIREMENT_ACCOUNT_REVIEW',
  NAME_MISMATCH: 'FIDM_NAME_MISMATCH',
  INSTITUTION_INCOMPLETE: 'OTHER',
};

export interface LevySummary {
  accounts: number;
  issued: number;
  suppressed: Record<string, number>;
  levyCents: number;
  tasks: number;
}

/**
 * The balance as it counts for the levy, in cents: FIDM/MSFIDM balances are whole dollars; a blank
 * balance, balance indicator 0 (not provided) or a negative balance counts as 0 (DOMAIN 6.4).
 */
function balanceCentsSql(alias: string): string {
  return `CASE WHEN ${alias}.balance IS NULL OR ${alias}.balance < 0 OR ${alias}.balance_indicator = '0' THEN 0
               ELSE ${alias}.balance * 100 END`;
}

const FIDM_A = stagingTableName('fidm', 'aRecord');
const FIDM_B = stagingTableName('fidm', 'bRecord');
const MSFIDM = stagingTableName('msfidm', 'detail');

/** Removes D's levy decisions, tasks and ledger rows so a rerun replaces them. */
export function clearLevy(db: Db, businessDate: string): void {
  db.prepare('DELETE FROM levy_ledger WHERE business_date = ?').run(businessDate);
  db.prepare('DELETE FROM tasks WHERE business_date = ? AND mechanism = ?').run(businessDate, LEVY_MECHANISM);
  db.prepare('DELETE FROM decisions WHERE business_date = ? AND mechanism = ?').run(businessDate, LEVY_MECHANISM);
}

/**
 * Decides the levy for business date D. Needs `computeDerivedFacts` for D first. Runs inside the
 * caller's transaction; writes decisions, tasks and ledger rows (`summarizeLevy` reads the counts).
 */
export function decideLevy(db: Db, businessDate: string, config: Config): void {
  clearLevy(db, businessDate);
  const p = {
    d: businessDate,
    mechanism: LEVY_MECHANISM,
    minPrincipal: config.levy.minPrincipalCents,
    minBalance: config.levy.minBalanceCents,
    relevyFrom: `-${config.levy.relevyDays} days`,
  };
  // validated as two-digit codes by the configuration schema, so safe to inline as SQL literals
  const retirementTypes = config.levy.retirementAccountTypes.map((t) => `'${t}'`).join(', ') || 'NULL';
  db.exec(`DROP TABLE IF EXISTS temp.levy_match; DROP TABLE IF EXISTS temp.levy_institution;
           DROP TABLE IF EXISTS temp.levy_account; DROP TABLE IF EXISTS temp.levy_fein;
           DROP TABLE IF EXISTS temp.levy_institution_candidate;`);

  // 1. Every match record loaded on D, in one shape. The FIDM FEIN is its block's A record TIN.
  db.prepare(
    `CREATE TEMP TABLE levy_match AS
     SELECT 'fidm' AS interface, f.file_id, f.file, f.sha256, f.business_date, b.line,
            a.institutionTin AS fein, b.matchedSsn AS ssn, b.payeeAccountNumber AS account_number,
            b.accountBalance AS balance, b.accountBalanceIndicator AS balance_indicator,
            NULL AS account_status, b.trustFundIndicator AS trust_indicator,
            b.accountType AS account_type, b.matchFlag AS match_flag
     FROM ${FIDM_B} b
     JOIN inbound_files f ON f.file_id = b.file_id
     JOIN ${FIDM_A} a ON a.file_id = b.file_id AND a.line = b.batch_line
     WHERE f.business_date = :d AND f.interface = 'fidm' AND f.status = 'loaded'
     UNION ALL
     SELECT 'msfidm', f.file_id, f.file, f.sha256, f.business_date, m.line,
            m.institutionTin, m.matchedSsn, m.payeeAccountNumber,
            m.accountBalance, m.accountBalanceIndicator,
            m.accountStatus, m.trustFundIndicator,
            m.accountType, m.matchFlag
     FROM ${MSFIDM} m
     JOIN inbound_files f ON f.file_id = m.file_id
     WHERE f.business_date = :d AND f.interface = 'msfidm' AND f.status = 'loaded'`,
  ).run({ d: p.d });

  // 2. The service address of each institution: the latest FIDM A record of the FEIN, else the
  //    latest MSFIDM record (latest business date up to D, then greater file name, then line).
  db.exec('CREATE TEMP TABLE levy_fein (fein TEXT PRIMARY KEY) WITHOUT ROWID; INSERT OR IGNORE INTO levy_fein SELECT fein FROM levy_match;');
  db.prepare(
    `CREATE TEMP TABLE levy_institution_candidate AS
     SELECT a.institutionTin AS fein, 1 AS fidm, f.business_date, f.file, a.line,
            a.institutionName AS name, a.institutionStreet AS street, a.institutionCity AS city,
            a.institutionState AS state, a.institutionZip5 AS zip5, a.institutionZip4 AS zip4
     FROM ${FIDM_A} a
     JOIN levy_fein l ON l.fein = a.institutionTin
     JOIN inbound_files f ON f.file_id = a.file_id
     WHERE f.business_date <= :d AND f.status = 'loaded'`,
  ).run({ d: p.d });
  db.exec('CREATE INDEX temp.levy_institution_candidate_fein ON levy_institution_candidate (fein)');
  // MSFIDM addresses only for institutions that never sent a FIDM A record
  db.prepare(
    `INSERT INTO levy_institution_candidate
     SELECT m.institutionTin, 0, f.business_date, f.file, m.line,
            m.institutionName, m.institutionStreet, m.institutionCity,
            m.institutionState, m.institutionZip5, m.institutionZip4
     FROM ${MSFIDM} m
     JOIN levy_fein l ON l.fein = m.institutionTin
     JOIN inbound_files f ON f.file_id = m.file_id
     WHERE f.business_date <= :d AND f.status = 'loaded'
       AND NOT EXISTS (SELECT 1 FROM levy_institution_candidate c WHERE c.fein = m.institutionTin AND c.fidm = 1)`,
  ).run({ d: p.d });
  db.exec(
    `CREATE TEMP TABLE levy_institution AS
     SELECT fein, name, street, city, state, zip5, zip4,
            NOT (${hasMailingAddressSql('', { line1: 'street', city: 'city', state: 'state', zip: 'zip5' })}) AS incomplete,
            CASE fidm WHEN 1 THEN 'fidm' ELSE 'msfidm' END AS interface, file, line
     FROM (SELECT *, row_number() OVER (PARTITION BY fein
                       ORDER BY fidm DESC, business_date DESC, file DESC, line DESC) AS rn
           FROM levy_institution_candidate)
     WHERE rn = 1`,
  );
  db.exec('CREATE UNIQUE INDEX temp.levy_institution_pk ON levy_institution (fein)');

  // 3. One row per matched account: the winning record (later date, FIDM over MSFIDM, greater
  //    file name, greater line), every record of the key as sources, and the first failing reason.
  db.prepare(
    `CREATE TEMP TABLE levy_account AS
     WITH matched AS (
       SELECT m.*, s.person_id,
              row_number() OVER w AS rn,
              -- the whole partition over the same window: one sort of the matches, not two (issue 10)
              count(*) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS records
       FROM levy_match m
       JOIN ssn_owner s ON s.ssn = m.ssn AND NOT s.ambiguous
       WINDOW w AS (PARTITION BY m.ssn, m.fein, m.account_number
                    ORDER BY m.business_date DESC, m.interface = 'fidm' DESC, m.file DESC, m.line DESC)
     ), duplicated AS (
       -- the few keys reported more than once: every record of the key, winner first
       SELECT ssn, fein, account_number,
              json_group_array(json_object('interface', interface, 'file', file, 'line', line) ORDER BY rn) AS sources
       FROM (SELECT * FROM matched WHERE records > 1)
       GROUP BY ssn, fein, account_number
     ), winner AS (
       SELECT *,
              ${balanceCentsSql('matched')} AS balance_cents
       FROM matched WHERE rn = 1
     )
     SELECT w.person_id, w.fein, w.account_number,
            w.person_id || '|' || w.fein || '|' || w.account_number AS subject_key,
            w.interface, w.file, w.sha256, w.line,
            coalesce(dup.sources, json_array(json_object('interface', w.interface, 'file', w.file, 'line', w.line))) AS sources,
            w.balance_cents, w.account_type, w.account_status, w.trust_indicator, w.match_flag,
            o.principal, o.total, o.days_delinquent, o.cswn_sent_date,
            o.primary_case_id, o.primary_lcsa_code,
            -- the first failing gate, else the first failing levy reason, else NULL (eligible)
            coalesce(${firstGateSql(GATE_ORDER)}, CASE
              WHEN o.ssi_recipient THEN 'SSI_RECIPIENT'
              WHEN o.uib_dib_recipient THEN 'UIB_DIB_RECIPIENT'
              WHEN o.compliant THEN 'NOT_DELINQUENT'
              WHEN o.principal <= :minPrincipal THEN 'BELOW_ARREARS_THRESHOLD'
              WHEN w.account_status = '1' THEN 'ACCOUNT_CLOSED'
              WHEN w.trust_indicator IS NULL OR w.trust_indicator <> '0' THEN 'TRUST_ACCOUNT'
              WHEN w.account_type IN (${retirementTypes}) THEN 'RETIREMENT_ACCOUNT'
              WHEN w.match_flag = '2' THEN 'NAME_MISMATCH'
              WHEN w.balance_cents < :minBalance THEN 'BELOW_BALANCE_THRESHOLD'
              WHEN EXISTS (SELECT 1 FROM levy_ledger l
                           WHERE l.fein = w.fein AND l.account_number = w.account_number
                             AND l.business_date BETWEEN date(:d, :relevyFrom) AND date(:d, '-1 day'))
                THEN 'RECENTLY_LEVIED'
              WHEN i.incomplete THEN 'INSTITUTION_INCOMPLETE'
            END) AS reason,
            0 AS levy_cents
     FROM winner w
     JOIN obligor_facts o ON o.person_id = w.person_id
     JOIN levy_institution i ON i.fein = w.fein
     LEFT JOIN duplicated dup ON dup.ssn = w.ssn AND dup.fein = w.fein AND dup.account_number = w.account_number`,
  ).run({
    d: p.d,
    minPrincipal: p.minPrincipal,
    minBalance: p.minBalance,
    relevyFrom: p.relevyFrom,
  });

  // 4. Allocation: the obligor's levy total = min(total, sum of eligible balances), spread over
  //    eligible accounts by balance descending, then FEIN, then account number.
  db.exec(
    `WITH eligible AS (
       SELECT rowid AS rid, balance_cents, total,
              -- both sums over one ordered window: one sort (issue 10)
              sum(balance_cents) OVER (byBalance ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS eligible_sum,
              sum(balance_cents) OVER (byBalance ROWS UNBOUNDED PRECEDING) AS running
       FROM levy_account WHERE reason IS NULL
       WINDOW byBalance AS (PARTITION BY person_id ORDER BY balance_cents DESC, fein, account_number)
     ), allocated AS (
       SELECT rid, max(0, min(balance_cents, min(total, eligible_sum) - (running - balance_cents))) AS levy_cents
       FROM eligible
     )
     UPDATE levy_account
        SET levy_cents = allocated.levy_cents,
            reason = CASE WHEN allocated.levy_cents = 0 THEN 'ARREARS_COVERED' END
       FROM allocated WHERE levy_account.rowid = allocated.rid`,
  );

  // 5. Decisions: exactly one ISSUE or SUPPRESS per account.
  db.prepare(
    `INSERT INTO decisions (business_date, mechanism, subject_key, person_id, case_id, outcome,
                            reason_codes, amount_cents, facts, sources)
     SELECT :d, :mechanism, a.subject_key, a.person_id,
            a.primary_case_id,
            CASE WHEN a.reason IS NULL THEN 'ISSUE' ELSE 'SUPPRESS' END,
            coalesce(a.reason, ''),
            CASE WHEN a.reason IS NULL THEN a.levy_cents END,
            json_object(
              'fein', a.fein,
              'accountType', a.account_type,
              'accountStatus', a.account_status,
              'trustFundIndicator', a.trust_indicator,
              'matchFlag', a.match_flag,
              'balanceCents', a.balance_cents,
              'minBalanceCents', :minBalance,
              'principalCents', a.principal,
              'minPrincipalCents', :minPrincipal,
              'totalCents', a.total,
              'daysDelinquent', a.days_delinquent,
              'cswnSentDate', a.cswn_sent_date,
              'primaryCaseId', a.primary_case_id,
              'lcsaCode', a.primary_lcsa_code,
              'institution', json_object('name', i.name, 'street', i.street, 'city', i.city,
                                         'state', i.state, 'zip5', i.zip5, 'zip4', i.zip4,
                                         'source', i.interface || ':' || i.file || ':' || i.line)),
            a.sources
     FROM levy_account a JOIN levy_institution i ON i.fein = a.fein
     ORDER BY a.person_id, a.fein, a.account_number`,
  ).run({ d: p.d, mechanism: p.mechanism, minBalance: p.minBalance, minPrincipal: p.minPrincipal });

  // 6. Tasks from the winning record for the reason that decided the outcome, and one task per
  //    match record on an ambiguous SSN (no person, case or LCSA).
  const taskCases = Object.entries(TASK_FOR_REASON)
    .map(([reason, type]) => `WHEN '${reason}' THEN '${type}'`)
    .join(' ');
  insertTasks(db, businessDate, LEVY_MECHANISM, `
      SELECT CASE a.reason ${taskCases} END AS task_type, a.reason AS reason,
             a.primary_case_id AS case_id, a.primary_lcsa_code AS lcsa_code, a.person_id,
             a.interface AS source_interface, a.file AS source_file, a.sha256 AS source_sha256,
             a.line AS source_line, a.balance_cents AS amount_cents, a.subject_key
      FROM levy_account a WHERE a.reason IN (${Object.keys(TASK_FOR_REASON).map((r) => `'${r}'`).join(', ')})
      UNION ALL
      SELECT 'OTHER', 'AMBIGUOUS_SSN', NULL, NULL, NULL, m.interface, m.file, m.sha256, m.line,
             ${balanceCentsSql('m')},
             'AMBIGUOUS_SSN|' || m.interface || ':' || m.file || ':' || m.line
      FROM levy_match m JOIN ambiguous_ssn s ON s.ssn = m.ssn`);

  // 7. Ledger: what was levied tonight (the writer removes rows whose order cannot be written).
  db.prepare(
    `INSERT INTO levy_ledger (business_date, person_id, fein, account_number, case_id, amount_cents, decision_id)
     SELECT :d, a.person_id, a.fein, a.account_number, a.primary_case_id, a.levy_cents, d.decision_id
     FROM levy_account a
     -- CROSS JOIN keeps levy_account outside: one index probe of decisions per issued account
     CROSS JOIN decisions d
     WHERE a.reason IS NULL AND d.business_date = :d AND d.mechanism = :mechanism
       AND d.subject_key = a.subject_key AND d.outcome = 'ISSUE'`,
  ).run({ d: p.d, mechanism: p.mechanism });
}

/** Counts of the night as they stand in the store (after the writer's UNWRITABLE_VALUE flips too). */
export function summarizeLevy(db: Db, businessDate: string): LevySummary {
  const counts = db
    .prepare(
      `SELECT outcome, reason_codes AS reason, count(*) AS n, coalesce(sum(amount_cents), 0) AS cents
       FROM decisions WHERE business_date = ? AND mechanism = ? GROUP BY outcome, reason_codes`,
    )
    .all(businessDate, LEVY_MECHANISM) as Array<{ outcome: string; reason: string; n: number; cents: number }>;
  const summary: LevySummary = {
    accounts: 0,
    issued: 0,
    suppressed: {},
    levyCents: 0,
    tasks: 0,
  };
  for (const c of counts) {
    if (c.outcome === 'ISSUE') {
      summary.issued += c.n;
      summary.levyCents += c.cents;
      summary.accounts += c.n;
    } else if (c.outcome === 'SUPPRESS') {
      summary.suppressed[c.reason] = (summary.suppressed[c.reason] ?? 0) + c.n;
      summary.accounts += c.n;
    } else if (c.outcome === 'TASK') {
      summary.tasks += c.n;
    }
  }
  return summary;
}
