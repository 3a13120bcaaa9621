/**
 * Bench generator of the collections interfaces (issue 12) at California volume: one sdu-payments
 * file (about 3M receipts a month: 100,000 a night) and one lump-sum file (5,000 employer reports)
 * for business date D, for the obligors and employers of the generated case extract
 * (scripts/generate-night.ts: case i = C<i, 9 digits>, obligor P<i> with SSN ssnOf(i), employer
 * E<1 + i mod employers> with FEIN 900000000 + its number). Called by generate-night.ts.
 *
 * Of the receipts: 1% are reversals (negative, naming an earlier receipt of the file), 0.5%
 * retransmissions of an earlier line (same receipt id and content: counted duplicates); 45% are
 * WAGE from the case's employer, the rest spread over the other source types. 10% of the records
 * carry an SSN that belongs to nobody.
 */
import path from 'node:path';
import { compileLayout } from '../src/layout/codec.ts';
import { createFileFormatter } from '../src/layout/controls.ts';
import { fixedLayout } from '../src/layout/registry.ts';
import type { RecordValues } from '../src/types.ts';
import { FIRST_NAMES, isoDaysBefore, LAST_NAMES, LineSink, rng, ssnOf } from './generate-common.ts';

export const DEFAULT_COLLECTION_COUNTS = { 'sdu-payments': 100_000, 'lump-sum': 5_000 };

const SOURCES = ['UIB', 'DIB', 'WC', 'IRS', 'FTB', 'FIDM', 'MSFIDM', 'INS', 'LIEN', 'LUM', 'CALPERS', 'NCP', 'NCP', 'NCP', 'OJ', 'OTH'];
const PAYMENT_TYPES = ['BON', 'BON', 'COM', 'SEV', 'VAC', 'RET', 'OTH'];

function writeFile(file: string, id: string, date: string, n: number, detail: (k: number) => RecordValues): void {
  const compiled = compileLayout(fixedLayout(id));
  const formatter = createFileFormatter(compiled);
  const sink = new LineSink(file);
  sink.line(formatter.format('header', { fileCreationDate: date, businessDate: date, fileSequence: '000047' }).line);
  for (let k = 0; k < n; k++) sink.line(formatter.format('detail', detail(k)).line);
  sink.line(formatter.format('trailer', {}).line);
  sink.close();
}

/** Writes `<dateDir>/sdu-payments/SDU_PAY_<D>.txt` and `<dateDir>/lump-sum/LUMP_SUM_<D>.txt`; `scale` multiplies the default counts. */
export function generateCollections(dateDir: string, date: string, cases: number, seed: number, scale = 1): Record<string, string> {
  const r = rng(seed + 12);
  const ymd = date.replaceAll('-', '');
  const employers = Math.max(1, Math.floor(cases / 20));
  const past = Array.from({ length: 60 }, (_, d) => isoDaysBefore(date, d));
  const future = Array.from({ length: 45 }, (_, d) => isoDaysBefore(date, -d));
  const nSdu = Math.max(1, Math.round(DEFAULT_COLLECTION_COUNTS['sdu-payments'] * scale));
  const nLump = Math.max(1, Math.round(DEFAULT_COLLECTION_COUNTS['lump-sum'] * scale));
  const files = {
    'sdu-payments': path.join(dateDir, 'sdu-payments', `SDU_PAY_${ymd}.txt`),
    'lump-sum': path.join(dateDir, 'lump-sum', `LUMP_SUM_${ymd}.txt`),
  };
  const caseOf = () => 1 + Math.floor(r() * cases);
  const feinOf = (i: number) => String(900_000_000 + 1 + (i % employers));

  const written: RecordValues[] = [];
  writeFile(files['sdu-payments'], 'sdu-payments', date, nSdu, (k) => {
    const u = r();
    if (k > 0 && u < 0.005) return written[Math.floor(r() * written.length)]!; // retransmission
    if (k > 0 && u < 0.015) {
      const original = written[Math.floor(r() * written.length)]!;
      const v: RecordValues = {
        receiptId: `R${ymd}-${k}`, receiptDate: date, caseId: original.caseId!, obligorSsn: original.obligorSsn!,
        amount: -(original.amount as number), sourceType: original.sourceType!, remitterFein: original.remitterFein ?? null,
        documentReference: original.documentReference ?? null, reversesReceiptId: original.receiptId!,
      };
      return v;
    }
    const i = caseOf();
    const wage = r() < 0.45;
    const source = wage ? 'WAGE' : SOURCES[Math.floor(r() * SOURCES.length)]!;
    const v: RecordValues = {
      receiptId: `R${ymd}-${k}`, receiptDate: past[Math.floor(r() * past.length)]!, caseId: `C${String(i).padStart(9, '0')}`,
      obligorSsn: r() < 0.9 ? ssnOf(i) : String(800_000_000 + Math.floor(r() * 99_999_999)),
      amount: 1_000 + Math.floor(r() * 150_000), sourceType: source,
      remitterFein: source === 'NCP' || source === 'OJ' ? null : wage ? feinOf(i) : String(940_000_000 + Math.floor(r() * 1_000)),
      documentReference: wage ? `C${String(i).padStart(9, '0')}20260930001` : null, reversesReceiptId: null,
    };
    if (written.length < 10_000) written.push(v);
    return v;
  });

  writeFile(files['lump-sum'], 'lump-sum', date, nLump, (k) => {
    const i = caseOf();
    return {
      employerFein: feinOf(i), employerName: `EMPLOYER ${1 + (i % employers)} INC`,
      employeeSsn: r() < 0.9 ? ssnOf(i) : String(800_000_000 + Math.floor(r() * 99_999_999)),
      employeeLastName: LAST_NAMES[k % LAST_NAMES.length]!, employeeFirstName: FIRST_NAMES[k % FIRST_NAMES.length]!,
      employeeMiddleName: null, paymentType: PAYMENT_TYPES[k % PAYMENT_TYPES.length]!,
      grossAmount: 50_000 + Math.floor(r() * 2_000_000),
      // 10% paid already (late reports)
      expectedPaymentDate: r() < 0.1 ? past[1 + Math.floor(r() * 20)]! : future[Math.floor(r() * future.length)]!,
      reportDate: past[Math.floor(r() * 5)]!,
    };
  });
  return files;
}
