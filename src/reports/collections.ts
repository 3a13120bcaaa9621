/**
 * `csebatch report --from D1 --to D2 [--lcsa CODE]`: what the mechanisms collected and did, for
 * managers (issue 13). Read-only: the store is opened read-only and only these are read:
 *
 * - collections: `sdu_receipts` (receipt_date in the range; a reversal is its own negative row,
 *   so sums are net), the federal offset collections and adjustments staged from `fop-collections`
 *   (dated by the night their file was loaded; net = collectionAmount + the signed adjustmentAmount,
 *   an injured-spouse adjustment of −306.25 takes money back) and the FTB intercepts staged from `ftb`
 *   'C' records (dated by offsetDate). Partner-file collections are their own sources (`FOP`,
 *   `FTB-INTERCEPT`), beside the SDU's source types;
 * - mechanism outcomes: `decisions` and `tasks` of every night in the range;
 * - effectiveness: levy ISSUE decisions, the IWO ledger (ORG of employer IWOs, LUM lump sums) and
 *   the SDU receipts that followed them.
 *
 * LCSA of a collection: the SDU receipt's case in the case extract held in the store; the
 * federal offset record's local code; an FTB intercept: the LCSA the FTB certification in force on
 * the offset date named (ftb_ledger). LCSA of a decision: its case's LCSA in the case extract held
 * in the store (decisions of a case no longer in the extract count as `unknown` and are left out
 * of an `--lcsa` report). No person-level row is reported: only counts and amounts.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import type { Config } from '../config.ts';
import { MECHANISMS } from '../interfaces.ts';
import { addOutcome, emptyOutcomeCounts } from '../rules/summary.ts';
import type { OutcomeCounts } from '../rules/summary.ts';
import { stagingTableName } from '../store/staging.ts';

export class ReportInputError extends Error {
  override name = 'ReportInputError';
}

export const FOP_SOURCE = 'FOP';
export const FTB_SOURCE = 'FTB-INTERCEPT';
export const UNKNOWN_LCSA = 'unknown';

export interface ReportOptions {
  from: string;
  to: string;
  lcsa?: string;
  config: Config;
}

export interface SourceTotal {
  source: string;
  records: number;
  cents: number;
}

export interface MonthTotal {
  month: string;
  records: number;
  cents: number;
}

export interface NightOutcomes extends OutcomeCounts {
  businessDate: string;
  mechanism: string;
}

export interface Report {
  from: string;
  to: string;
  /** null: statewide */
  lcsa: string | null;
  definitions: Record<string, string>;
  collections: {
    totalCents: number;
    sduCents: number;
    partnerFileCents: number;
    bySource: SourceTotal[];
    byMonth: MonthTotal[];
    bySourceMonth: Array<{ month: string; source: string; records: number; cents: number }>;
    /** statewide reports only (empty with --lcsa) */
    byLcsa: Array<{ lcsa: string; records: number; cents: number }>;
  };
  mechanisms: {
    /** one row per night and mechanism that decided something */
    perNight: NightOutcomes[];
    /** every registered mechanism over the range */
    range: Array<OutcomeCounts & { mechanism: string }>;
    /** SUPPRESS decisions per reason over every mechanism and night of the range */
    suppressionsByReason: Array<{ reason: string; count: number }>;
  };
  effectiveness: {
    levy: {
      windowDays: number;
      orders: number;
      ordersCollected: number;
      /** ordersCollected ÷ orders (0 when no order) */
      shareCollected: number;
      collectedCents: number;
      /** collectedCents ÷ orders, rounded half-up to the cent */
      dollarsPerLevyCents: number;
      byNight: Array<{ businessDate: string; orders: number; ordersCollected: number; collectedCents: number; dollarsPerLevyCents: number }>;
    };
    employerIwo: {
      orders: number;
      paid: number;
      neverPaid: number;
      shareNeverPaid: number;
      /** days from ORG to the first WAGE receipt (nearest-rank percentiles); null when none paid */
      medianDays: number | null;
      p90Days: number | null;
    };
    lumpSum: Array<{ source: string; iwos: number; iwosCollected: number; collectedCents: number; dollarsPerIwoCents: number }>;
  };
}

/** YYYY-MM of every month from `from` to `to` (ISO dates). */
export function monthsOf(from: string, to: string): string[] {
  const months: string[] = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  const end = to.slice(0, 7);
  for (;;) {
    const month = `${y}-${String(m).padStart(2, '0')}`;
    if (month > end) return months;
    months.push(month);
    if (++m > 12) {
      m = 1;
      y++;
    }
  }
}

/** a ÷ b rounded half-up (a ≥ 0, b > 0); 0 when b = 0. */
function perUnit(a: number, b: number): number {
  return b === 0 ? 0 : Math.floor((2 * a + b) / (2 * b));
}

function share(a: number, b: number): number {
  return b === 0 ? 0 : Math.round((a / b) * 10_000) / 10_000;
}

/** Nearest-rank percentile of ascending values: the value at rank ⌈p/100 × n⌉. */
export function nearestRank(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;
}

function tableExists(db: Database.Database, name: string): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !== undefined;
}

/** Every collection of the range, one row each: (date, source, lcsa, cents). */
function collectionRowsSql(db: Database.Database): string {
  const parts = [
    `SELECT r.receipt_date AS date, r.source_type AS source, coalesce(c.lcsa_code, '${UNKNOWN_LCSA}') AS lcsa, r.amount_cents AS cents
     FROM sdu_receipts r LEFT JOIN ce_cases c ON c.case_id = r.case_id`,
  ];
  const tanf = stagingTableName('fop-collections', 'tanfDetail');
  const nonTanf = stagingTableName('fop-collections', 'nonTanfDetail');
  if (tableExists(db, tanf) && tableExists(db, nonTanf)) {
    parts.push(
      `SELECT f.business_date, '${FOP_SOURCE}', coalesce(x.localCode, '${UNKNOWN_LCSA}'), coalesce(x.collectionAmount, 0) + coalesce(x.adjustmentAmount, 0)
       FROM (SELECT file_id, localCode, collectionAmount, adjustmentAmount FROM ${tanf}
             UNION ALL SELECT file_id, localCode, collectionAmount, adjustmentAmount FROM ${nonTanf}) x
       JOIN inbound_files f ON f.file_id = x.file_id AND f.status = 'loaded'`,
    );
  }
  const ftb = stagingTableName('ftb', 'intercept');
  if (tableExists(db, ftb)) {
    parts.push(
      `SELECT i.offsetDate, '${FTB_SOURCE}',
              coalesce((SELECT l.lcsa_code FROM ftb_ledger l WHERE l.ssn = i.ssn AND l.business_date <= i.offsetDate
                        ORDER BY l.business_date DESC LIMIT 1), '${UNKNOWN_LCSA}'),
              i.amountIntercepted
       FROM ${ftb} i JOIN inbound_files f ON f.file_id = i.file_id AND f.status = 'loaded'`,
    );
  }
  return `SELECT * FROM (${parts.join('\n UNION ALL ')}) WHERE date BETWEEN :from AND :to AND (:lcsa IS NULL OR lcsa = :lcsa)`;
}

/** The LCSA filter on a row with a case id column `caseCol`. */
function lcsaFilter(caseCol: string): string {
  return `(:lcsa IS NULL OR (SELECT c.lcsa_code FROM ce_cases c WHERE c.case_id = ${caseCol}) = :lcsa)`;
}

export function buildReport(db: Database.Database, opts: ReportOptions): Report {
  if (opts.from > opts.to) throw new ReportInputError(`--from ${opts.from} is after --to ${opts.to}`);
  for (const t of ['decisions', 'sdu_receipts', 'ce_cases']) {
    if (!tableExists(db, t)) throw new ReportInputError(`the store has no ${t} table: is it a csebatch database that has run a night?`);
  }
  const p = { from: opts.from, to: opts.to, lcsa: opts.lcsa ?? null };
  const coll = collectionRowsSql(db);
  const bySource = db.prepare(`SELECT source, count(*) AS records, sum(cents) AS cents FROM (${coll}) GROUP BY source ORDER BY cents DESC, source`).all(p) as SourceTotal[];
  const monthRows = db.prepare(`SELECT substr(date, 1, 7) AS month, count(*) AS records, sum(cents) AS cents FROM (${coll}) GROUP BY month ORDER BY month`).all(p) as MonthTotal[];
  // every month of the range, those without a collection at 0 (the trend line shows the gap)
  const byMonth = monthsOf(opts.from, opts.to).map((month) => monthRows.find((m) => m.month === month) ?? { month, records: 0, cents: 0 });
  const bySourceMonth = db
    .prepare(`SELECT substr(date, 1, 7) AS month, source, count(*) AS records, sum(cents) AS cents FROM (${coll}) GROUP BY month, source ORDER BY month, source`)
    .all(p) as Report['collections']['bySourceMonth'];
  const byLcsa = opts.lcsa
    ? []
    : (db.prepare(`SELECT lcsa, count(*) AS records, sum(cents) AS cents FROM (${coll}) GROUP BY lcsa ORDER BY lcsa`).all(p) as Report['collections']['byLcsa']);
  const partnerFileCents = bySource.filter((s) => s.source === FOP_SOURCE || s.source === FTB_SOURCE).reduce((n, s) => n + s.cents, 0);
  const totalCents = bySource.reduce((n, s) => n + s.cents, 0);

  // mechanism outcomes per night, from the decisions (TASK decisions counted as tasks)
  const outcomeRows = db
    .prepare(
      `SELECT business_date, mechanism, outcome, reason_codes AS reason, count(*) AS n, coalesce(sum(amount_cents), 0) AS cents
       FROM decisions d WHERE business_date BETWEEN :from AND :to AND ${lcsaFilter('d.case_id')}
       GROUP BY business_date, mechanism, outcome, reason_codes ORDER BY business_date, mechanism`,
    )
    .all(p) as Array<{ business_date: string; mechanism: string; outcome: string; reason: string; n: number; cents: number }>;
  const perNight = new Map<string, NightOutcomes>();
  const range = new Map<string, OutcomeCounts & { mechanism: string }>(MECHANISMS.map((m) => [m.id, { mechanism: m.id, ...emptyOutcomeCounts() }]));
  const suppressions = new Map<string, number>();
  for (const r of outcomeRows) {
    const key = `${r.business_date}|${r.mechanism}`;
    if (!perNight.has(key)) perNight.set(key, { businessDate: r.business_date, mechanism: r.mechanism, ...emptyOutcomeCounts() });
    addOutcome(perNight.get(key)!, r.outcome, r.reason, r.n, r.cents);
    if (!range.has(r.mechanism)) range.set(r.mechanism, { mechanism: r.mechanism, ...emptyOutcomeCounts() });
    addOutcome(range.get(r.mechanism)!, r.outcome, r.reason, r.n, r.cents);
    if (r.outcome === 'SUPPRESS') suppressions.set(r.reason, (suppressions.get(r.reason) ?? 0) + r.n);
  }

  return {
    from: opts.from,
    to: opts.to,
    lcsa: opts.lcsa ?? null,
    definitions: DEFINITIONS(opts.config.report.levyCollectionDays),
    collections: { totalCents, sduCents: totalCents - partnerFileCents, partnerFileCents, bySource, byMonth, bySourceMonth, byLcsa },
    mechanisms: {
      perNight: [...perNight.values()],
      range: [...range.values()],
      suppressionsByReason: [...suppressions.entries()].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1)),
    },
    effectiveness: {
      levy: levyEffectiveness(db, p, opts.config.report.levyCollectionDays),
      employerIwo: employerIwoEffectiveness(db, p),
      lumpSum: lumpSumEffectiveness(db, p),
    },
  };
}

type Params = { from: string; to: string; lcsa: string | null };

function levyEffectiveness(db: Database.Database, p: Params, windowDays: number): Report['effectiveness']['levy'] {
  // each levy order of the range, and whether a FIDM/MSFIDM receipt on the obligor's cases fell in its window
  const orders = `SELECT d.decision_id, d.business_date, d.person_id FROM decisions d
                  WHERE d.mechanism = 'levy' AND d.outcome = 'ISSUE' AND d.business_date BETWEEN :from AND :to AND ${lcsaFilter('d.case_id')}`;
  const inWindow = `r.source_type IN ('FIDM', 'MSFIDM') AND r.receipt_date > o.business_date
                    AND r.receipt_date <= min(:to, date(o.business_date, '+' || :days || ' days'))
                    AND r.case_id IN (SELECT c.case_id FROM ce_cases c WHERE c.obligor_person_id = o.person_id)`;
  const q = { ...p, days: windowDays };
  const byNight = db
    .prepare(
      `WITH o AS (${orders})
       SELECT o.business_date AS businessDate, count(*) AS orders,
              sum((SELECT coalesce(sum(r.amount_cents), 0) FROM sdu_receipts r WHERE ${inWindow}) > 0) AS ordersCollected
       FROM o GROUP BY o.business_date ORDER BY o.business_date`,
    )
    .all(q) as Array<{ businessDate: string; orders: number; ordersCollected: number }>;
  // dollars: each receipt once, attributed to the first order of the range whose window holds it (net of reversals)
  const attributed = db
    .prepare(
      `WITH o AS (${orders}),
       hit AS (SELECT r.receipt_id, r.amount_cents, min(o.business_date) AS businessDate
               FROM sdu_receipts r JOIN o ON ${inWindow} GROUP BY r.receipt_id)
       SELECT businessDate, sum(amount_cents) AS cents FROM hit GROUP BY businessDate`,
    )
    .all(q) as Array<{ businessDate: string; cents: number }>;
  const centsOf = new Map(attributed.map((a) => [a.businessDate, a.cents]));
  const nights = byNight.map((n) => ({ ...n, collectedCents: centsOf.get(n.businessDate) ?? 0, dollarsPerLevyCents: perUnit(centsOf.get(n.businessDate) ?? 0, n.orders) }));
  const ordersN = nights.reduce((n, x) => n + x.orders, 0);
  const collected = nights.reduce((n, x) => n + x.ordersCollected, 0);
  const cents = nights.reduce((n, x) => n + x.collectedCents, 0);
  return {
    windowDays,
    orders: ordersN,
    ordersCollected: collected,
    shareCollected: share(collected, ordersN),
    collectedCents: cents,
    dollarsPerLevyCents: perUnit(cents, ordersN),
    byNight: nights,
  };
}

function employerIwoEffectiveness(db: Database.Database, p: Params): Report['effectiveness']['employerIwo'] {
  const rows = db
    .prepare(
      `SELECT l.business_date,
              (SELECT min(r.receipt_date) FROM sdu_receipts r
               WHERE r.case_id = l.case_id AND r.remitter_fein = l.fein AND r.source_type = 'WAGE'
                 AND r.amount_cents > 0 AND r.receipt_date >= l.business_date AND r.receipt_date <= :to) AS first_wage
       FROM iwo_ledger l
       WHERE l.source = 'employer' AND l.action = 'ORG' AND l.business_date BETWEEN :from AND :to AND ${lcsaFilter('l.case_id')}`,
    )
    .all(p) as Array<{ business_date: string; first_wage: string | null }>;
  const days = rows
    .filter((r) => r.first_wage !== null)
    .map((r) => Math.round((Date.parse(r.first_wage!) - Date.parse(r.business_date)) / 86_400_000))
    .sort((a, b) => a - b);
  return {
    orders: rows.length,
    paid: days.length,
    neverPaid: rows.length - days.length,
    shareNeverPaid: share(rows.length - days.length, rows.length),
    medianDays: nearestRank(days, 50),
    p90Days: nearestRank(days, 90),
  };
}

function lumpSumEffectiveness(db: Database.Database, p: Params): Report['effectiveness']['lumpSum'] {
  const rows = db
    .prepare(
      `WITH lum AS (
         SELECT l.source, l.business_date, l.case_id, l.fein,
                (SELECT coalesce(sum(r.amount_cents), 0) FROM sdu_receipts r
                 WHERE r.case_id = l.case_id AND r.remitter_fein = l.fein
                   AND r.receipt_date >= l.business_date AND r.receipt_date <= :to) AS cents
         FROM iwo_ledger l
         WHERE l.action = 'LUM' AND l.business_date BETWEEN :from AND :to AND ${lcsaFilter('l.case_id')})
       SELECT source, count(*) AS iwos, sum(cents > 0) AS iwosCollected, sum(cents) AS collectedCents FROM lum GROUP BY source ORDER BY source`,
    )
    .all(p) as Array<{ source: string; iwos: number; iwosCollected: number; collectedCents: number }>;
  return rows.map((r) => ({ ...r, dollarsPerIwoCents: perUnit(r.collectedCents, r.iwos) }));
}

const DEFINITIONS = (days: number): Record<string, string> => ({
  collections:
    'SDU receipts by receipt date (a reversal is a negative receipt, so sums are net); FOP: federal offset collections plus signed adjustments of fop-collections files loaded in the range (by load night); FTB-INTERCEPT: FTB intercept records by offset date. The partner files report offsets the SDU may also post as IRS/FTB receipts: compare the rows before adding them up.',
  mechanisms: 'decisions of every night in the range: issued, amended, terminated, released, no change, suppressed by reason; tasks = TASK decisions.',
  levy: `levy orders (ISSUE decisions) of the range; collected = FIDM/MSFIDM SDU receipts on the obligor's cases dated in the ${days} days after the order (report.levyCollectionDays) and by the end of the range; an order collected when those receipts net above zero; each receipt counted once (for the earliest order whose window holds it), net of reversals; dollars per levy = collected ÷ orders.`,
  employerIwo: 'employer IWOs sent as ORG in the range; days from the ORG night to the first WAGE receipt from that employer on that case up to the end of the range (nearest-rank median and 90th percentile); never paid = no such receipt.',
  lumpSum: 'lump-sum IWOs (LUM) of the range by source interface (ocss-im = OCSS insurance match, csln, calpers); collected = SDU receipts from that payer on that case from the IWO night to the end of the range.',
});

/** Opens the store read-only (the report can run while a night runs) and builds the report. */
export function reportFromFile(dbFile: string, opts: ReportOptions): Report {
  if (!fs.existsSync(dbFile)) throw new ReportInputError(`no database at ${dbFile} (use --db or --out)`);
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return buildReport(db, opts);
  } finally {
    db.close();
  }
}
