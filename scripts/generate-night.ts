/**
 * Generates a California-sized night for benchmarks: a full case extract and FIDM / MSFIDM match
 * files, deterministic for a seed (same arguments → same bytes). Written streaming, in big chunks.
 *
 *   node bin/run-ts.js scripts/generate-night.ts --inbox bench/inbox --date 2026-11-20 \
 *     [--cases 1000000] [--participants 2000000] [--fidm 1000000] [--msfidm 1000000] [--seed 42]
 *
 * Shape: participants 1..cases are obligors (one case each), the rest obligees; 2% of participants
 * have no SSN; 90% of match records carry an obligor's SSN, the rest an unknown one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { compileLayout } from '../src/layout/codec.ts';
import { csvLayout, fixedLayout } from '../src/layout/registry.ts';
import type { RecordValues } from '../src/types.ts';
import { FIRST_NAMES, isoDaysBefore, LAST_NAMES, LineSink, rng, sizeFromArgs, ssnOf } from './generate-common.ts';
import { DEFAULT_INBOUND_COUNTS, generateOtherInbound, type InboundCounts } from './generate-inbound.ts';
import { CSLN_MATCHES, generateCsln } from './generate-csln.ts';
import { generateCollections } from './generate-collections.ts';

export type NightSize = {
  cases: number;
  participants: number;
  fidm: number;
  msfidm: number;
  seed: number;
};

export const DEFAULT_SIZE: NightSize = { cases: 1_000_000, participants: 2_000_000, fidm: 1_000_000, msfidm: 1_000_000, seed: 42 };

const CITIES: Array<[string, string, string]> = [
  ['LOS ANGELES', '90012', '037'],
  ['SAN DIEGO', '92101', '073'],
  ['FRESNO', '93721', '019'],
  ['SACRAMENTO', '95814', '067'],
  ['OAKLAND', '94612', '001'],
  ['SAN JOSE', '95113', '085'],
];

function money(r: () => number, maxDollars: number): string {
  const cents = Math.floor(r() * maxDollars * 100);
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

function csvFields(values: Array<string | number | null>): string {
  return values
    .map((v) => {
      if (v === null) return '';
      const s = String(v);
      return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    })
    .join(',');
}

export function generateCaseExtract(dir: string, date: string, size: NightSize): void {
  const r = rng(size.seed);
  const layout = csvLayout('case-extract');
  const header = (name: string) => layout.files.find((f) => f.name === name)!.columns.map((c) => c.name).join(',');
  const employers = Math.max(1, Math.floor(size.cases / 20));

  const emp = new LineSink(path.join(dir, 'employers.csv'));
  emp.line(header('employers.csv'));
  for (let i = 1; i <= employers; i++) {
    const [city, zip] = CITIES[i % CITIES.length]!;
    emp.line(csvFields([`E${i}`, String(900_000_000 + i), `EMPLOYER ${i} INC`, `${i} COMMERCE WAY`, null, city, 'CA', zip, 'PAYROLL', '9165550100', null]));
  }
  emp.close();

  const ppl = new LineSink(path.join(dir, 'participants.csv'));
  ppl.line(header('participants.csv'));
  for (let i = 1; i <= size.participants; i++) {
    const [city, zip, county] = CITIES[i % CITIES.length]!;
    const incarcerated = r() < 0.01 ? isoDaysBefore(date, Math.floor(r() * 400)) : null;
    ppl.line(
      csvFields([
        `P${i}`,
        r() < 0.02 ? null : ssnOf(i),
        LAST_NAMES[i % LAST_NAMES.length]!,
        FIRST_NAMES[i % FIRST_NAMES.length]!,
        null,
        null,
        isoDaysBefore('2000-01-01', Math.floor(r() * 9000)),
        `${i} MAIN ST`,
        null,
        city,
        'CA',
        zip,
        county,
        null,
        null,
        r() < 0.3 ? money(r, 90_000) : null,
        null,
        r() < 0.2 ? 'Y' : 'N',
        r() < 0.02 ? 'Y' : 'N',
        r() < 0.03 ? 'Y' : 'N',
        r() < 0.01 ? 'Y' : 'N',
        incarcerated,
        null,
        r() < 0.002 ? isoDaysBefore(date, 100) : null,
      ]),
    );
  }
  ppl.close();

  const cases = new LineSink(path.join(dir, 'cases.csv'));
  const children = new LineSink(path.join(dir, 'children.csv'));
  const licenses = new LineSink(path.join(dir, 'licenses.csv'));
  cases.line(header('cases.csv'));
  children.line(header('children.csv'));
  licenses.line(header('licenses.csv'));
  const obligees = Math.max(1, size.participants - size.cases);
  for (let i = 1; i <= size.cases; i++) {
    const open = r() < 0.85;
    const delinquentDays = r() < 0.6 ? Math.floor(r() * 900) : null;
    const [, , county] = CITIES[i % CITIES.length]!;
    cases.line(
      csvFields([
        `C${String(i).padStart(9, '0')}`,
        county,
        open ? 'OPEN' : 'CLOSED',
        open ? null : 'PAID',
        r() < 0.3 ? 'FORMER_ASSISTANCE' : 'NEVER_ASSISTANCE',
        `P${i}`,
        `P${size.cases + 1 + (i % obligees)}`,
        r() < 0.95 ? `ORD${i}` : null,
        '2019-05-01',
        'SUPERIOR COURT',
        money(r, 900),
        money(r, 200),
        r() < 0.4 ? 'Y' : 'N',
        r() < 0.5 ? 'Y' : 'N',
        money(r, 20_000),
        '0.00',
        '0.00',
        money(r, 2_000),
        delinquentDays === null ? null : isoDaysBefore(date, delinquentDays),
        isoDaysBefore(date, 40),
        '150.00',
        r() < 0.8 ? isoDaysBefore(date, Math.floor(r() * 500)) : null,
        null,
        null,
        null,
        null,
        null,
        'N',
        r() < 0.02 ? 'ACTIVE_COMPLIANT' : 'NONE',
        'N',
        'NONE',
        r() < 0.5 ? `E${1 + (i % employers)}` : null,
        null,
      ]),
    );
    children.line(csvFields([`C${String(i).padStart(9, '0')}`, 1, LAST_NAMES[i % LAST_NAMES.length]!, 'CHILD', null, null, '2015-06-01']));
    if (i % 2 === 0) licenses.line(csvFields([`P${i}`, 'DMV', `D${i}`, 'NONCOMMERCIAL']));
  }
  cases.close();
  children.close();
  licenses.close();
}

export function generateMatchFiles(dateDir: string, size: NightSize): void {
  const r = rng(size.seed + 1);
  const ssnFor = () => (r() < 0.9 ? ssnOf(1 + Math.floor(r() * size.cases)) : String(800_000_000 + Math.floor(r() * 99_999_999)));

  const fidm = compileLayout(fixedLayout('fidm'));
  const sink = new LineSink(path.join(dateDir, 'fidm', 'fidm-bench.txt'));
  const perBlock = 10_000;
  for (let done = 0, block = 0; done < size.fidm; block++) {
    const fein = String(940_000_000 + block);
    sink.line(
      fidm.format('aRecord', {
        institutionTin: fein,
        matchYearMonth: '202611',
        institutionName: `BANK ${block}`,
        institutionStreet: `${block} MARKET ST`,
        institutionCity: 'SAN FRANCISCO',
        institutionState: 'CA',
        institutionZip5: '94105',
        transmitterTin: fein,
      }).line,
    );
    const n = Math.min(perBlock, size.fidm - done);
    for (let k = 0; k < n; k++) {
      const values: RecordValues = {
        matchYearMonth: '202611',
        matchedSsn: ssnFor(),
        payeeAccountNumber: `A${block}-${k}`,
        matchedPayeeName: 'ACCOUNT HOLDER',
        accountBalance: Math.floor(r() * 20_000),
        matchFlag: r() < 0.05 ? '2' : '1',
        trustFundIndicator: r() < 0.03 ? '1' : '0',
        accountBalanceIndicator: '2',
        accountType: r() < 0.05 ? '12' : '04',
      };
      sink.line(fidm.format('bRecord', values).line);
    }
    sink.line(fidm.format('tRecord', { bRecordCount: String(n) }).line);
    done += n;
  }
  sink.close();

  const msfidm = compileLayout(fixedLayout('msfidm'));
  const ms = new LineSink(path.join(dateDir, 'msfidm', 'msfidm-bench.txt'));
  for (let i = 0; i < size.msfidm; i++) {
    ms.line(
      msfidm.format('detail', {
        institutionTin: String(130_000_000 + (i % 500)),
        institutionName: `MULTISTATE BANK ${i % 500}`,
        institutionStreet: '1 WALL ST',
        institutionCity: 'NEW YORK',
        institutionState: 'NY',
        institutionZip5: '10005',
        matchedSsn: ssnFor(),
        payeeAccountNumber: `M${i}`,
        accountStatus: r() < 0.05 ? '1' : '0',
        accountBalance: Math.floor(r() * 20_000) - 100,
        matchFlag: '1',
        trustFundIndicator: '0',
        accountBalanceIndicator: '2',
        accountType: '01',
      }).line,
    );
  }
  ms.close();
}

export function generateNight(inbox: string, date: string, size: NightSize): void {
  const dateDir = path.join(inbox, date);
  fs.rmSync(dateDir, { recursive: true, force: true });
  generateCaseExtract(path.join(dateDir, 'case-extract'), date, size);
  generateMatchFiles(dateDir, size);
  // the other inbound interfaces at California sizes (issue 3 defaults), scaled with the case count
  const scale = size.cases / DEFAULT_SIZE.cases;
  const counts: Partial<InboundCounts> = Object.fromEntries(Object.entries(DEFAULT_INBOUND_COUNTS).map(([id, n]) => [id, Math.max(1, Math.round(n * scale))]));
  generateOtherInbound(dateDir, date, size.cases, size.seed, counts);
  generateCsln(dateDir, date, size.cases, size.seed, Math.max(1, Math.round(CSLN_MATCHES * scale)));
  generateCollections(dateDir, date, size.cases, size.seed, scale);
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('generate-night.ts')) {
  const { values } = parseArgs({
    options: {
      inbox: { type: 'string', default: 'bench/inbox' },
      date: { type: 'string', default: '2026-11-20' },
      cases: { type: 'string' },
      participants: { type: 'string' },
      fidm: { type: 'string' },
      msfidm: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  const size = sizeFromArgs(values, DEFAULT_SIZE);
  const t = Date.now();
  generateNight(values.inbox!, values.date!, size);
  console.log(JSON.stringify({ generated: path.join(values.inbox!, values.date!), size, seconds: (Date.now() - t) / 1000 }));
}
