/**
 * Benchmark-sized CSLN match file of one night (issue 12: about 20,000 matches a night at state
 * volume), called by scripts/generate-night.ts. Deterministic for (date, cases, seed). 90% of the
 * claimant SSNs are generated obligors' (ssnOf), the rest nobody's; every claim type and status
 * occurs; 1 in 50 insurers reported no FEIN (task path); 1 in 20 claims repeats the insurer and
 * claim number of the OCSS insurance match record with the same index (generate-inbound.ts), so the
 * one-claim-one-IWO check (DUPLICATE_MATCH) runs at volume too.
 */
import path from 'node:path';
import { compileLayout } from '../src/layout/codec.ts';
import { createFileFormatter } from '../src/layout/controls.ts';
import { fixedLayout } from '../src/layout/registry.ts';
import { FIRST_NAMES, isoDaysBefore, LAST_NAMES, LineSink, rng, ssnOf } from './generate-common.ts';

/** CSLN matches of one night at California volume (1M cases). */
export const CSLN_MATCHES = 20_000;

const CLAIM_TYPES = ['BI', 'WC', 'LI', 'AN', 'DI', 'LB'];
const STATUSES = ['O', 'O', 'O', 'S', 'S', 'C', 'D', 'P'];

/** Writes `<dateDir>/csln/CSLN_CA_<ymd>.txt` with `n` details; returns the file. */
export function generateCsln(dateDir: string, date: string, cases: number, seed: number, n = CSLN_MATCHES): string {
  const r = rng(seed + 12);
  const compiled = compileLayout(fixedLayout('csln'));
  const formatter = createFileFormatter(compiled);
  const ymd = date.replaceAll('-', '');
  const file = path.join(dateDir, 'csln', `CSLN_CA_${ymd}.txt`);
  const past = Array.from({ length: 701 }, (_, d) => isoDaysBefore(date, d));
  const future = Array.from({ length: 90 }, (_, d) => isoDaysBefore(date, -d));
  const births = Array.from({ length: 12_000 }, (_, d) => isoDaysBefore('2000-01-01', d));
  const sink = new LineSink(file);
  sink.line(formatter.format('header', { fileCreationDate: date, businessDate: date, fileSequence: '000234' }).line);
  for (let k = 0; k < n; k++) {
    const ocssClaim = k % 20 === 0;
    // values as a plain literal (one hidden class per record type: see generate-inbound.ts)
    sink.line(formatter.format('detail', {
      matchDate: past[1 + Math.floor(r() * 7)]!,
      claimantSsn: r() < 0.9 ? ssnOf(1 + Math.floor(r() * cases)) : String(800_000_000 + Math.floor(r() * 99_999_999)),
      claimantLastName: LAST_NAMES[k % LAST_NAMES.length]!,
      claimantFirstName: FIRST_NAMES[k % FIRST_NAMES.length]!,
      claimantDob: births[Math.floor(r() * births.length)]!,
      insurerFein: k % 50 === 1 ? null : String(940_000_000 + (k % 300)),
      insurerName: `INSURER ${k % 300}`,
      insurerAddressLine1: `${k % 300} INSURANCE PLZ`,
      insurerAddressLine2: null,
      insurerCity: 'SACRAMENTO',
      insurerState: 'CA',
      insurerZip: '95814',
      claimNumber: ocssClaim ? `CLM-${ymd}-${k}` : `CSLN-${ymd}-${k}`,
      claimType: CLAIM_TYPES[k % CLAIM_TYPES.length]!,
      claimStatus: STATUSES[Math.floor(r() * STATUSES.length)]!,
      dateOfLoss: past[1 + Math.floor(r() * 700)]!,
      expectedPaymentAmount: Math.floor(r() * 5_000_000),
      expectedPaymentDate: future[Math.floor(r() * future.length)]!,
    }).line);
  }
  sink.line(formatter.format('trailer', {}).line);
  sink.close();
  return file;
}
