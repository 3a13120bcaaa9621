/**
 * Generates benchmark-sized files of the other inbound interfaces for one night: ocss-im, dir-wc,
 * calpers, tsp, edd, ftb, fop-collections and fop-rejects, one valid file each under
 * `<dateDir>/<id>/`, to go beside the case extract and FIDM/MSFIDM files of generate-night.ts.
 *
 *   node bin/run-ts.js scripts/generate-inbound.ts --inbox bench/inbox --date 2026-11-20 \
 *     [--cases 1000000] [--seed 42] [--edd 300000] [--ftb 1000000] ...
 *
 * Every record is formatted by the codec of its layout (no position here), trailers are filled by
 * createFileFormatter (counts and sums as a reader recomputes them), output goes through a 4 MiB
 * buffered sink. Deterministic: the same arguments give the same bytes. About 90% of the detail
 * records carry the SSN of an obligor of generate-night.ts (`ssnOf(i)`, i in 1..cases), the rest an
 * SSN of nobody (800000000-899999999). Every code of every coded field occurs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { compileLayout } from '../src/layout/codec.ts';
import { createFileFormatter } from '../src/layout/controls.ts';
import { fixedLayout } from '../src/layout/registry.ts';
import type { RecordValues } from '../src/types.ts';
import { FIRST_NAMES, isoDaysBefore, LAST_NAMES, LineSink, rng, ssnOf } from './generate-common.ts';

export type OtherInboundId = 'ocss-im' | 'dir-wc' | 'calpers' | 'tsp' | 'edd' | 'ftb' | 'fop-collections' | 'fop-rejects';
export type InboundCounts = Record<OtherInboundId, number>;

export const DEFAULT_INBOUND_COUNTS: InboundCounts = {
  'ocss-im': 20_000,
  'dir-wc': 50_000,
  calpers: 100_000,
  tsp: 50_000,
  edd: 300_000,
  ftb: 1_000_000,
  'fop-collections': 10_000,
  'fop-rejects': 10_000,
};

const LAST = LAST_NAMES;
const FIRST = FIRST_NAMES;
const COUNTIES = ['037', '073', '019', '067', '001', '085', '065', '071'];

/** ISO dates `date` − 0 … `date` − (days − 1), computed once (Date formatting per record is slow). */
function daysBefore(date: string, days: number): string[] {
  return Array.from({ length: days }, (_, d) => isoDaysBefore(date, d));
}

/** One interface file: header (house style), details from `detail(k)`, trailer from the formatter. */
function writeFile(
  file: string,
  id: OtherInboundId,
  date: string,
  n: number,
  detail: (k: number) => [recordName: string, values: RecordValues],
  trailerExtra: () => RecordValues = () => ({}),
): void {
  const compiled = compileLayout(fixedLayout(id));
  const formatter = createFileFormatter(compiled);
  const sink = new LineSink(file);
  const first = compiled.records.find((r) => r.occurs === 'first');
  const last = compiled.records.find((r) => r.occurs === 'last')!;
  if (first !== undefined) sink.line(formatter.format(first.name, { fileCreationDate: date, businessDate: date, fileSequence: '000047' }).line);
  for (let k = 0; k < n; k++) {
    const [name, values] = detail(k);
    sink.line(formatter.format(name, values).line);
  }
  sink.line(formatter.format(last.name, trailerExtra()).line);
  sink.close();
}

export function generateOtherInbound(
  dateDir: string,
  date: string,
  cases: number,
  seed: number,
  counts: Partial<InboundCounts> = DEFAULT_INBOUND_COUNTS,
): Record<OtherInboundId, string> {
  const n: InboundCounts = { ...DEFAULT_INBOUND_COUNTS, ...counts };
  const r = rng(seed + 7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const cents = (maxDollars: number) => Math.floor(r() * maxDollars * 100);
  /** 90% an obligor's SSN, else nobody's */
  const ssn = (): string => (r() < 0.9 ? ssnOf(1 + Math.floor(r() * cases)) : String(800_000_000 + Math.floor(r() * 99_999_999)));
  const births = daysBefore('2000-01-01', 12_000);
  const past = daysBefore(date, 3_001);
  // Values objects are written as plain literals, never with spread/rest: one hidden class per
  // record type keeps both building them and the codec's format ~2-10x faster (measured).
  const last = (k: number) => LAST[k % LAST.length]!;
  const first = (k: number) => FIRST[k % FIRST.length]!;
  const dob = () => births[Math.floor(r() * births.length)]!;
  /** a date in [date − maxDays, date − 1] (maxDays ≤ 3000) */
  const recent = (maxDays: number) => past[1 + Math.floor(r() * maxDays)]!;
  const files = {} as Record<OtherInboundId, string>;
  const out = (id: OtherInboundId, name: string) => (files[id] = path.join(dateDir, id, name));
  const ymd = date.replaceAll('-', '');

  const claimTypes = ['BI', 'WC', 'UM', 'LI', 'DI', 'AN', 'OT'];
  writeFile(out('ocss-im', `OCSSIM_CA_${ymd}.txt`), 'ocss-im', date, n['ocss-im'], (k) => {
    const obligorSsn = ssn();
    return ['detail', {
      insurerProcessingDate: recent(14),
      claimantSsn: k % 10 === 0 ? null : obligorSsn,
      obligorSsn,
      obligorLastName: last(k),
      obligorFirstName: first(k),
      insurerIdentifier: k % 50 === 0 ? `ISO${String(k % 1_000_000).padStart(6, '0')}` : String(940_000_000 + (k % 300)),
      insurerName: `INSURER ${k % 300}`,
      insurerAddressLine1: `${k % 300} INSURANCE PLZ`,
      claimNumber: `CLM-${ymd}-${k}`,
      claimType: claimTypes[k % claimTypes.length]!,
      dateOfLoss: recent(700),
      claimStatus: pick(['O', 'C', 'S']),
      estimatedPaymentAmount: cents(50_000),
      claimantDob: dob(),
      insurerCity: 'SACRAMENTO',
      insurerState: 'CA',
      insurerZip: '95814',
      insurerContactPhone: '9165550100',
      matchDate: recent(7),
    }];
  });

  const benefitTypes = ['TD', 'PD', 'DB', 'LS'];
  writeFile(out('dir-wc', `DIRWC_${ymd}.txt`), 'dir-wc', date, n['dir-wc'], (k) => {
    const type = benefitTypes[k % benefitTypes.length]!;
    return ['detail', {
      ssn: ssn(), lastName: last(k), firstName: first(k), dob: dob(),
      wcabCaseNumber: k % 3 === 0 ? `ADJ${10_000_000 + k}` : null,
      claimNumber: `WC-${k}`,
      claimsAdministratorName: `CLAIMS ADMINISTRATOR ${k % 200}`,
      claimsAdministratorFein: k % 20 === 0 ? null : String(770_000_000 + (k % 200)),
      administratorAddressLine1: `${k % 200} CLAIMS WAY`,
      administratorCity: 'FRESNO',
      administratorState: 'CA',
      administratorZip: '93721',
      employerName: `EMPLOYER ${k % 5000} INC`,
      dateOfInjury: recent(900),
      benefitType: type,
      weeklyBenefitRate: type === 'TD' || type === 'PD' ? 23_000 + cents(1_400) : 0,
      awardAmount: type === 'TD' ? 0 : cents(80_000),
      awardDate: type === 'TD' ? null : recent(60),
      claimStatus: pick(['O', 'C']),
    }];
  });

  const calpersTypes = ['R', 'D', 'S', 'L'];
  writeFile(out('calpers', `CALPERS_${ymd.slice(0, 6)}.txt`), 'calpers', date, n.calpers, (k) => {
    const type = calpersTypes[k % calpersTypes.length]!;
    return ['detail', {
      ssn: ssn(), lastName: last(k), firstName: first(k), dob: dob(),
      memberId: `CP${String(k).padStart(10, '0')}`,
      benefitType: type,
      monthlyGrossBenefit: type === 'L' ? 0 : 50_000 + cents(8_000),
      benefitStartDate: type === 'L' ? null : recent(3_000),
      lumpSumAmount: type === 'L' ? cents(60_000) : 0,
      lumpSumPayableDate: type === 'L' ? isoDaysBefore(date, -30) : null,
      retirementStatus: pick(['A', 'A', 'A', 'S', 'T']),
    }];
  });

  writeFile(out('tsp', `TSP_${ymd}.txt`), 'tsp', date, n.tsp, (k) => ['detail', {
    ssn: ssn(), lastName: last(k), firstName: first(k), dob: dob(),
    tspAccountNumber: `TSP${String(k).padStart(10, '0')}`,
    accountBalance: cents(250_000),
    balanceAsOfDate: recent(60),
    employingAgency: pick(['US NAVY', 'US ARMY', 'US POSTAL SERVICE', 'DEPT OF VETERANS AFFAIRS', 'SOCIAL SECURITY ADMINISTRATION']),
    serviceType: k % 2 === 0 ? 'C' : 'U',
    separated: pick(['Y', 'N']),
    loanOutstanding: pick(['Y', 'N']),
  }]);

  const eddTypes = ['U', 'U', 'U', 'D', 'D', 'P'];
  writeFile(out('edd', `EDD_CLAIMS_${ymd}.txt`), 'edd', date, n.edd, (k) => {
    const type = eddTypes[k % eddTypes.length]!;
    return ['detail', {
      ssn: ssn(), lastName: last(k), firstName: first(k), dob: dob(),
      claimType: type,
      claimId: `${type === 'P' ? 'PF' : type === 'D' ? 'DI' : 'UI'}${String(k).padStart(10, '0')}`,
      claimEffectiveDate: recent(400),
      claimStatus: pick(['A', 'A', 'E', 'T']),
      weeklyBenefitAmount: 4_000 + cents(1_580),
      lastPaymentDate: recent(30),
      countyCode: COUNTIES[k % COUNTIES.length]!,
    }];
  });

  const sources = ['R', 'L', 'U'];
  const filing = ['S', 'J', 'M', 'H', 'W'];
  writeFile(out('ftb', `FTB_IIC_${ymd}.txt`), 'ftb', date, n.ftb, (k) => {
    if (k % 4 === 0) {
      const source = sources[(k >>> 2) % sources.length]!;
      return ['intercept', {
        ssn: ssn(), lastName: last(k), firstName: first(k),
        interceptSource: source,
        taxYear: source === 'R' ? '2025' : '0000',
        offsetDate: recent(10),
        amountIntercepted: cents(3_000),
        ftbReference: `IIC${ymd}${String(k).padStart(9, '0')}`,
      }];
    }
    return ['income', {
      ssn: ssn(), lastName: last(k), firstName: first(k),
      taxYear: '2025',
      filingStatus: filing[k % filing.length]!,
      householdAdjustedGrossIncome: cents(200_000),
      householdSize: String(1 + (k % 6)),
      countyCode: COUNTIES[k % COUNTIES.length]!,
    }];
  });

  const offsetTypes = ['TAX', 'SAL', 'RET', 'VEN', 'ADM', 'MPY'];
  let collected = 0;
  let adjusted = 0;
  writeFile(out('fop-collections', `FOP_COLL_${ymd}.txt`), 'fop-collections', date, n['fop-collections'], (k) => {
    const adjustment = k % 10 === 0;
    const amount = 100 + cents(2_500);
    const signed = adjustment && k % 20 === 0 ? -amount : amount;
    if (adjustment) adjusted += signed;
    else collected += amount;
    const tanf = k % 3 === 0;
    return [tanf ? 'tanfDetail' : 'nonTanfDetail', {
      localCode: COUNTIES[k % COUNTIES.length]!,
      ssn: ssn(),
      caseId: `C${String(1 + (k % Math.max(1, cases))).padStart(9, '0')}`,
      lastName: LAST[k % LAST.length]!,
      firstName: FIRST[k % FIRST.length]!,
      certifiedArrearageAmount: 50_000 + cents(20_000),
      collectionAmount: adjustment ? 0 : amount,
      adjustmentAmount: adjustment ? signed : 0,
      adjustmentYear: adjustment ? '2026' : '0000',
      offsetYear: '2026',
      jointReturnIndicator: adjustment ? '3' : '0',
      offsetType: offsetTypes[Math.floor(k / 3) % offsetTypes.length]!, // every type in both case types
      injuredSpouseIndicator: tanf ? 'N' : adjustment ? 'Y' : 'N',
    }];
  }, () => ({ netAmount: collected - adjusted })); // not a control: collections minus adjustments (ICD, inferred)

  const transactions = ['A', 'B', 'C', 'D', 'L', 'M', 'R', 'S', 'T', 'Z'];
  const errors = ['02', '03', '05', '12', '17', '19', '29', '32', '33', '38', '40'];
  writeFile(out('fop-rejects', `FOP_REJ_${ymd}.txt`), 'fop-rejects', date, n['fop-rejects'], (k) => {
    // one to six error codes (the sixth a warning 47); every 11th record is a warning 47 only
    const many = k % 11 === 0 ? 1 : 1 + (k % 6);
    const code = (e: number) => (e > many ? null : e === 6 || k % 11 === 0 ? '47' : errors[(k + e) % errors.length]!);
    const type = transactions[k % transactions.length]!;
    return [k % 3 === 0 ? 'tanfDetail' : 'nonTanfDetail', {
      localCode: COUNTIES[k % COUNTIES.length]!,
      ssn: ssn(),
      caseId: `C${String(1 + (k % Math.max(1, cases))).padStart(9, '0')}`,
      lastName: LAST[k % LAST.length]!,
      firstName: FIRST[k % FIRST.length]!,
      arrearageAmount: type === 'A' || type === 'M' || type === 'S' ? Math.floor(r() * 50_000) : null,
      transactionType: type,
      transferState: type === 'T' ? 'NV' : null,
      processYear: type === 'S' ? '2025' : null,
      addressLine1: type === 'A' || type === 'Z' ? `${k} MAIN ST` : null,
      city: type === 'A' || type === 'Z' ? 'LOS ANGELES' : null,
      state: type === 'A' || type === 'Z' ? 'CA' : null,
      zip: type === 'A' || type === 'Z' ? '90012' : null,
      preOffsetNoticeDate: type === 'A' ? '2024-01-15' : null,
      errorCode1: code(1),
      errorCode2: code(2),
      errorCode3: code(3),
      errorCode4: code(4),
      errorCode5: code(5),
      errorCode6: code(6),
    }];
  }, () => ({
    // F-2 counts cover the whole OCSS cycle (accepted transactions too): no control, any values
    tanfAccepted: '000100000', tanfRejected: String(Math.ceil(n['fop-rejects'] / 3)), nonTanfAccepted: '000250000',
    nonTanfRejected: String(n['fop-rejects'] - Math.ceil(n['fop-rejects'] / 3)), tanfWarning: '000000000', nonTanfWarning: '000000000',
  }));
  return files;
}

if (process.argv[1]?.endsWith('generate-inbound.ts')) {
  const { values } = parseArgs({
    options: {
      inbox: { type: 'string', default: 'bench/inbox' },
      date: { type: 'string', default: '2026-11-20' },
      cases: { type: 'string', default: '1000000' },
      seed: { type: 'string', default: '42' },
      ...Object.fromEntries(Object.keys(DEFAULT_INBOUND_COUNTS).map((id) => [id, { type: 'string' as const }])),
    },
  });
  const counts: Partial<InboundCounts> = {};
  for (const id of Object.keys(DEFAULT_INBOUND_COUNTS) as OtherInboundId[]) {
    const v = (values as Record<string, string | undefined>)[id];
    if (v !== undefined) counts[id] = Number(v);
  }
  const dateDir = path.join(values.inbox!, values.date!);
  const t = performance.now();
  const files = generateOtherInbound(dateDir, values.date!, Number(values.cases), Number(values.seed), counts);
  const seconds = (performance.now() - t) / 1000;
  const sizes = Object.fromEntries(Object.entries(files).map(([id, f]) => [id, fs.statSync(f).size]));
  console.log(JSON.stringify({ generated: dateDir, counts: { ...DEFAULT_INBOUND_COUNTS, ...counts }, bytes: sizes, seconds: Number(seconds.toFixed(2)) }));
}
