/** A license_ledger row of an earlier night (an A by default), for the license rule and writer tests. */
type Row = Record<string, string | number | null>;

export function licenseLedgerRow(date: string, personId: string, board: string, over: Row = {}): Row {
  return {
    business_date: date,
    person_id: personId,
    board_code: board,
    action: 'A',
    certification_date: date,
    release_type: null,
    ssn: null,
    case_id: 'C1',
    lcsa_code: '037',
    license_number: `${board}-${personId}`,
    license_class: null,
    dtl_values: '{}',
    decision_id: 0,
    ...over,
  };
}
