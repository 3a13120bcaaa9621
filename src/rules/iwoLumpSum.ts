/**
 * Lump-sum IWOs from employers' lump-sum and bonus reports (`lump-sum`, issue 12 section 4): one
 * match-IWO source of src/rules/iwoMatch.ts (ledger source `lump-sum`, key
 * `<person>|<employer FEIN>|<expected payment date>|<payment type>`: once per FEIN, SSN, payment
 * date and payment type, the SSN standing for the one person it matches). The IWO mechanism turns
 * the winning record of each key into a LUM e-IWO to the employer, a NO_CHANGE or a SUPPRESS.
 *
 * Order: the gates DECEASED, NO_OPEN_CASE, BANKRUPTCY_STAY (no CSWN gate: a report from the
 * employer itself, not a data match; DOMAIN 5 names none for it), then
 * - NO_ARREARS: the obligor's `total` is 0 → NO_CHANGE (the employer is told nothing);
 * - NO_LUMP_SUM: the gross amount is 0 (nothing to withhold from);
 * - PAYMENT_DATE_PASSED: the expected payment date is before D → task LUMP_SUM_LATE_REPORT instead
 *   of an IWO (the money is paid out already; a caseworker follows up with the employer);
 * - NO_FEIN / EMPLOYER_INCOMPLETE: the e-IWO goes to the address of the FEIN on file (case-extract
 *   employers.csv, the lowest employer id of the FEIN whose address is complete); none on file →
 *   task OTHER.
 * Otherwise LUM for min(`total`, lumpSum.withholdPercent % of the gross amount), CCPA field = the
 * percentage applied (as CalPERS lump sums). A key already sent a LUM is NO_CHANGE.
 */
import type { Config } from '../config.ts';
import { stagingTableName } from '../store/staging.ts';
import { firstGateSql } from './derived.ts';
import type { GateReason } from './derived.ts';
import { percentOf, sourceSql, zip5, zipExt } from './iwoMatch.ts';

export const LUMP_SUM = 'lump-sum';
const LUMP = stagingTableName(LUMP_SUM, 'detail');

/** Reason codes of lump-sum reports after the gates, in the order they apply. */
export const LUMP_SUM_REASONS = ['NO_ARREARS', 'NO_LUMP_SUM', 'PAYMENT_DATE_PASSED', 'NO_FEIN', 'EMPLOYER_INCOMPLETE'] as const;
/** Own reasons that are NO_CHANGE rather than SUPPRESS: there is nothing to tell the employer. */
export const LUMP_SUM_NO_CHANGE_REASONS = ['NO_ARREARS'] as const;
/** Own reasons whose suppression raises the record's task (LUMP_SUM_LATE_REPORT, OTHER). */
export const LUMP_SUM_TASK_REASONS = ['PAYMENT_DATE_PASSED'] as const;
export const TASK_LUMP_SUM_LATE = 'LUMP_SUM_LATE_REPORT';

const GATES: GateReason[] = ['DECEASED', 'NO_OPEN_CASE', 'BANKRUPTCY_STAY'];
const NINE_DIGITS = "GLOB '[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'";

/** The lump-sum reports loaded on D as `mi_rec` rows (see iwoMatch.ts `sourceSql`). */
export function lumpSumSql(config: Config): string {
  const pct = config.lumpSum.withholdPercent;
  const share = percentOf('r.gross', pct);
  const incomplete = 'e.employer_id IS NULL';
  return sourceSql(
    LUMP_SUM,
    `SELECT s.person_id || '|' || x.employerFein || '|' || x.expectedPaymentDate || '|' || x.paymentType AS rec_key,
            s.person_id, f.file, f.sha256, x.line,
            CASE WHEN x.employerFein ${NINE_DIGITS} AND x.employerFein <> '000000000' THEN x.employerFein END AS fein,
            x.employerName AS reported_name, x.paymentType AS payment_type, coalesce(x.grossAmount, 0) AS gross,
            x.expectedPaymentDate AS payment_date, x.reportDate AS report_date
     FROM ${LUMP} x JOIN inbound_files f ON f.file_id = x.file_id
       AND f.business_date = :d AND f.interface = '${LUMP_SUM}' AND f.status = 'loaded'
     JOIN ssn_owner s ON s.ssn = x.employeeSsn AND NOT s.ambiguous`,
    `'LUMP', 'START',
     min(o.total, ${share}), '', NULL, ${pct},
     r.fein, coalesce(e.name, r.reported_name), e.address_line1, e.address_line2, e.city, e.state,
     ${zip5('e.zip')}, ${zipExt('e.zip')},
     CASE WHEN e.employer_id IS NOT NULL THEN 'case-extract:employers.csv:' || e.employer_id ELSE '${LUMP_SUM}:' || r.file || ':' || r.line END,
     ${firstGateSql(GATES)},
     CASE WHEN o.total <= 0 THEN 'NO_ARREARS'
          WHEN r.gross <= 0 THEN 'NO_LUMP_SUM'
          WHEN r.payment_date < :d THEN 'PAYMENT_DATE_PASSED'
          WHEN r.fein IS NULL THEN 'NO_FEIN'
          WHEN ${incomplete} THEN 'EMPLOYER_INCOMPLETE' END,
     CASE WHEN o.total > 0 AND r.gross > 0 AND r.payment_date < :d THEN '${TASK_LUMP_SUM_LATE}'
          WHEN r.fein IS NULL OR ${incomplete} THEN 'OTHER' END,
     json_object('employerFein', r.fein, 'reportedEmployerName', r.reported_name, 'paymentType', r.payment_type,
                 'grossCents', r.gross, 'expectedPaymentDate', r.payment_date, 'reportDate', r.report_date,
                 'withholdPercent', ${pct}, 'percentOfGrossCents', ${share})`,
    // the employer on file for the FEIN: the lowest employer id with a complete address
    `LEFT JOIN (SELECT x.fein, min(x.employer_id) AS employer_id FROM ce_employers x
               WHERE x.name IS NOT NULL AND x.address_line1 IS NOT NULL AND x.city IS NOT NULL
                 AND x.state IS NOT NULL AND x.zip IS NOT NULL
               GROUP BY x.fein) pe ON pe.fein = r.fein
     LEFT JOIN ce_employers e ON e.employer_id = pe.employer_id`,
  );
}

/** Reports loaded on D on an ambiguous SSN (one task OTHER each, as every match source). */
export const LUMP_SUM_AMBIGUOUS_SQL = `
     SELECT '${LUMP_SUM}', f.file, f.sha256, x.line, x.grossAmount
     FROM ${LUMP} x JOIN inbound_files f ON f.file_id = x.file_id AND f.business_date = :d AND f.interface = '${LUMP_SUM}' AND f.status = 'loaded'
     JOIN ambiguous_ssn s ON s.ssn = x.employeeSsn`;
