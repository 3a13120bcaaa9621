/**
 * IWOs from match records (DOMAIN 6.2): EDD UI/DI claims, DIR temporary disability, insurance
 * claims (ocss-im, and csln in src/rules/iwoCsln.ts) and CalPERS benefits. Called by the IWO mechanism (src/rules/iwo.ts) after it has
 * cleared D's 'iwo' decisions, tasks and ledger rows and decided the employer IWOs; needs
 * `computeDerivedFacts` for D.
 *
 * Set-based: each source's records loaded on D are joined to obligors by SSN and reduced to one
 * winning record per ledger key (the later file name, then the later line: a later record of the
 * key supersedes). Every winner becomes one row of `mi_rec` in a common shape (what it asks for,
 * the amount, the payer, the first failing gate and the source's own reason), then one ordered CASE
 * against the ledger decides ORG / AMD / TRM / LUM / NO_CHANGE / SUPPRESS, and the decisions, tasks
 * and `iwo_ledger` rows are inserted from that.
 *
 * Staged records of earlier nights are not acted on (DOMAIN 6 "match-driven mechanisms act on the
 * records loaded on D"); the order in force and the once-per-claim lump sums come from the ledger.
 *
 * Interpretations where DOMAIN is silent (each also stated where applied):
 * - A gate that applies while an order is in force terminates it (as 6.1 does for employers) when
 *   it is DECEASED, NO_OPEN_CASE or BANKRUPTCY_STAY (nothing left to collect / collection is
 *   stayed); a lapsed CSWN keeps the order in force (NO_CHANGE): the notice must precede the start
 *   of an intercept, it does not end one.
 * - An order in force whose record now gives nothing to withhold (PFL, nothing owed, no benefit
 *   amount, no order amount) is terminated; one whose payer data became unusable keeps running.
 * - A changed withholding amount, payer FEIN or primary case of an order in force → AMD with the
 *   full new order, to the payer of the record (one ledger row per key and night).
 * - A record that ends a claim with no order in force, and a lump sum already sent for the key,
 *   are NO_CHANGE (the ledger already says what the record says).
 */
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import { stagingTableName } from '../store/staging.ts';
import { firstGateSql } from './derived.ts';
import type { GateReason } from './derived.ts';
import { loadPayers, PAYER_CALPERS, PAYER_EDD, PAYERS_FILE, stagePayers } from './payers.ts';
import { CHILD_FIELDS, firstChildrenSql, MAX_CHILDREN, OTHER_OBLIGATIONS_ZERO, TRM_DTL } from './iwoDtl.ts';
import { IWO_MECHANISM } from './iwoEmployer.ts';
import { insertTasks } from './tasks.ts';
import { cslnAmbiguousSql, cslnSql, markDuplicateClaims, recordClaimKeys } from './iwoCsln.ts';
import { hasMailingAddressSql } from './address.ts';
import { LUMP_SUM_AMBIGUOUS_SQL, LUMP_SUM_NO_CHANGE_REASONS, LUMP_SUM_TASK_REASONS, lumpSumSql } from './iwoLumpSum.ts';

/**
 * Reason codes of match IWOs after the gates, in the order each source applies them.
 * - PFL_NOT_WITHHELD: EDD paid family leave claim (never withheld).
 * - NOTHING_OWED: the obligor owes no current support and no `total` (EDD, DIR TD), or no `total` (lump sums).
 * - NO_ORDER_AMOUNT: CalPERS: the primary case's monthly current support + arrears payment is 0.
 * - NO_BENEFIT_AMOUNT: the percentage of the benefit comes to 0 (no weekly amount / gross benefit).
 * - NO_LUMP_SUM: CalPERS type L with no lump sum.
 * - CLAIM_BELOW_THRESHOLD, CLAIM_CLOSED (insurance claim neither open nor settled).
 * - NO_FEIN, EMPLOYER_INCOMPLETE: payer of the record without FEIN / address (DIR administrator, insurer).
 * - INSURER_NOT_FEIN: insurer identifier not 9 digits: cannot head an e-IWO batch (task instead).
 * A TERMINATE carries why in reason_codes (as employer IWOs do): the gate or own reason that ends
 * the order, or CLAIM_ENDED (EDD status E / T, DIR status C, CalPERS status S / T).
 */
export const MATCH_IWO_REASONS = [
  'PFL_NOT_WITHHELD',
  'CLAIM_BELOW_THRESHOLD',
  'CLAIM_CLOSED',
  'NOTHING_OWED',
  'NO_ORDER_AMOUNT',
  'NO_LUMP_SUM',
  'NO_BENEFIT_AMOUNT',
  'NO_FEIN',
  'INSURER_NOT_FEIN',
  'EMPLOYER_INCOMPLETE',
] as const;

/** Own reasons that end an order in force (nothing left to withhold from this record). */
const ENDING_REASONS = ['PFL_NOT_WITHHELD', 'NOTHING_OWED', 'NO_ORDER_AMOUNT', 'NO_BENEFIT_AMOUNT'];
/** Gates that end an order in force (see the header). */
const ENDING_GATES: GateReason[] = ['DECEASED', 'NO_OPEN_CASE', 'BANKRUPTCY_STAY'];

const NON_DISCRETIONARY_GATES: GateReason[] = ['DECEASED', 'NO_OPEN_CASE', 'NO_CURRENT_CSWN', 'BANKRUPTCY_STAY'];
/** CalPERS is outside the case system: no CSWN gate (DOMAIN 5). */
const CALPERS_GATES: GateReason[] = ['DECEASED', 'NO_OPEN_CASE', 'BANKRUPTCY_STAY'];

const EDD = stagingTableName('edd', 'detail');
const DIR = stagingTableName('dir-wc', 'detail');
const IM = stagingTableName('ocss-im', 'detail');
const CALPERS = stagingTableName('calpers', 'detail');

/** Columns every source's winner row has in `mi_rec` (see `sourceSql`). */
const REC_COLUMNS = `source, ledger_key, person_id, interface, file, sha256, line, sources, kind, intent,
  amount_cents, frequency, per_pay_field, percent_applied, payer_fein, payer_name, payer_address_line1,
  payer_address_line2, payer_city, payer_state, payer_zip5, payer_zip_ext, payer_source,
  gate, own_reason, task_type, record_facts`;

/** ZIP of 5 or 9 digits into the e-IWO zip5 / extension. */
export const zip5 = (col: string) => `CASE WHEN ${col} IS NOT NULL THEN substr(${col}, 1, 5) END`;
export const zipExt = (col: string) => `CASE WHEN length(${col}) = 9 THEN substr(${col}, 6, 4) END`;

/** A payer record (DIR administrator, insurer: columns name, line1, city, state, zip of `r`) the order cannot be mailed to. */
const PAYER_INCOMPLETE = `(r.name IS NULL OR NOT (${hasMailingAddressSql('r', { line1: 'line1', city: 'city', state: 'state', zip: 'zip' })}))`;

/** Percent of an amount in cents, rounded half-up to the cent (amounts are never negative). */
export const percentOf = (cents: string, percent: number) => `((${cents}) * ${percent} + 50) / 100`;

/**
 * One source: `raw` selects the source's records loaded on D on unambiguous SSNs with the columns
 * rec_key, person_id, file, sha256, line and the record's own fields; `projection` maps the winning
 * record `r` (with obligor facts `o`, the obligor's current support `cs` and primary case `pc`) to
 * REC_COLUMNS after source, ledger_key, person_id, interface, file, sha256, line, sources.
 */
export function sourceSql(iface: string, raw: string, projection: string, extraJoins = ''): string {
  return `
    WITH raw AS (${raw}),
    ranked AS (
      SELECT raw.*, row_number() OVER byRecency AS rn,
             -- the whole partition over the same window: one sort, not two (issue 10)
             count(*) OVER (byRecency ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS records
      FROM raw
      WINDOW byRecency AS (PARTITION BY rec_key ORDER BY file DESC, line DESC)
    ), duplicated AS (
      -- the few keys reported more than once on D: every record of the key, winner first
      SELECT rec_key, json_group_array(json_object('interface', '${iface}', 'file', file, 'line', line) ORDER BY rn) AS sources
      FROM ranked WHERE records > 1 GROUP BY rec_key
    )
    SELECT '${iface}', r.rec_key, r.person_id, '${iface}', r.file, r.sha256, r.line,
           coalesce(dup.sources, json_array(json_object('interface', '${iface}', 'file', r.file, 'line', r.line))),
           ${projection}
    FROM ranked r
    JOIN obligor_facts o ON o.person_id = r.person_id
    LEFT JOIN mi_support cs ON cs.person_id = r.person_id
    LEFT JOIN ce_cases pc ON pc.case_id = o.primary_case_id
    LEFT JOIN duplicated dup ON dup.rec_key = r.rec_key
    ${extraJoins}
    WHERE r.rn = 1`;
}

function eddSql(c: Config['iwo']): string {
  const pct = c.eddWithholdPercent;
  const amount = percentOf('r.wba', pct);
  return sourceSql(
    'edd',
    `SELECT x.claimId AS rec_key, s.person_id, f.file, f.sha256, x.line, x.claimType AS claim_type,
            x.claimStatus AS claim_status, coalesce(x.weeklyBenefitAmount, 0) AS wba
     FROM ${EDD} x JOIN inbound_files f ON f.file_id = x.file_id
       AND f.business_date = :d AND f.interface = 'edd' AND f.status = 'loaded'
     JOIN ssn_owner s ON s.ssn = x.ssn AND NOT s.ambiguous`,
    `'PERIODIC',
     -- PFL is never withheld; U/D: status A asks for withholding, E or T ends it
     CASE WHEN r.claim_type = 'P' THEN 'NONE' WHEN r.claim_status = 'A' THEN 'START' ELSE 'END' END,
     ${amount}, 'W', 'withholdPerWeeklyPay', ${pct},
     p.fein, p.name, p.address_line1, p.address_line2, p.city, p.state, p.zip5, p.zip_ext, 'reference:payers.csv:' || p.payer_code,
     ${firstGateSql(NON_DISCRETIONARY_GATES)},
     CASE WHEN r.claim_type = 'P' THEN 'PFL_NOT_WITHHELD'
          WHEN coalesce(cs.current_support_cents, 0) <= 0 AND o.total <= 0 THEN 'NOTHING_OWED'
          WHEN ${amount} <= 0 THEN 'NO_BENEFIT_AMOUNT' END,
     NULL,
     json_object('claimId', r.rec_key, 'claimType', r.claim_type, 'claimStatus', r.claim_status,
                 'weeklyBenefitCents', r.wba, 'withholdPercent', ${pct})`,
    `JOIN iwo_payer p ON p.payer_code = '${PAYER_EDD}'`,
  );
}

/** DIR temporary disability records (PD / LS are the worklist's: src/rules/worklist.ts). */
function dirSql(c: Config['iwo']): string {
  const pct = c.dirTdWithholdPercent;
  const amount = percentOf('r.rate', pct);
  return sourceSql(
    'dir-wc',
    `SELECT x.claimNumber AS rec_key, s.person_id, f.file, f.sha256, x.line, x.claimStatus AS claim_status,
            coalesce(x.weeklyBenefitRate, 0) AS rate,
            -- "zeros if unknown"
            CASE WHEN x.claimsAdministratorFein GLOB '[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'
                      AND x.claimsAdministratorFein <> '000000000' THEN x.claimsAdministratorFein END AS fein,
            x.claimsAdministratorName AS name, x.administratorAddressLine1 AS line1, x.administratorAddressLine2 AS line2,
            x.administratorCity AS city, x.administratorState AS state, x.administratorZip AS zip
     FROM ${DIR} x JOIN inbound_files f ON f.file_id = x.file_id
       AND f.business_date = :d AND f.interface = 'dir-wc' AND f.status = 'loaded'
     JOIN ssn_owner s ON s.ssn = x.ssn AND NOT s.ambiguous
     WHERE x.benefitType = 'TD'`,
    `'PERIODIC',
     CASE r.claim_status WHEN 'O' THEN 'START' ELSE 'END' END,
     ${amount}, 'W', 'withholdPerWeeklyPay', ${pct},
     r.fein, r.name, r.line1, r.line2, r.city, r.state, ${zip5('r.zip')}, ${zipExt('r.zip')}, 'dir-wc:' || r.file || ':' || r.line,
     ${firstGateSql(NON_DISCRETIONARY_GATES)},
     -- DOMAIN states no amount condition for DIR TD; withholding from an obligor who owes nothing is
     -- not done (same condition as EDD)
     CASE WHEN coalesce(cs.current_support_cents, 0) <= 0 AND o.total <= 0 THEN 'NOTHING_OWED'
          WHEN ${amount} <= 0 THEN 'NO_BENEFIT_AMOUNT'
          WHEN r.fein IS NULL THEN 'NO_FEIN'
          WHEN ${PAYER_INCOMPLETE} THEN 'EMPLOYER_INCOMPLETE' END,
     -- an administrator the order cannot be sent to needs a caseworker (6.1: incomplete payer → task OTHER)
     CASE WHEN r.fein IS NULL OR ${PAYER_INCOMPLETE} THEN 'OTHER' END,
     json_object('claimNumber', r.rec_key, 'benefitType', 'TD', 'claimStatus', r.claim_status,
                 'weeklyBenefitRateCents', r.rate, 'withholdPercent', ${pct})`,
  );
}

/**
 * The projection of an insurance claim winner `r` (DOMAIN 6.2 "Insurance"), shared by every source
 * that reports insurance claims (ocss-im here, csln in iwoCsln.ts): a lump sum of min(total,
 * payment) to the insurer, CCPA 0, the non-discretionary gates, then the DOMAIN order: payment
 * threshold ($1,000.00 itself qualifies), a paying status, total > 0; then the insurer must be able
 * to head an e-IWO batch (`fein`: the usable FEIN or NULL) and receive it. `r` has payment,
 * claim_status, name, line1, line2, city, state, zip, file, line.
 */
export function insuranceProjectionSql(c: Config['iwo'], iface: string, fein: string, payingStatuses: readonly string[], recordFacts: string): string {
  const insurerIncomplete = PAYER_INCOMPLETE;
  return `'LUMP', 'START',
     min(o.total, r.payment), '', NULL,
     -- no percentage is applied to an insurance lump sum (min of total and payment): CCPA field 0
     0,
     ${fein}, r.name, r.line1, r.line2, r.city, r.state, ${zip5('r.zip')}, ${zipExt('r.zip')}, '${iface}:' || r.file || ':' || r.line,
     ${firstGateSql(NON_DISCRETIONARY_GATES)},
     CASE WHEN r.payment < ${c.insuranceMinPaymentCents} THEN 'CLAIM_BELOW_THRESHOLD'
          WHEN r.claim_status NOT IN (${payingStatuses.map((x) => `'${x}'`).join(', ')}) THEN 'CLAIM_CLOSED'
          WHEN o.total <= 0 THEN 'NOTHING_OWED'
          WHEN ${fein} IS NULL THEN 'INSURER_NOT_FEIN'
          WHEN ${insurerIncomplete} THEN 'EMPLOYER_INCOMPLETE' END,
     CASE WHEN ${fein} IS NULL OR ${insurerIncomplete} THEN 'INSURANCE_SETTLEMENT_FOLLOWUP' END,
     json_patch(${recordFacts}, json_object('minPaymentCents', ${c.insuranceMinPaymentCents}))`;
}

function insuranceSql(c: Config['iwo']): string {
  return sourceSql(
    'ocss-im',
    `SELECT s.person_id || '|' || x.insurerIdentifier || '|' || x.claimNumber AS rec_key, s.person_id, f.file, f.sha256, x.line,
            x.insurerIdentifier AS insurer_id, x.claimNumber AS claim_number, x.claimType AS claim_type,
            x.claimStatus AS claim_status, coalesce(x.estimatedPaymentAmount, 0) AS payment,
            x.insurerName AS name, x.insurerAddressLine1 AS line1, x.insurerAddressLine2 AS line2,
            x.insurerCity AS city, x.insurerState AS state, x.insurerZip AS zip
     FROM ${IM} x JOIN inbound_files f ON f.file_id = x.file_id
       AND f.business_date = :d AND f.interface = 'ocss-im' AND f.status = 'loaded'
     JOIN ssn_owner s ON s.ssn = x.obligorSsn AND NOT s.ambiguous`,
    // OCSS statuses O open and S settled pay
    insuranceProjectionSql(
      c, 'ocss-im', `CASE WHEN r.insurer_id GLOB '[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]' THEN r.insurer_id END`, ['O', 'S'],
      `json_object('insurerId', r.insurer_id, 'claimNumber', r.claim_number, 'claimType', r.claim_type,
                   'claimStatus', r.claim_status, 'estimatedPaymentCents', r.payment)`,
    ),
  );
}

function calpersSql(c: Config['iwo']): string {
  const cap = percentOf('r.gross', c.calpersCapPercent);
  const current = `coalesce(pc.monthly_current_support, 0)`;
  const arrears = `coalesce(pc.monthly_arrears_payment, 0)`;
  // the cap reduces the arrears part first: current support up to the cap, arrears in what is left
  const currentPart = `min(${current}, ${cap})`;
  const arrearsPart = `min(${arrears}, ${cap} - ${currentPart})`;
  const lump = `min(${percentOf('r.lump', c.calpersLumpSumPercent)}, o.total)`;
  return sourceSql(
    'calpers',
    `SELECT x.memberId || '|' || x.benefitType AS rec_key, s.person_id, f.file, f.sha256, x.line,
            x.memberId AS member_id, x.benefitType AS benefit_type, x.retirementStatus AS status,
            coalesce(x.monthlyGrossBenefit, 0) AS gross, coalesce(x.lumpSumAmount, 0) AS lump
     FROM ${CALPERS} x JOIN inbound_files f ON f.file_id = x.file_id
       AND f.business_date = :d AND f.interface = 'calpers' AND f.status = 'loaded'
     JOIN ssn_owner s ON s.ssn = x.ssn AND NOT s.ambiguous`,
    `CASE WHEN r.benefit_type = 'L' THEN 'LUMP' ELSE 'PERIODIC' END,
     -- R/D/S: status A asks for withholding, S or T ends it; L: a lump sum (any status)
     CASE WHEN r.benefit_type = 'L' OR r.status = 'A' THEN 'START' ELSE 'END' END,
     CASE WHEN r.benefit_type = 'L' THEN ${lump} ELSE ${currentPart} + ${arrearsPart} END,
     CASE WHEN r.benefit_type = 'L' THEN '' ELSE 'M' END,
     CASE WHEN r.benefit_type = 'L' THEN NULL ELSE 'withholdPerMonthlyPay' END,
     CASE WHEN r.benefit_type = 'L' THEN ${c.calpersLumpSumPercent} ELSE ${c.calpersCapPercent} END,
     p.fein, p.name, p.address_line1, p.address_line2, p.city, p.state, p.zip5, p.zip_ext, 'reference:payers.csv:' || p.payer_code,
     ${firstGateSql(CALPERS_GATES)},
     CASE WHEN r.benefit_type = 'L' THEN
            CASE WHEN r.lump <= 0 THEN 'NO_LUMP_SUM' WHEN o.total <= 0 THEN 'NOTHING_OWED' END
          WHEN ${current} + ${arrears} <= 0 THEN 'NO_ORDER_AMOUNT'
          WHEN ${currentPart} + ${arrearsPart} <= 0 THEN 'NO_BENEFIT_AMOUNT' END,
     NULL,
     json_object('memberId', r.member_id, 'benefitType', r.benefit_type, 'retirementStatus', r.status,
                 'monthlyGrossCents', r.gross, 'lumpSumCents', r.lump,
                 'capPercent', ${c.calpersCapPercent}, 'capCents', ${cap},
                 'lumpSumPercent', ${c.calpersLumpSumPercent},
                 'orderCurrentSupportCents', ${current}, 'orderArrearsPaymentCents', ${arrears},
                 'currentSupportPartCents', ${currentPart}, 'arrearsPartCents', ${arrearsPart})`,
    `JOIN iwo_payer p ON p.payer_code = '${PAYER_CALPERS}'`,
  );
}

/** e-IWO detail fields of the first six children of a case (6.1), as a JSON object per case. */
function childrenJsonSql(): string {
  const fields: string[] = [];
  for (let i = 1; i <= MAX_CHILDREN; i++) {
    for (const [name, col] of CHILD_FIELDS) {
      fields.push(`'child${i}${name}', max(CASE WHEN rn = ${i} THEN ${col} END)`);
    }
  }
  return `SELECT case_id, json_object(${fields.join(', ')}) AS children
          FROM (${firstChildrenSql('SELECT primary_case_id FROM mi_person')})
          GROUP BY case_id`;
}

/**
 * The detail values of an ORG / AMD / LUM (over `mi_decision` m): the withheld amount in the total
 * obligation and the matching per-pay field with its frequency, other amounts zero, the CCPA field
 * = the percentage applied (DOMAIN 6.2), the payer as the "employer", the primary case's children.
 */
const ORDER_DTL = `json_patch(json_object(
  'documentActionCode', m.action,
  'employerName', m.payer_name, 'employerAddressLine1', m.payer_address_line1,
  'employerAddressLine2', m.payer_address_line2, 'employerCity', m.payer_city,
  'employerState', m.payer_state, 'employerZip5', m.payer_zip5, 'employerZipExt', m.payer_zip_ext,
  'employerFein', m.payer_fein,
  'orderIdentifier', m.order_id, 'issuingTribunalName', m.tribunal,
  'currentChildSupportAmount', 0, 'currentChildSupportFrequency', '',
  'pastDueChildSupportAmount', 0, 'pastDueChildSupportFrequency', '',
  ${OTHER_OBLIGATIONS_ZERO},
  'totalObligationAmount', m.amount_cents, 'totalObligationFrequency', m.frequency,
  -- the percentage of a match IWO is fixed by law and carried in the CCPA field, so the 12-weeks
  -- flag (which would raise an employer's CCPA limit by 5) is N
  'arrearsGreaterThan12Weeks', 'N',
  'withholdPerWeeklyPay', CASE m.per_pay_field WHEN 'withholdPerWeeklyPay' THEN m.amount_cents ELSE 0 END,
  'withholdPerBiweeklyPay', 0,
  'withholdPerSemimonthlyPay', 0,
  'withholdPerMonthlyPay', CASE m.per_pay_field WHEN 'withholdPerMonthlyPay' THEN m.amount_cents ELSE 0 END,
  'ccpaPercentLimit', m.percent_applied,
  'lumpSumPaymentAmount', CASE m.action WHEN 'LUM' THEN m.amount_cents ELSE 0 END),
  coalesce(ch.children, '{}'))`;

/**
 * Decides D's match IWOs into decisions (mechanism 'iwo'), tasks and iwo_ledger rows. Does not
 * clear D's rows (the IWO mechanism does, once for employer and match IWOs).
 */
export function decideMatchIwos(db: Db, businessDate: string, config: Config, payersFile = PAYERS_FILE): void {
  const c = config.iwo;
  stagePayers(db, loadPayers(payersFile));
  for (const t of ['mi_support', 'mi_rec', 'mi_person', 'mi_children', 'mi_decision', 'mi_ambiguous']) {
    db.exec(`DROP TABLE IF EXISTS temp.${t}`);
  }
  // Current support the obligor owes (EDD / DIR TD: "owes current support or total > 0").
  db.exec(
    `CREATE TEMP TABLE mi_support AS
     SELECT cf.person_id, sum(c.monthly_current_support) AS current_support_cents
     FROM case_facts cf JOIN ce_cases c ON c.case_id = cf.case_id
     WHERE cf.is_open GROUP BY cf.person_id;
     CREATE UNIQUE INDEX temp.mi_support_pk ON mi_support (person_id);`,
  );

  db.exec(`CREATE TEMP TABLE mi_rec (${REC_COLUMNS})`);
  for (const sql of [eddSql(c), dirSql(c), insuranceSql(c), calpersSql(c), cslnSql(c), lumpSumSql(config)]) {
    db.prepare(`INSERT INTO mi_rec (${REC_COLUMNS}) ${sql}`).run({ d: businessDate });
  }
  db.exec(
    `CREATE TEMP TABLE mi_person AS SELECT DISTINCT r.person_id, o.primary_case_id
     FROM mi_rec r JOIN obligor_facts o ON o.person_id = r.person_id WHERE o.primary_case_id IS NOT NULL`,
  );
  db.exec(`CREATE TEMP TABLE mi_children AS ${childrenJsonSql()}`);
  db.exec('CREATE UNIQUE INDEX temp.mi_children_pk ON mi_children (case_id)');

  // The order in force: the latest ledger row of the key before D (ORG / AMD = in force, TRM = ended);
  // lump sums: any LUM of the key before D makes it once per claim.
  const endingGates = ENDING_GATES.map((g) => `'${g}'`).join(', ');
  const endingReasons = ENDING_REASONS.map((g) => `'${g}'`).join(', ');
  // a lump sum with nothing to tell the payer (lump-sum NO_ARREARS) is NO_CHANGE with its reason
  const noChangeReasons = LUMP_SUM_NO_CHANGE_REASONS.map((g) => `'${g}'`).join(', ');
  db.prepare(
    `CREATE TEMP TABLE mi_decision AS
     WITH m AS (
       SELECT r.*, o.primary_case_id, o.primary_lcsa_code, pcase.order_id, pcase.tribunal, o.total, o.principal, o.days_delinquent,
              o.cswn_sent_date, coalesce(cs.current_support_cents, 0) AS current_support_cents,
              prior.business_date AS prior_date, prior.action AS prior_action, prior.fein AS prior_fein,
              prior.person_id AS prior_person_id, prior.case_id AS prior_case_id, prior.lcsa_code AS prior_lcsa_code,
              prior.dtl_values AS prior_dtl, prior.decision_id AS prior_decision_id,
              coalesce(prior.action IN ('ORG', 'AMD'), 0) AS in_force,
              EXISTS (SELECT 1 FROM iwo_ledger l WHERE l.source = r.source AND l.ledger_key = r.ledger_key
                        AND l.business_date < :d AND l.action = 'LUM') AS lump_sent
       FROM mi_rec r
       JOIN obligor_facts o ON o.person_id = r.person_id
       LEFT JOIN mi_support cs ON cs.person_id = r.person_id
       LEFT JOIN ce_cases pcase ON pcase.case_id = o.primary_case_id
       LEFT JOIN iwo_ledger prior ON prior.source = r.source AND prior.ledger_key = r.ledger_key
        AND prior.business_date = (SELECT max(l.business_date) FROM iwo_ledger l
                                   WHERE l.source = r.source AND l.ledger_key = r.ledger_key AND l.business_date < :d)
     )
     SELECT m.*,
            CASE
              WHEN m.kind = 'LUMP' THEN
                CASE WHEN m.lump_sent THEN 'NONE' WHEN m.gate IS NULL AND m.own_reason IN (${noChangeReasons}) THEN 'NONE'
                     WHEN coalesce(m.gate, m.own_reason) IS NOT NULL THEN 'SUPPRESS' ELSE 'LUM' END
              WHEN m.intent = 'END' THEN CASE WHEN m.in_force THEN 'TRM' ELSE 'NONE' END
              WHEN m.gate IS NOT NULL THEN
                CASE WHEN m.in_force AND m.gate IN (${endingGates}) THEN 'TRM' WHEN m.in_force THEN 'NONE' ELSE 'SUPPRESS' END
              WHEN m.own_reason IS NOT NULL THEN
                CASE WHEN m.in_force AND m.own_reason IN (${endingReasons}) THEN 'TRM' WHEN m.in_force THEN 'NONE' ELSE 'SUPPRESS' END
              WHEN m.in_force THEN
                CASE WHEN json_extract(m.prior_dtl, '$.totalObligationAmount') = m.amount_cents
                          AND m.prior_fein = m.payer_fein AND m.prior_case_id = m.primary_case_id
                     THEN 'NONE' ELSE 'AMD' END
              ELSE 'ORG'
            END AS action
     FROM m`,
  ).run({ d: businessDate });
  markDuplicateClaims(db, businessDate);

  // Decisions: one per (source, ledger key).
  db.prepare(
    `INSERT INTO decisions (business_date, mechanism, subject_key, person_id, case_id, outcome,
                            reason_codes, amount_cents, facts, sources)
     SELECT :d, '${IWO_MECHANISM}', m.source || '|' || m.ledger_key, m.person_id,
            CASE m.action WHEN 'TRM' THEN m.prior_case_id ELSE m.primary_case_id END,
            CASE m.action WHEN 'ORG' THEN 'ISSUE' WHEN 'LUM' THEN 'ISSUE' WHEN 'AMD' THEN 'AMEND'
                          WHEN 'TRM' THEN 'TERMINATE' WHEN 'NONE' THEN 'NO_CHANGE' ELSE 'SUPPRESS' END,
            -- SUPPRESS: the first failing reason; TERMINATE: why the order ends (as employer IWOs)
            CASE m.action WHEN 'SUPPRESS' THEN coalesce(m.gate, m.own_reason)
                          WHEN 'TRM' THEN CASE WHEN m.intent = 'END' THEN 'CLAIM_ENDED' ELSE coalesce(m.gate, m.own_reason) END
                          ELSE CASE WHEN m.duplicate_of IS NOT NULL THEN 'DUPLICATE_MATCH'
                                    WHEN m.action = 'NONE' AND NOT m.lump_sent AND m.gate IS NULL AND m.own_reason IN (${noChangeReasons}) THEN m.own_reason
                                    ELSE '' END END,
            CASE WHEN m.action IN ('ORG', 'AMD', 'LUM') THEN m.amount_cents END,
            json_object(
              'action', CASE WHEN m.action IN ('ORG', 'AMD', 'TRM', 'LUM') THEN m.action END,
              'source', m.source, 'ledgerKey', m.ledger_key,
              'requested', CASE m.intent WHEN 'START' THEN CASE m.kind WHEN 'LUMP' THEN 'lump sum' ELSE 'withholding' END
                                         WHEN 'END' THEN 'end of withholding' ELSE 'nothing' END,
              'trigger', CASE WHEN m.action = 'TRM' THEN
                                CASE WHEN m.intent = 'END' THEN 'CLAIM_ENDED' ELSE coalesce(m.gate, m.own_reason) END END,
              'gate', m.gate, 'ownReason', m.own_reason,
              'amountCents', m.amount_cents, 'frequency', m.frequency, 'percentApplied', m.percent_applied,
              'payer', json_object('fein', m.payer_fein, 'name', m.payer_name, 'addressLine1', m.payer_address_line1,
                                   'city', m.payer_city, 'state', m.payer_state, 'zip5', m.payer_zip5,
                                   'source', m.payer_source),
              'primaryCaseId', m.primary_case_id, 'lcsaCode', m.primary_lcsa_code,
              'totalCents', m.total, 'principalCents', m.principal, 'currentSupportCents', m.current_support_cents,
              'daysDelinquent', m.days_delinquent, 'cswnSentDate', m.cswn_sent_date,
              'orderInForce', CASE WHEN m.in_force THEN json_object(
                  'since', m.prior_date, 'action', m.prior_action, 'fein', m.prior_fein, 'caseId', m.prior_case_id,
                  'totalObligationCents', json_extract(m.prior_dtl, '$.totalObligationAmount')) END,
              'lumpSumSent', CASE WHEN m.kind = 'LUMP' THEN m.lump_sent = 1 END,
              'duplicateOf', json(m.duplicate_of),
              'record', json(m.record_facts)),
            m.sources
     FROM mi_decision m
     ORDER BY m.source, m.ledger_key`,
  ).run({ d: businessDate });

  // Ledger rows of what is sent tonight: the new order / lump sum, or the end of the order in force.
  db.prepare(
    `INSERT INTO iwo_ledger (business_date, source, ledger_key, action, person_id, case_id, lcsa_code, fein,
                             current_support_cents, arrears_payment_cents, dtl_values, decision_id)
     SELECT :d, m.source, m.ledger_key, m.action,
            CASE m.action WHEN 'TRM' THEN m.prior_person_id ELSE m.person_id END,
            CASE m.action WHEN 'TRM' THEN m.prior_case_id ELSE m.primary_case_id END,
            CASE m.action WHEN 'TRM' THEN m.prior_lcsa_code ELSE m.primary_lcsa_code END,
            CASE m.action WHEN 'TRM' THEN m.prior_fein ELSE m.payer_fein END,
            0, 0,
            CASE m.action WHEN 'TRM' THEN json_patch(m.prior_dtl, ${TRM_DTL}) ELSE ${ORDER_DTL} END,
            d.decision_id
     FROM mi_decision m
     LEFT JOIN mi_children ch ON ch.case_id = m.primary_case_id
     -- CROSS JOIN keeps mi_decision outside: one index probe of decisions per row
     CROSS JOIN decisions d
     WHERE m.action IN ('ORG', 'AMD', 'TRM', 'LUM')
       AND d.business_date = :d AND d.mechanism = '${IWO_MECHANISM}' AND d.subject_key = m.source || '|' || m.ledger_key`,
  ).run({ d: businessDate });
  recordClaimKeys(db, businessDate);

  // Tasks: a payer the order cannot go to (from the suppressed winner), and every record loaded on
  // D on an ambiguous SSN (no person, case or LCSA). DIR PD / LS records are the worklist's.
  db.prepare(
    `CREATE TEMP TABLE mi_ambiguous AS
     SELECT 'edd' AS interface, f.file, f.sha256, x.line, x.weeklyBenefitAmount AS amount_cents
     FROM ${EDD} x JOIN inbound_files f ON f.file_id = x.file_id AND f.business_date = :d AND f.interface = 'edd' AND f.status = 'loaded'
     JOIN ambiguous_ssn s ON s.ssn = x.ssn
     UNION ALL
     SELECT 'dir-wc', f.file, f.sha256, x.line, CASE WHEN x.awardAmount > 0 THEN x.awardAmount ELSE x.weeklyBenefitRate END
     FROM ${DIR} x JOIN inbound_files f ON f.file_id = x.file_id AND f.business_date = :d AND f.interface = 'dir-wc' AND f.status = 'loaded'
     JOIN ambiguous_ssn s ON s.ssn = x.ssn
     WHERE x.benefitType NOT IN ('PD', 'LS')
     UNION ALL
     SELECT 'ocss-im', f.file, f.sha256, x.line, x.estimatedPaymentAmount
     FROM ${IM} x JOIN inbound_files f ON f.file_id = x.file_id AND f.business_date = :d AND f.interface = 'ocss-im' AND f.status = 'loaded'
     JOIN ambiguous_ssn s ON s.ssn = x.obligorSsn
     UNION ALL
     SELECT 'calpers', f.file, f.sha256, x.line, CASE WHEN x.benefitType = 'L' THEN x.lumpSumAmount ELSE x.monthlyGrossBenefit END
     FROM ${CALPERS} x JOIN inbound_files f ON f.file_id = x.file_id AND f.business_date = :d AND f.interface = 'calpers' AND f.status = 'loaded'
     JOIN ambiguous_ssn s ON s.ssn = x.ssn
     UNION ALL
     ${cslnAmbiguousSql()}
     UNION ALL ${LUMP_SUM_AMBIGUOUS_SQL}`,
  ).run({ d: businessDate });
  insertTasks(db, businessDate, IWO_MECHANISM, `
      SELECT m.task_type, coalesce(m.gate, m.own_reason) AS reason,
             m.primary_case_id AS case_id, m.primary_lcsa_code AS lcsa_code, m.person_id,
             m.interface AS source_interface, m.file AS source_file, m.sha256 AS source_sha256,
             m.line AS source_line, m.amount_cents, m.source || '|' || m.ledger_key AS subject_key
      FROM mi_decision m
      -- only when the payer is what stops the order (DOMAIN 6.2: the task comes "instead" of the
      -- IWO / LUM): a claim below threshold, closed or with nothing owed raises no payer task
      WHERE m.action = 'SUPPRESS' AND m.gate IS NULL AND m.task_type IS NOT NULL
        AND m.own_reason IN ('NO_FEIN', 'EMPLOYER_INCOMPLETE', 'INSURER_NOT_FEIN', ${LUMP_SUM_TASK_REASONS.map((r) => `'${r}'`).join(', ')})
      UNION ALL
      SELECT 'OTHER', 'AMBIGUOUS_SSN', NULL, NULL, NULL, a.interface, a.file, a.sha256, a.line, a.amount_cents,
             'AMBIGUOUS_SSN|' || a.interface || ':' || a.file || ':' || a.line
      FROM mi_ambiguous a`);
}
