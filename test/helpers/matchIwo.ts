/**
 * Staged match records for the match IWO and worklist rule tests (DOMAIN 6.2): one function per
 * interface, with a record that is eligible by default, written through World.addStaged.
 */
import type { World } from './world.ts';

type Row = Record<string, string | number | null>;

export const SSN = '111223333';

export function addEdd(w: World, fileId: number, over: Row = {}): number {
  return w.addStaged('edd', 'detail', fileId, {
    recordType: 'D', ssn: SSN, lastName: 'GARCIA', firstName: 'MARIA', claimType: 'U', claimId: 'EDD000000123',
    claimEffectiveDate: '2026-10-01', claimStatus: 'A', weeklyBenefitAmount: 45002, ...over,
  });
}

export function addDir(w: World, fileId: number, over: Row = {}): number {
  return w.addStaged('dir-wc', 'detail', fileId, {
    recordType: 'D', ssn: SSN, lastName: 'GARCIA', firstName: 'MARIA', claimNumber: 'WC-2026-0001',
    claimsAdministratorName: 'STATE COMPENSATION INSURANCE FUND', claimsAdministratorFein: '946000321',
    administratorAddressLine1: 'PO BOX 8192', administratorAddressLine2: null, administratorCity: 'PLEASANTON',
    administratorState: 'CA', administratorZip: '945888192', employerName: 'ACME', dateOfInjury: '2026-08-01',
    benefitType: 'TD', weeklyBenefitRate: 80002, awardAmount: 0, claimStatus: 'O', ...over,
  });
}

export function addInsurance(w: World, fileId: number, over: Row = {}): number {
  return w.addStaged('ocss-im', 'detail', fileId, {
    recordType: 'D', insurerProcessingDate: '2026-11-01', obligorSsn: SSN, obligorLastName: 'GARCIA',
    insurerIdentifier: '136000001', insurerName: 'GOOD HANDS INSURANCE CO', insurerAddressLine1: '2775 SANDERS RD',
    insurerAddressLine2: null, claimNumber: 'BI-77', claimType: 'BI', claimStatus: 'O', estimatedPaymentAmount: 300000,
    insurerCity: 'NORTHBROOK', insurerState: 'IL', insurerZip: '60062', matchDate: '2026-11-15', ...over,
  });
}

export function addCalpers(w: World, fileId: number, over: Row = {}): number {
  return w.addStaged('calpers', 'detail', fileId, {
    recordType: 'D', ssn: SSN, lastName: 'GARCIA', firstName: 'MARIA', memberId: 'M00000000042', benefitType: 'R',
    monthlyGrossBenefit: 500000, lumpSumAmount: 0, retirementStatus: 'A', ...over,
  });
}

export function addTsp(w: World, fileId: number, over: Row = {}): number {
  return w.addStaged('tsp', 'detail', fileId, {
    recordType: 'D', ssn: SSN, lastName: 'GARCIA', firstName: 'MARIA', tspAccountNumber: 'TSP0000000001',
    accountBalance: 300000, balanceAsOfDate: '2026-09-30', serviceType: 'C', separated: 'N', loanOutstanding: 'N', ...over,
  });
}

/** A row of iwo_ledger with its DTL values decoded. */
export interface IwoLedgerRow {
  business_date: string;
  source: string;
  ledger_key: string;
  action: string;
  person_id: string;
  case_id: string;
  lcsa_code: string | null;
  fein: string;
  current_support_cents: number;
  arrears_payment_cents: number;
  dtl: Record<string, unknown>;
}

/** D's iwo_ledger rows (every source), by source then key. */
export function iwoLedger(w: World, date: string): IwoLedgerRow[] {
  const rows = w.db
    .prepare('SELECT * FROM iwo_ledger WHERE business_date = ? ORDER BY source, ledger_key')
    .all(date) as Array<Omit<IwoLedgerRow, 'dtl'> & { dtl_values: string }>;
  return rows.map(({ dtl_values, ...r }) => ({ ...r, dtl: JSON.parse(dtl_values) as Record<string, unknown> }));
}

/** An employer's lump-sum report (lump-sum detail): a $4,000.00 bonus paid after D by FEIN 941111111. */
export function addLumpSum(w: World, fileId: number, over: Row = {}): number {
  return w.addStaged('lump-sum', 'detail', fileId, {
    recordType: 'D', employerFein: '941111111', employerName: 'ACME WIDGETS INCORPORATED', employeeSsn: SSN,
    employeeLastName: 'GARCIA', employeeFirstName: 'MARIA', employeeMiddleName: null, paymentType: 'BON',
    grossAmount: 400000, expectedPaymentDate: '2026-12-04', reportDate: '2026-11-18', ...over,
  });
}
