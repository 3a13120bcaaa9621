/**
 * e-IWO detail values the IWO rules share (DOMAIN 6.1-6.2): the obligations a document does not
 * carry (zero with a blank frequency), and what a TRM carries instead of the order's amounts.
 * SQL fragments of `json_object(...)` arguments, for the ledger's `dtl_values`.
 */

/** `'<name>Amount', 0, '<name>Frequency', NULL` for each obligation named. */
function zeroObligations(names: readonly string[]): string {
  return names.map((n) => `'${n}Amount', 0, '${n}Frequency', NULL`).join(',\n  ');
}

/** Cash medical, spousal and other obligations: always zero with a blank frequency (DOMAIN 6.1). */
export const OTHER_OBLIGATIONS_ZERO = zeroObligations([
  'currentCashMedicalSupport',
  'pastDueCashMedicalSupport',
  'currentSpousalSupport',
  'pastDueSpousalSupport',
  'otherObligation',
]);

/**
 * A TRM: zero amounts, blank frequencies, zero per-pay totals and CCPA, 12-weeks flag N, no lump
 * sum (DOMAIN 6.1). Patched over (or with) the payer and children last sent.
 */
export const TRM_DTL = `json_object(
  'documentActionCode', 'TRM',
  ${zeroObligations(['currentChildSupport', 'pastDueChildSupport', 'totalObligation'])},
  ${OTHER_OBLIGATIONS_ZERO},
  'arrearsGreaterThan12Weeks', 'N',
  'withholdPerWeeklyPay', 0, 'withholdPerBiweeklyPay', 0, 'withholdPerSemimonthlyPay', 0, 'withholdPerMonthlyPay', 0,
  'ccpaPercentLimit', 0, 'lumpSumPaymentAmount', 0)`;

/** Children named on a document: the first six of the case by numeric child_seq (DOMAIN 6.1; 6.3 "as in 6.1"). */
export const MAX_CHILDREN = 6;

/** e-IWO child fields (`child<n><field>`) and their ce_children columns, in layout order. */
export const CHILD_FIELDS: ReadonlyArray<readonly [string, string]> = [
  ['LastName', 'last_name'],
  ['FirstName', 'first_name'],
  ['MiddleName', 'middle_name'],
  ['Suffix', 'suffix'],
  ['BirthDate', 'dob'],
];

/**
 * The `ce_children` rows (every column) of the cases `caseIdsSql` selects, numbered `rn` from 1 by
 * numeric child_seq, the first MAX_CHILDREN of each case.
 */
export function firstChildrenSql(caseIdsSql: string): string {
  return `SELECT * FROM (SELECT ch.*, row_number() OVER (PARTITION BY ch.case_id ORDER BY CAST(ch.child_seq AS INTEGER)) AS rn
                         FROM ce_children ch WHERE ch.case_id IN (${caseIdsSql}))
          WHERE rn <= ${MAX_CHILDREN}`;
}
