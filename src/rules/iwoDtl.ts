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
