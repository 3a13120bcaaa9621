/**
 * `csebatch whatif --date D --config ALT.json`: D's decisions recomputed under another
 * configuration, for policy analysts ("what does SB 1055 at 60% do to DMV submissions?").
 *
 * Nothing real is touched. Under the database lock (no night writes meanwhile) the database is
 * copied to a scratch file in a temporary folder (a byte copy when its WAL is checkpointed, else
 * `VACUUM INTO` from a read-only connection); the real database, `out/`, ledgers and run history
 * are only read. In the scratch copy the runner's own mechanisms (MECHANISMS decide + OUTBOUND
 * build, the same functions a night runs) recompute D twice:
 *
 *   1. baseline: under the base configuration (`--base-config`, the one the night ran with;
 *      default the defaults), and
 *   2. alternative: ALT deep-merged over the base configuration.
 *
 * Like for like: a mechanism decides D against the ledger rows BEFORE D (src/rules/ledger.ts) and
 * replaces D's own rows, so both recomputations start from the same ledger state, whatever later
 * dates have run. The baseline is recomputed rather than taken from the recorded decisions so that
 * both sides come from the same code and the same state; the recorded decisions of D are compared
 * with the recomputed baseline and the subjects that differ are counted (`recordedDifferences`:
 * not 0 means D did not run with the base configuration given, or ran on other code).
 *
 * The case extract of D must be in the store (the latest night run) or in `<inbox>/<D>/case-extract`,
 * which is then loaded into the scratch copy only.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Config } from '../config.ts';
import { openDb } from '../store/db.ts';
import type { Db } from '../store/db.ts';
import { acquireLock } from '../runner/lock.ts';
import { computeDerivedFacts } from '../rules/derived.ts';
import { MECHANISMS, OUTBOUND } from '../interfaces.ts';
import type { RunContext } from '../interfaces.ts';
import { loadCaseExtract } from '../inbound/caseExtract.ts';
import { loadLicensingBoards } from '../reference.ts';
import { maskSubjectKey } from '../audit/mask.ts';
import { formatCents } from '../outbound/money.ts';
import { barChart, CHART_COLOURS, dollars, escapeHtml, figure, page, table } from './html.ts';

export class WhatIfInputError extends Error {
  override name = 'WhatIfInputError';
}

export interface WhatIfOptions {
  dbFile: string;
  businessDate: string;
  baseConfig: Config;
  altConfig: Config;
  /** where the case extract of D is read from when the store holds another date's snapshot */
  inbox?: string;
  /** labels of the two configurations (file names), for the output */
  baseLabel: string;
  altLabel: string;
}

export interface OutcomeCount {
  outcome: string;
  /** comma-separated reason codes, '' when none */
  reasons: string;
  base: number;
  alt: number;
  difference: number;
  baseAmountCents: number;
  altAmountCents: number;
  differenceAmountCents: number;
}

export interface MechanismComparison {
  mechanism: string;
  counts: OutcomeCount[];
  /** decisions and amounts (levy amounts, certified amounts, …: decisions.amount_cents) of every outcome */
  total: Omit<OutcomeCount, 'outcome' | 'reasons'>;
}

export interface DecisionBrief {
  outcome: string;
  reasons: string;
  amountCents: number | null;
}

export interface ChangedSubject {
  mechanism: string;
  /** masked like `explain` masks it */
  subjectKey: string;
  personId: string | null;
  caseId: string | null;
  lcsaCode: string | null;
  base: DecisionBrief[];
  alt: DecisionBrief[];
}

export interface WhatIfResult {
  businessDate: string;
  baseConfig: string;
  altConfig: string;
  baseline: string;
  /** subjects whose recomputed baseline differs from the decisions recorded for D */
  recordedDifferences: number;
  /** every configuration value that differs: dotted key, base value, alternative value */
  configChanges: Array<{ key: string; base: unknown; alt: unknown }>;
  mechanisms: MechanismComparison[];
  changes: ChangedSubject[];
}

function flatten(value: unknown, prefix = '', into: Record<string, unknown> = {}): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, into);
  } else into[prefix] = value;
  return into;
}

export function configChanges(base: Config, alt: Config): WhatIfResult['configChanges'] {
  const a = flatten(base);
  const b = flatten(alt);
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .sort()
    .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    .map((key) => ({ key, base: a[key] ?? null, alt: b[key] ?? null }));
}

/** Copies the database to `target` without writing anything beside the real file. */
function copyDatabase(dbFile: string, target: string): void {
  if (!fs.existsSync(`${dbFile}-wal`) || fs.statSync(`${dbFile}-wal`).size === 0) {
    // checkpointed (a night closes its connection) and no writer (we hold the lock): the file is complete
    fs.copyFileSync(dbFile, target);
    return;
  }
  const src = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    src.prepare('VACUUM INTO ?').run(target);
  } finally {
    src.close();
  }
}

function snapshotDate(db: Db): string | undefined {
  return (db.prepare(`SELECT business_date FROM snapshot WHERE name = 'case-extract'`).get() as { business_date: string } | undefined)?.business_date;
}

/** The runner's mechanisms and writers for D on the scratch copy (no file is written outside `spoolDir`). */
function recompute(db: Db, d: string, config: Config, ctx: RunContext, variant: string): void {
  computeDerivedFacts(db, d, config);
  for (const m of MECHANISMS) {
    db.transaction(() => {
      m.decide(db, d, config, ctx);
      for (const o of OUTBOUND) if (o.mechanism === m.id) o.build(db, d, config, ctx);
    })();
  }
  copyDecisions(db, d, variant);
}

function copyDecisions(db: Db, d: string, variant: string): void {
  db.prepare(
    `INSERT INTO whatif_decisions (variant, mechanism, subject_key, person_id, case_id, outcome, reason_codes, amount_cents, facts)
     SELECT ?, mechanism, subject_key, person_id, case_id, outcome, reason_codes, amount_cents, facts
     FROM decisions WHERE business_date = ?`,
  ).run(variant, d);
}

/** Per (mechanism, subject): the variant's decisions as one comparable string, set-based. */
function subjectsSql(variant: string): string {
  return `SELECT mechanism, subject_key, min(person_id) AS person_id, min(case_id) AS case_id, min(facts) AS facts,
                 json_group_array(json_object('outcome', outcome, 'reasons', reason_codes, 'amountCents', amount_cents)) AS decisions
          FROM (SELECT * FROM whatif_decisions WHERE variant = '${variant}' ORDER BY mechanism, subject_key, outcome, reason_codes, amount_cents)
          GROUP BY mechanism, subject_key`;
}

interface ChangedRow {
  mechanism: string;
  subject_key: string;
  person_id: string | null;
  case_id: string | null;
  facts: string | null;
  base: string | null;
  alt: string | null;
}

function changedSubjects(db: Db, a: string, b: string): ChangedRow[] {
  return db
    .prepare(
      `SELECT coalesce(x.mechanism, y.mechanism) AS mechanism, coalesce(x.subject_key, y.subject_key) AS subject_key,
              coalesce(x.person_id, y.person_id) AS person_id, coalesce(x.case_id, y.case_id) AS case_id,
              coalesce(x.facts, y.facts) AS facts, x.decisions AS base, y.decisions AS alt
       FROM (${subjectsSql(a)}) x FULL JOIN (${subjectsSql(b)}) y
         ON y.mechanism = x.mechanism AND y.subject_key = x.subject_key
       WHERE x.decisions IS NOT y.decisions
       ORDER BY 1, 2`,
    )
    .all() as ChangedRow[];
}

function compareCounts(db: Db): MechanismComparison[] {
  const rows = db
    .prepare(
      `SELECT mechanism, outcome, reason_codes AS reasons,
              sum(variant = 'base') AS base, sum(variant = 'alt') AS alt,
              coalesce(sum(CASE WHEN variant = 'base' THEN amount_cents END), 0) AS baseAmountCents,
              coalesce(sum(CASE WHEN variant = 'alt' THEN amount_cents END), 0) AS altAmountCents
       FROM whatif_decisions WHERE variant IN ('base', 'alt')
       GROUP BY mechanism, outcome, reason_codes ORDER BY mechanism, outcome, reason_codes`,
    )
    .all() as Array<{ mechanism: string; outcome: string; reasons: string; base: number; alt: number; baseAmountCents: number; altAmountCents: number }>;
  const order = MECHANISMS.map((m) => m.id);
  const byMechanism = new Map<string, MechanismComparison>();
  for (const id of order) {
    byMechanism.set(id, { mechanism: id, counts: [], total: { base: 0, alt: 0, difference: 0, baseAmountCents: 0, altAmountCents: 0, differenceAmountCents: 0 } });
  }
  for (const r of rows) {
    const m = byMechanism.get(r.mechanism)!;
    const c: OutcomeCount = { ...r, difference: r.alt - r.base, differenceAmountCents: r.altAmountCents - r.baseAmountCents };
    m.counts.push(c);
    for (const k of ['base', 'alt', 'difference', 'baseAmountCents', 'altAmountCents', 'differenceAmountCents'] as const) m.total[k] += c[k];
  }
  return [...byMechanism.values()];
}

export async function whatIf(opts: WhatIfOptions): Promise<WhatIfResult> {
  if (!fs.existsSync(opts.dbFile)) throw new WhatIfInputError(`no database at ${opts.dbFile} (use --db or --out)`);
  const d = opts.businessDate;
  const scratchDir = fs.mkdtempSync(path.join(os.tmpdir(), 'csebatch-whatif-'));
  try {
    const scratchFile = path.join(scratchDir, 'whatif.db');
    const lock = acquireLock(`${path.resolve(opts.dbFile)}.lock`, { command: 'whatif', businessDate: d });
    try {
      copyDatabase(opts.dbFile, scratchFile);
    } finally {
      lock.release();
    }
    const db = openDb(scratchFile);
    try {
      const recordedCount = (db.prepare('SELECT count(*) AS n FROM decisions WHERE business_date = ?').get(d) as { n: number }).n;
      if (recordedCount === 0) throw new WhatIfInputError(`no decisions recorded for ${d} in ${opts.dbFile}: run the night first`);
      if (snapshotDate(db) !== d) {
        const dir = opts.inbox === undefined ? undefined : path.join(opts.inbox, d, 'case-extract');
        if (dir === undefined || !fs.existsSync(dir)) {
          throw new WhatIfInputError(
            `the store holds the case extract of ${snapshotDate(db) ?? '(none)'}, not of ${d}; give --inbox DIR with ${d}/case-extract/ (it is loaded into the scratch copy only)`,
          );
        }
        const licensingBoards = loadLicensingBoards(opts.baseConfig.reference.licensingBoards).map((b) => b.boardCode);
        const loaded = await loadCaseExtract(db, dir, { licensingBoards });
        if (!loaded.ok) throw new WhatIfInputError(`the case extract in ${dir} is rejected (${loaded.rejects.length} problem(s)); run validate on it`);
      }
      db.exec(`CREATE TABLE whatif_decisions (variant TEXT NOT NULL, mechanism TEXT NOT NULL, subject_key TEXT NOT NULL, person_id TEXT,
                 case_id TEXT, outcome TEXT NOT NULL, reason_codes TEXT NOT NULL, amount_cents INTEGER, facts TEXT NOT NULL)`);
      copyDecisions(db, d, 'recorded');
      const spoolDir = path.join(scratchDir, 'spool');
      fs.mkdirSync(spoolDir);
      const ctx: RunContext = { command: 'nightly', requested: [], spoolDir };
      recompute(db, d, opts.baseConfig, ctx, 'base');
      recompute(db, d, opts.altConfig, ctx, 'alt');
      const lcsaOf = db.prepare('SELECT lcsa_code FROM ce_cases WHERE case_id = ?').pluck();
      const brief = (json: string | null) => (json === null ? [] : (JSON.parse(json) as DecisionBrief[]));
      const changes = changedSubjects(db, 'base', 'alt').map(
        (r): ChangedSubject => ({
          mechanism: r.mechanism,
          subjectKey: maskSubjectKey(r.subject_key, [r.person_id, r.case_id], JSON.parse(r.facts ?? 'null'), true),
          personId: r.person_id,
          caseId: r.case_id,
          lcsaCode: r.case_id === null ? null : ((lcsaOf.get(r.case_id) as string | undefined) ?? null),
          base: brief(r.base),
          alt: brief(r.alt),
        }),
      );
      return {
        businessDate: d,
        baseConfig: opts.baseLabel,
        altConfig: opts.altLabel,
        baseline: 'recomputed in a scratch copy of the database under the base configuration (same ledger state before D as the alternative)',
        recordedDifferences: changedSubjects(db, 'recorded', 'base').length,
        configChanges: configChanges(opts.baseConfig, opts.altConfig),
        mechanisms: compareCounts(db),
        changes,
      };
    } finally {
      db.close();
    }
  } finally {
    fs.rmSync(scratchDir, { recursive: true, force: true });
  }
}

const money = formatCents;

function signed(n: number, fmt: (n: number) => string = String): string {
  return n > 0 ? `+${fmt(n)}` : fmt(n);
}

function briefText(b: DecisionBrief[]): string {
  if (b.length === 0) return '(no decision)';
  return b.map((x) => `${x.outcome}${x.reasons ? ` ${x.reasons}` : ''}${x.amountCents === null ? '' : ` ${money(x.amountCents)}`}`).join('; ');
}

/** How many changed subjects the text form lists per mechanism (JSON and HTML list them all). */
export const TEXT_CHANGES_PER_MECHANISM = 20;

export function formatWhatIf(r: WhatIfResult): string {
  const out: string[] = [`what-if for ${r.businessDate}: ${r.altConfig} over ${r.baseConfig}`];
  out.push(r.configChanges.length ? 'configuration changes:' : 'configuration changes: none (both configurations are the same)');
  for (const c of r.configChanges) out.push(`  ${c.key}: ${JSON.stringify(c.base)} → ${JSON.stringify(c.alt)}`);
  out.push(`baseline: ${r.baseline}`);
  if (r.recordedDifferences > 0) {
    out.push(`warning: ${r.recordedDifferences} subject(s) of the recomputed baseline differ from the decisions recorded for ${r.businessDate}: did the night run with another configuration than the base?`);
  }
  for (const m of r.mechanisms) {
    out.push('', `[${m.mechanism}] decisions ${m.total.base} → ${m.total.alt} (${signed(m.total.difference)}); amounts ${money(m.total.baseAmountCents)} → ${money(m.total.altAmountCents)} (${signed(m.total.differenceAmountCents, money)})`);
    for (const c of m.counts) {
      const mark = c.base === c.alt && c.baseAmountCents === c.altAmountCents ? ' ' : '*';
      out.push(`  ${mark} ${`${c.outcome} ${c.reasons || '-'}`.padEnd(40)} ${String(c.base).padStart(7)} → ${String(c.alt).padStart(7)}  ${signed(c.difference).padStart(7)}   amount ${money(c.baseAmountCents)} → ${money(c.altAmountCents)}`);
    }
    const changed = r.changes.filter((c) => c.mechanism === m.mechanism);
    for (const c of changed.slice(0, TEXT_CHANGES_PER_MECHANISM)) {
      out.push(`    ~ ${c.subjectKey} (person ${c.personId ?? '-'}, case ${c.caseId ?? '-'}, LCSA ${c.lcsaCode ?? '-'}): ${briefText(c.base)} → ${briefText(c.alt)}`);
    }
    if (changed.length > TEXT_CHANGES_PER_MECHANISM) out.push(`    … and ${changed.length - TEXT_CHANGES_PER_MECHANISM} more subject(s) (--json lists them all)`);
  }
  out.push('', `${r.changes.length} subject(s) change`);
  return `${out.join('\n')}\n`;
}

/** One self-contained HTML page: configuration changes, a chart of decisions per mechanism, every count and every changed subject. */
export function renderWhatIfHtml(r: WhatIfResult): string {
  const body: string[] = [];
  body.push('<h2>Configuration changes</h2>', table({ head: ['key', 'base', 'alternative'], rows: r.configChanges.map((c) => [c.key, JSON.stringify(c.base), JSON.stringify(c.alt)]), numeric: [] }));
  body.push(`<p>Baseline: ${escapeHtml(r.baseline)}. Subjects whose recomputed baseline differs from the decisions recorded for ${escapeHtml(r.businessDate)}: ${r.recordedDifferences}.</p>`);
  const changedCount = (m: string) => r.changes.filter((c) => c.mechanism === m).length;
  const desc = `Decisions per mechanism on ${r.businessDate}: ${r.mechanisms.map((m) => `${m.mechanism} ${m.total.base} under the base configuration and ${m.total.alt} under the alternative, ${changedCount(m.mechanism)} subject(s) change`).join('; ')}.`;
  body.push(
    '<h2>Subjects that change, per mechanism</h2>',
    figure(
      'Subjects whose decision changes',
      barChart({ id: 'whatif-changes', title: 'Subjects whose decision changes, per mechanism', description: desc, labels: r.mechanisms.map((m) => m.mechanism), series: [{ name: 'subjects changed', colour: CHART_COLOURS.alt, values: r.mechanisms.map((m) => changedCount(m.mechanism)) }], format: String }),
      desc,
      { head: ['mechanism', 'decisions (base)', 'decisions (alternative)', 'difference', 'subjects changed', 'amount (base)', 'amount (alternative)', 'amount difference'], rows: r.mechanisms.map((m) => [m.mechanism, m.total.base, m.total.alt, signed(m.total.difference), changedCount(m.mechanism), dollars(m.total.baseAmountCents), dollars(m.total.altAmountCents), dollars(m.total.differenceAmountCents)]) },
    ),
  );
  body.push('<h2>Counts by outcome and reason</h2>');
  for (const m of r.mechanisms) {
    body.push(
      table({
        caption: m.mechanism,
        head: ['outcome', 'reasons', 'base', 'alternative', 'difference', 'amount (base)', 'amount (alternative)', 'amount difference'],
        rows: m.counts.map((c) => [c.outcome, c.reasons || '-', c.base, c.alt, signed(c.difference), dollars(c.baseAmountCents), dollars(c.altAmountCents), dollars(c.differenceAmountCents)]),
        numeric: [2, 3, 4, 5, 6, 7],
      }),
    );
  }
  body.push(
    '<h2>Subjects that change</h2>',
    table({ head: ['mechanism', 'subject (masked)', 'person', 'primary case', 'LCSA', 'base', 'alternative'], rows: r.changes.map((c) => [c.mechanism, c.subjectKey, c.personId ?? '-', c.caseId ?? '-', c.lcsaCode ?? '-', briefText(c.base), briefText(c.alt)]), numeric: [] }),
  );
  return page(`What-if for ${r.businessDate}`, `${r.altConfig} over ${r.baseConfig}; SSNs and account numbers masked.`, body.join('\n'));
}
