/**
 * A small world for `csebatch report` (range 2026-10-01 .. 2026-11-30), every number of which
 * test/reports/report.test.ts derives by hand:
 *
 *   cases: C800-0001 (P8000001, LCSA 037), C800-0002 (P8000002, LCSA 019)
 *   SDU receipts:
 *     R1 10-03 C800-0001 WAGE   200.00 from 941111111     R6 10-20 C800-0002 NCP     100.00
 *     R2 10-10 C800-0001 FIDM   500.00                    R7 11-15 C800-0001 WAGE    200.00 from 941111111
 *     R3 12-15 C800-0001 FIDM   300.00 (after the range)  R8 09-28 C800-0001 WAGE     50.00 (before the range)
 *     R4 11-02 C800-0002 MSFIDM 400.00                    R9 10-25 C800-0002 INS     750.00 from 953333333
 *     R5 11-05 C800-0002 MSFIDM −400.00 reverses R4
 *   fop-collections loaded 11-20: TANF 037 +120.00; Non-TANF 019 +80.00 and adjustment −30.00
 *   ftb intercepts: 11-06 250.00 (certified under LCSA 037 on 09-15); 10-12 50.00 (no certification)
 *   levy orders: 10-01 P8000001 and P8000002 (plus a suppression and a task), 11-20 P8000001
 *   employer ORG: 10-01 C800-0001 / 941111111, 10-15 C800-0002 / 942222222, 11-01 C800-0001 / 941111111
 *   lump sums: 10-10 ocss-im C800-0002 / 953333333, 11-01 csln C800-0001 / 954444444
 */
import { caseRow, person, World } from './world.ts';

export function reportWorld(file?: string): World {
  const w = new World(file);
  w.addPerson(person('P8000001', { ssn: '900800001' }))
    .addPerson(person('P8000002', { ssn: '900800002' }))
    .addCase(caseRow('C800-0001', 'P8000001', { lcsa_code: '037' }))
    .addCase(caseRow('C800-0002', 'P8000002', { lcsa_code: '019' }));
  const sdu = w.addFile('sdu-payments', 'sdu.txt', '2026-12-16');
  const receipts: Array<[string, string, string, number, string, string | null, string | null]> = [
    ['R1', '2026-10-03', 'C800-0001', 20000, 'WAGE', '941111111', null],
    ['R2', '2026-10-10', 'C800-0001', 50000, 'FIDM', '330123456', null],
    ['R3', '2026-12-15', 'C800-0001', 30000, 'FIDM', '330123456', null],
    ['R4', '2026-11-02', 'C800-0002', 40000, 'MSFIDM', '130000001', null],
    ['R5', '2026-11-05', 'C800-0002', -40000, 'MSFIDM', '130000001', 'R4'],
    ['R6', '2026-10-20', 'C800-0002', 10000, 'NCP', null, null],
    ['R7', '2026-11-15', 'C800-0001', 20000, 'WAGE', '941111111', null],
    ['R8', '2026-09-28', 'C800-0001', 5000, 'WAGE', '941111111', null],
    ['R9', '2026-10-25', 'C800-0002', 75000, 'INS', '953333333', null],
  ];
  receipts.forEach(([id, date, caseId, cents, source, fein, reverses], i) => {
    w.addRow('sdu_receipts', {
      receipt_id: id,
      receipt_date: date,
      business_date: '2026-12-16',
      case_id: caseId,
      obligor_person_id: caseId === 'C800-0001' ? 'P8000001' : 'P8000002',
      amount_cents: cents,
      source_type: source,
      remitter_fein: fein,
      document_ref: null,
      reverses_receipt_id: reverses,
      file_id: sdu,
      line: i + 2,
    });
  });
  const fop = w.addFile('fop-collections', 'fop.txt', '2026-11-20');
  w.addStaged('fop-collections', 'tanfDetail', fop, { localCode: '037', caseId: 'C800-0001', collectionAmount: 12000, adjustmentAmount: 0 });
  w.addStaged('fop-collections', 'nonTanfDetail', fop, { localCode: '019', caseId: 'C800-0002', collectionAmount: 8000, adjustmentAmount: 0 });
  w.addStaged('fop-collections', 'nonTanfDetail', fop, { localCode: '019', caseId: 'C800-0002', collectionAmount: 0, adjustmentAmount: -3000 });
  const ftb = w.addFile('ftb', 'ftb.txt', '2026-11-20');
  w.addStaged('ftb', 'intercept', ftb, { recordType: 'C', ssn: '900800001', offsetDate: '2026-11-06', amountIntercepted: 25000 });
  w.addStaged('ftb', 'intercept', ftb, { recordType: 'C', ssn: '900800009', offsetDate: '2026-10-12', amountIntercepted: 5000 });
  w.addRow('ftb_ledger', { business_date: '2026-09-15', person_id: 'P8000001', action: 'A', certified: 1, ssn: '900800001', last_name: 'GARCIA', first_name: 'MARIA', case_id: 'C800-0001', lcsa_code: '037', amount_cents: 500000, decision_id: 0 });

  const decision = (date: string, mechanism: string, personId: string, caseId: string, outcome: string, reasons: string, cents: number | null) =>
    w.addRow('decisions', { business_date: date, mechanism, subject_key: `${personId}|${date}|${outcome}`, person_id: personId, case_id: caseId, outcome, reason_codes: reasons, amount_cents: cents, facts: '{}', sources: '[]' });
  decision('2026-10-01', 'levy', 'P8000001', 'C800-0001', 'ISSUE', '', 60000);
  decision('2026-10-01', 'levy', 'P8000002', 'C800-0002', 'ISSUE', '', 45000);
  decision('2026-10-01', 'levy', 'P8000002', 'C800-0002', 'SUPPRESS', 'BELOW_BALANCE_THRESHOLD', null);
  decision('2026-10-01', 'levy', 'P8000001', 'C800-0001', 'TASK', 'RETIREMENT_ACCOUNT', 1000);
  decision('2026-11-20', 'levy', 'P8000001', 'C800-0001', 'ISSUE', '', 30000);
  decision('2026-11-20', 'license', 'P8000002', 'C800-0002', 'SUPPRESS', 'SB1055_LOW_INCOME', null);
  decision('2026-09-15', 'levy', 'P8000001', 'C800-0001', 'ISSUE', '', 99999); // before the range

  const iwo = (date: string, source: string, action: string, caseId: string, fein: string) =>
    w.addRow('iwo_ledger', { business_date: date, source, ledger_key: `${caseId}|${fein}`, action, person_id: 'P', case_id: caseId, lcsa_code: null, fein, current_support_cents: 0, arrears_payment_cents: 0, dtl_values: '{}', decision_id: 0 });
  iwo('2026-10-01', 'employer', 'ORG', 'C800-0001', '941111111');
  iwo('2026-10-15', 'employer', 'ORG', 'C800-0002', '942222222');
  iwo('2026-11-01', 'employer', 'ORG', 'C800-0001', '941111111');
  iwo('2026-10-10', 'ocss-im', 'LUM', 'C800-0002', '953333333');
  iwo('2026-11-01', 'csln', 'LUM', 'C800-0001', '954444444');
  return w;
}

