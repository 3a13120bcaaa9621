/**
 * The runner: one business date, `nightly` (everything) or `run <ids>` (what depends on those
 * interfaces). It owns the lock, the run history row, the order of the steps, the per-mechanism
 * transaction, the outbound writes, rejects files, the manifest and the exit code. The CLI only
 * parses arguments and prints what this returns.
 *
 *   load inbound (stream → staging) → derived facts → per mechanism: decide + format in one
 *   transaction → write files atomically → tasks.csv → rejects files → manifest
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import { configIdentity, configKeysThatDiffer } from '../config.ts';
import { openDb } from '../store/db.ts';
import { BackgroundCheckpointer } from '../store/checkpointer.ts';
import type { Db } from '../store/db.ts';
import { createRunLogger } from '../log.ts';
import type { Logger } from '../log.ts';
import { acquireLock } from './lock.ts';
import { laterRunDates } from './runs.ts';
import { loadLicensingBoards } from '../reference.ts';
import { loadCaseExtract } from '../inbound/caseExtract.ts';
import { loadFixedWidthInterface, storeRejects } from '../inbound/loadInterface.ts';
import type { InboundFileResult } from '../inbound/loadInterface.ts';
import { computeDerivedFacts } from '../rules/derived.ts';
import { CASE_EXTRACT, FIXED_WIDTH_INBOUND, INBOUND_IDS, MECHANISMS, OUTBOUND, TASKS } from '../interfaces.ts';
import type { Mechanism } from '../interfaces.ts';
import { buildTasksCsv } from '../outbound/tasks.ts';
import { writeOutbound } from '../outbound/outputs.ts';
import type { OutboundFile } from '../outbound/outputs.ts';
import { writeRejectsFile } from './rejectsFile.ts';
import { buildManifest, saveSummary, writeManifest } from './manifest.ts';
import { ensureStagingTables } from '../store/staging.ts';
import { fixedLayout } from '../layout/registry.ts';
import { summarizeInboundMatches } from '../rules/matching.ts';
import { countOutcomes } from '../rules/summary.ts';
import type { OutcomeCounts } from '../rules/summary.ts';
import { progress } from '../io/progress.ts';
import { tallyText } from './closingSummary.ts';

export interface RunOptions {
  command: 'nightly' | 'run';
  businessDate: string;
  /** for `run`: the interface ids asked for (inbound or outbound) */
  interfaces: string[];
  inbox: string;
  out: string;
  dbFile: string;
  config: Config;
  /** run D even though later business dates have already run (their ledgers are not recomputed) */
  force?: boolean;
  /** the --config file given (recorded in the run history and the manifest; absent: the defaults) */
  configFile?: string;
  /**
   * the location options as the operator gave them (`--inbox X --out Y …`), so that the commands
   * the forced-rerun warning prints work as they are (issue 14.8)
   */
  operatorArgs?: string[];
}

/**
 * A run refused before anything was changed for a reason of the command line (exit 2): a business
 * date too far in the future, an inbox folder that does not exist, an outbound rerun of a date
 * whose snapshot is neither in the store nor in the inbox.
 */
export class RunUsageError extends Error {
  override name = 'RunUsageError';
}

/**
 * A rerun of D refused because later business dates have already run: their ledgers (levied
 * accounts, IWOs in force, certifications…) were computed on top of D's. Nothing was changed.
 */
export class RerunRefusedError extends Error {
  override name = 'RerunRefusedError';
  constructor(
    readonly businessDate: string,
    readonly laterDates: string[],
  ) {
    super(
      `refusing to rerun ${businessDate}: later business date(s) ${laterDates.join(', ')} have already run, and their ledgers ` +
        `depend on ${businessDate}'s. Nothing was changed. Rerun with --force to run ${businessDate} anyway, then rerun ` +
        `${laterDates.join(', ')} in that order.`,
    );
  }
}

export interface InterfaceOutcome {
  interface: string;
  status: 'loaded' | 'no file' | 'rejected' | 'missing' | 'failed' | 'written' | 'skipped';
  read?: number;
  loaded?: number;
  rejected?: number;
  /** rows of the interface's rejects file (equals what the file holds, issue 14.10) */
  rejectRows?: number;
  /** outbound (status written): the records the file holds, header and trailer included */
  records?: number;
  message?: string;
}

/** Per mechanism run: what became of its subjects (the closing summary, src/runner/closingSummary.ts). */
export interface MechanismTally extends OutcomeCounts {
  mechanism: string;
}

export interface RunResult {
  runId: number;
  exitCode: 0 | 1;
  businessDate: string;
  interfaces: InterfaceOutcome[];
  /** why the exit code is 1, one line each, for the operator */
  problems: string[];
  summary: Record<string, unknown>;
  outDir: string;
  logFile: string;
  /** wall-clock milliseconds per step, and peak RSS: run history and --json only, never in output files */
  timings: Record<string, number>;
  peakRssMb: number;
  /**
   * later business dates that had already run when this (forced) rerun of an earlier date ran:
   * they were NOT recomputed; the operator reruns them in this order
   */
  laterDates: string[];
  /** messages for the operator that do not change the exit code (printed to stderr) */
  warnings: string[];
  /** outcome counts of every mechanism this run decided, in run order */
  mechanisms: MechanismTally[];
  /** the date's output files with truncated values, by `<record>.<field>` (as the manifest) */
  truncations: Array<{ file: string; fields: Record<string, number> }>;
}

/** What a `run` touches: inbound ids to reload, mechanisms to recompute, whether tasks.csv is rewritten. */
export interface RunPlan {
  reload: string[];
  mechanisms: Mechanism[];
}

export function planRun(command: 'nightly' | 'run', ids: string[]): RunPlan {
  if (command === 'nightly') return { reload: INBOUND_IDS, mechanisms: MECHANISMS };
  const reload = INBOUND_IDS.filter((id) => ids.includes(id));
  const chosen = MECHANISMS.filter(
    (m) =>
      ids.includes(CASE_EXTRACT) ||
      m.inputs.some((i) => ids.includes(i)) ||
      m.outputs.some((o) => ids.includes(o)),
  );
  const mechanisms = chosen.some((m) => !m.followsOthers) ? MECHANISMS.filter((m) => chosen.includes(m) || m.followsOthers) : chosen;
  return { reload, mechanisms };
}

function nowIso(): string {
  return new Date().toISOString();
}

/** Days from today's date (UTC, wall clock) to the business date: positive in the future. */
function daysAhead(businessDate: string): number {
  const today = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
  return Math.round((Date.parse(`${businessDate}T00:00:00Z`) - today) / 86_400_000);
}

export async function runNight(opts: RunOptions): Promise<RunResult> {
  // Refused before anything is recorded (issue 14.1, 14.3): a date far in the future is a typo
  // that would otherwise count as run and block every earlier night; a missing inbox is a usage error.
  const ahead = daysAhead(opts.businessDate);
  if (ahead > opts.config.schedule.maxDaysAhead) {
    throw new RunUsageError(
      `refusing business date ${opts.businessDate}: it is ${ahead} day(s) after today (UTC), more than schedule.maxDaysAhead = ${opts.config.schedule.maxDaysAhead}. Nothing was changed.`,
    );
  }
  // nightly and inbound reloads read the inbox; `run <outbound id>` may recompute from the store
  if (planRun(opts.command, opts.interfaces).reload.length > 0 && !fs.existsSync(opts.inbox)) {
    throw new RunUsageError(`inbox folder ${opts.inbox} does not exist (--inbox); nothing was changed`);
  }
  const lock = acquireLock(`${path.resolve(opts.dbFile)}.lock`, { command: opts.command, businessDate: opts.businessDate });
  try {
    const db = openDb(opts.dbFile);
    // the WAL is copied into the database on the second core while the next step runs (issue 10)
    const checkpoints = new BackgroundCheckpointer(db, opts.dbFile);
    try {
      // Before anything in the store changes: a date earlier than one already run is refused
      // (its later ledgers depend on it) unless forced; a rerun of the same date is fine.
      const later = laterRunDates(db, opts.businessDate);
      if (later.length > 0 && !opts.force) throw new RerunRefusedError(opts.businessDate, later);
      refuseRecomputeWithoutSnapshot(db, opts);
      return await runLocked(db, opts, lock.recoveredFrom, later, checkpoints);
    } finally {
      try {
        await checkpoints.stop();
      } finally {
        db.close();
      }
    }
  } finally {
    lock.release();
  }
}

/**
 * `run <outbound id>` recomputes from the staged snapshot of D (issue 14.10). The store keeps one
 * snapshot, the latest loaded; for another date the case extract of D must be reloaded from the
 * inbox, and when the inbox does not have it the run is refused before anything changes (exit 2)
 * rather than failing and rewriting D's record.
 */
function refuseRecomputeWithoutSnapshot(db: Db, opts: RunOptions): void {
  const plan = planRun(opts.command, opts.interfaces);
  if (opts.command !== 'run' || plan.mechanisms.length === 0 || plan.reload.includes(CASE_EXTRACT)) return;
  const held = snapshotDateOf(db);
  if (held === opts.businessDate) return;
  const dir = path.join(opts.inbox, opts.businessDate, CASE_EXTRACT);
  if (fs.existsSync(dir)) return;
  throw new RunUsageError(
    `cannot recompute ${opts.interfaces.join(', ')} for ${opts.businessDate}: the store holds the case-extract snapshot of ${held ?? 'no date'} ` +
      `(only the latest loaded snapshot is kept), and ${dir} does not exist to reload ${opts.businessDate}'s. ` +
      `Give --inbox with ${opts.businessDate}'s case extract. Nothing was changed.`,
  );
}

function snapshotDateOf(db: Db): string | undefined {
  return (db.prepare(`SELECT business_date FROM snapshot WHERE name = 'case-extract'`).get() as { business_date: string } | undefined)?.business_date;
}

/** Shell-quotes an argument of a command printed for the operator to paste. */
function shellArg(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`;
}

/** The commands that rerun the later dates in order: --force for all but the last (issue 14.8). */
export function rerunCommands(laterDates: string[], operatorArgs: string[]): string[] {
  return laterDates.map((x, i) =>
    ['csebatch', 'nightly', '--date', x, ...operatorArgs, ...(i < laterDates.length - 1 ? ['--force'] : [])].map(shellArg).join(' '),
  );
}

async function runLocked(
  db: Db,
  opts: RunOptions,
  recoveredFrom: { pid: number } | null,
  laterDates: string[],
  checkpoints: BackgroundCheckpointer,
): Promise<RunResult> {
  const { businessDate: d, config } = opts;
  for (const spec of FIXED_WIDTH_INBOUND) ensureStagingTables(db, fixedLayout(spec.id));
  // Runs left RUNNING by a process that died (kill -9) are closed as FAILED: we hold the lock now.
  db.prepare(`UPDATE runs SET status = 'FAILED', ended_at = ?, exit_code = NULL WHERE status = 'RUNNING'`).run(nowIso());
  const configId = configIdentity(config);
  const configFile = opts.configFile ? path.resolve(opts.configFile) : null;
  // the latest run of D that decided, to compare configurations with (issue 14.9)
  const earlierOfDate = db
    .prepare(
      `SELECT run_id, config_sha256, config_json, config_file FROM runs
       WHERE business_date = ? AND decided = 1 AND voided_at IS NULL AND config_sha256 IS NOT NULL AND status != 'RUNNING'
       ORDER BY run_id DESC LIMIT 1`,
    )
    .get(d) as { run_id: number; config_sha256: string; config_json: string; config_file: string | null } | undefined;
  const runId = Number(
    db
      .prepare(
        `INSERT INTO runs (business_date, command, interfaces, status, pid, started_at, decided, config_sha256, config_json, config_file)
         VALUES (?, ?, ?, 'RUNNING', ?, ?, 0, ?, ?, ?)`,
      )
      .run(d, opts.command, JSON.stringify(opts.interfaces), process.pid, nowIso(), configId.sha256, configId.json, configFile).lastInsertRowid,
  );
  const logFile = path.join(opts.out, 'logs', `${d}.${runId}.log`);
  const log = createRunLogger(logFile);
  if (recoveredFrom) log.warn({ deadPid: recoveredFrom.pid }, 'recovered a stale lock left by a process that no longer runs');
  log.info({ runId, command: opts.command, businessDate: d, interfaces: opts.interfaces }, 'run started');
  const warnings: string[] = [];
  if (laterDates.length > 0) {
    const w = `forced rerun of ${d}: later business date(s) ${laterDates.join(', ')} were computed on the earlier results of ${d} and were NOT recomputed; rerun them in this order: ${rerunCommands(laterDates, opts.operatorArgs ?? []).join(' ; then ')}`;
    warnings.push(w);
    log.warn({ laterDates }, w);
  }
  let configDiffers: { runId: number; keys: string[] } | null = null;
  if (earlierOfDate && earlierOfDate.config_sha256 !== configId.sha256) {
    configDiffers = { runId: earlierOfDate.run_id, keys: configKeysThatDiffer(earlierOfDate.config_json, configId.json) };
    const w =
      `configuration differs from run ${earlierOfDate.run_id} of ${d} (${earlierOfDate.config_file ?? 'the defaults'} → ${configFile ?? 'the defaults'}): ` +
      `${configDiffers.keys.join(', ')}; the outputs of ${d} follow this run's configuration`;
    warnings.push(w);
    log.warn({ configDiffers }, w);
  }

  const outDir = path.join(opts.out, d);
  fs.mkdirSync(outDir, { recursive: true, mode: 0o700 });
  removeStaleTempFiles(outDir, log);
  const dateDir = path.join(opts.inbox, d);
  const outcomes: InterfaceOutcome[] = [];
  const problems: string[] = [];
  const plan = planRun(opts.command, opts.interfaces);
  const timings: Record<string, number> = {};
  const tallies = new Map<string, OutcomeCounts>();
  const timed = async <T>(step: string, fn: () => T | Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      const result = await fn();
      // what the step committed is checkpointed while the next one runs
      await checkpoints.afterCommit();
      return result;
    } finally {
      timings[step] = Math.round(performance.now() - t0);
      log.debug({ step, ms: timings[step], rssMb: Math.round(process.memoryUsage.rss() / 1048576) }, 'step finished');
    }
  };

  try {
    // 1. The case extract: reloaded when asked, or when the store holds another date's snapshot.
    const snapshotDate = snapshotDateOf(db);
    // Rules need D's snapshot; so do the match counts of any inbound interface reloaded.
    const needSnapshot = plan.mechanisms.length > 0 || plan.reload.length > 0;
    let snapshotOk = snapshotDate === d;
    const earlierOutputs = hasOutputs(db, d);
    if (plan.reload.includes(CASE_EXTRACT) || (needSnapshot && snapshotDate !== d)) {
      snapshotOk = await timed(CASE_EXTRACT, () => loadSnapshot(db, config, d, dateDir, runId, log, outcomes, problems, earlierOutputs));
    }
    // Nothing is decided without D's snapshot (DOMAIN 3: the match files are still loaded and
    // validated, for their rejects files); the manifest of D is then kept (issue 14.3).
    const producedNothing = plan.mechanisms.length > 0 && !snapshotOk;

    // 2. Match files: each interface on its own; one failing does not stop the others.
    for (const spec of FIXED_WIDTH_INBOUND) {
      if (!plan.reload.includes(spec.id)) continue;
      try {
        const { files, refused } = await timed(spec.id, () => loadFixedWidthInterface({ db, businessDate: d, runId, dateDir, log }, spec, opts.inbox));
        outcomes.push(interfaceOutcome(spec.id, files, refused, rejectRowCount(db, d, spec.id)));
        // rejected records, and files refused unread (a symlink out of the inbox counts as one)
        const rejected = files.reduce((n, f) => n + f.rejected, 0) + refused;
        if (rejected > config.rejects.maxPerInterface) {
          problems.push(`${spec.id}: ${rejected} rejected record(s), more than rejects.maxPerInterface = ${config.rejects.maxPerInterface} (see rejects/${spec.id}.rejects.csv)`);
        }
        // An empty or truncated file (no header, no trailer, 0 bytes) is a failed transfer, whatever
        // the reject tolerance: EDD receipts suppress levies, so a silently empty file levies (issue 14.2).
        for (const f of files) {
          if (f.failedTransfer) problems.push(`${spec.id}: ${f.file}: failed transfer: ${f.failedTransfer}; ask the partner to resend, then csebatch run ${spec.id} --date ${d}`);
        }
      } catch (e) {
        log.error({ interface: spec.id, err: e }, 'interface failed');
        outcomes.push({ interface: spec.id, status: 'failed', message: (e as Error).message });
        problems.push(`${spec.id}: failed: ${(e as Error).message}`);
      }
    }

    // 3. Rules and outbound files, only on a good snapshot of D (DOMAIN 3: no partial snapshot).
    if (plan.mechanisms.length > 0 && !snapshotOk) {
      problems.push(`no rules run and no outbound file written for ${d}: the case extract is missing or rejected; earlier outputs of ${d} are kept`);
      for (const m of plan.mechanisms) for (const o of m.outputs) outcomes.push({ interface: o, status: 'skipped' });
    } else if (snapshotOk && needSnapshot) {
      await timed('derived', () => computeDerivedFacts(db, d, config));
      saveSummary(db, d, 'inbound', summarizeInboundMatches(db, d, FIXED_WIDTH_INBOUND));
      for (const m of plan.mechanisms) tallies.set(m.id, await timed(`mechanism:${m.id}`, () => runMechanism(db, m, opts, outDir, log, outcomes, problems, timings)));
      if (plan.mechanisms.length > 0) db.prepare('UPDATE runs SET decided = 1 WHERE run_id = ?').run(runId);
    }
    // tasks.csv comes from D's stored tasks: rewritten after the mechanisms, or when asked for.
    if ((snapshotOk && plan.mechanisms.length > 0) || opts.interfaces.includes(TASKS)) {
      const tasksCsv = buildTasksCsv(db, d, outDir);
      await timed(TASKS, () => writeOutbound(db, outDir, d, tasksCsv));
      outcomes.push({ interface: TASKS, status: 'written', records: recordCount(tasksCsv) });
    }

    // 4. Rejects files for every inbound interface touched, and the manifest of the date.
    for (const id of INBOUND_IDS) if (plan.reload.includes(id)) writeRejectsFile(db, outDir, d, id);
    // A run that produced nothing keeps the earlier manifest of D: it describes the files in the
    // folder and the inputs that produced them (issue 14.3).
    const keepManifest = producedNothing && earlierOutputs;
    if (keepManifest) warnings.push(`the manifest of ${d} is kept: it describes the outputs of the earlier run of ${d} and the inputs that produced them`);
    const manifest = await timed('manifest', () => (keepManifest ? buildManifest(db, d) : writeManifest(db, outDir, d)));
    const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);

    // each mechanism's counts as it committed them (later mechanisms never change its decisions)
    const mechanisms = snapshotOk ? plan.mechanisms.map((m) => ({ mechanism: m.id, ...(tallies.get(m.id) ?? countOutcomes(db, d, m.id)) })) : [];
    const exitCode = problems.length > 0 ? 1 : 0;
    for (const p of problems) log.warn({ problem: p }, 'run problem');
    db.prepare(`UPDATE runs SET status = ?, exit_code = ?, ended_at = ?, summary = ? WHERE run_id = ?`).run(
      exitCode === 0 ? 'SUCCEEDED' : 'COMPLETED_WITH_ERRORS',
      exitCode,
      nowIso(),
      JSON.stringify({ interfaces: outcomes, problems, warnings, laterDates, configDiffers, summary: manifest.summary, timings, peakRssMb }),
      runId,
    );
    log.info({ exitCode, problems: problems.length, timings, peakRssMb }, 'run finished');
    return { runId, exitCode, businessDate: d, interfaces: outcomes, problems, summary: manifest.summary, outDir, logFile, timings, peakRssMb, laterDates, warnings, mechanisms,
      truncations: manifest.outputs.filter((o) => Object.keys(o.truncatedFields).length > 0).map((o) => ({ file: o.file, fields: o.truncatedFields })) };
  } catch (e) {
    log.error({ err: e }, 'run failed');
    db.prepare(`UPDATE runs SET status = 'FAILED', exit_code = 1, ended_at = ?, summary = ? WHERE run_id = ?`).run(
      nowIso(),
      JSON.stringify({ interfaces: outcomes, problems: [...problems, (e as Error).message] }),
      runId,
    );
    throw e;
  }
}

/**
 * Crash recovery: a run killed while writing an outbound file leaves its temporary file
 * (`.<name>.<pid>.tmp`, src/io/atomicWrite.ts) beside the final one, which is untouched. We hold
 * the lock, so no other run is writing here: every such file is a leftover and is removed, so the
 * date folder holds only complete outputs (and stays byte-identical to an uninterrupted run).
 */
function removeStaleTempFiles(outDir: string, log: Logger): void {
  for (const dir of [outDir, path.join(outDir, 'rejects')]) {
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir)) {
      if (!/^\..+\.\d+\.tmp$/.test(name)) continue;
      fs.rmSync(path.join(dir, name), { force: true });
      log.warn({ file: path.relative(outDir, path.join(dir, name)) }, 'removed a partial output left by an interrupted run');
    }
  }
}

/**
 * What the console and the run history say of an interface. "no file" only when its folder held
 * nothing to read: a folder or device refused in it makes it `rejected` (issue 14.10). `rejectRows`
 * is the number of rows of its rejects file, which can exceed the rejected lines (several problems
 * on one line, file-level rows on line 0).
 */
function interfaceOutcome(id: string, files: InboundFileResult[], refused: number, rejectRows: number): InterfaceOutcome {
  if (files.length === 0 && refused === 0) return { interface: id, status: 'no file' };
  const sum = (k: 'read' | 'loaded' | 'rejected') => files.reduce((n, f) => n + f[k], 0);
  return {
    interface: id,
    status: files.every((f) => f.status === 'rejected') ? 'rejected' : 'loaded',
    read: sum('read'),
    loaded: sum('loaded'),
    rejected: sum('rejected'),
    rejectRows,
    ...(refused > 0 ? { message: `${refused} entr${refused === 1 ? 'y' : 'ies'} refused unread (not a regular file inside the inbox)` } : {}),
  };
}

function rejectRowCount(db: Db, d: string, id: string): number {
  return (db.prepare('SELECT count(*) AS n FROM rejects WHERE business_date = ? AND interface = ?').get(d, id) as { n: number }).n;
}

function hasOutputs(db: Db, d: string): boolean {
  return db.prepare('SELECT 1 FROM output_files WHERE business_date = ? LIMIT 1').get(d) !== undefined;
}

async function loadSnapshot(
  db: Db,
  config: Config,
  d: string,
  dateDir: string,
  runId: number,
  log: Logger,
  outcomes: InterfaceOutcome[],
  problems: string[],
  earlierOutputs: boolean,
): Promise<boolean> {
  // DOMAIN 6.5: a license row whose board is not in the reference list is rejected
  const licensingBoards = loadLicensingBoards(config.reference.licensingBoards).map((b) => b.boardCode);
  const result = await loadCaseExtract(db, path.join(dateDir, CASE_EXTRACT), { licensingBoards });
  const insert = db.prepare(
    `INSERT INTO inbound_files (business_date, interface, file, bytes, sha256, status, read, loaded, rejected, run_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  // A rejected or missing extract on a date that already has outputs keeps the inputs recorded
  // for D (they produced those outputs); its rejects replace the earlier ones, for the operator.
  const keepInputs = !result.ok && earlierOutputs;
  db.prepare('DELETE FROM rejects WHERE business_date = ? AND interface = ?').run(d, CASE_EXTRACT);
  db.transaction(() => {
    if (!keepInputs) db.prepare('DELETE FROM inbound_files WHERE business_date = ? AND interface = ?').run(d, CASE_EXTRACT);
    for (const f of keepInputs ? [] : result.files) {
      insert.run(d, CASE_EXTRACT, f.file, f.bytes, f.sha256, result.ok ? 'loaded' : 'rejected', f.read, f.loaded, f.rejected, runId);
    }
    if (result.ok) {
      db.prepare(
        `INSERT INTO snapshot (name, business_date) VALUES ('case-extract', ?)
         ON CONFLICT (name) DO UPDATE SET business_date = excluded.business_date`,
      ).run(d);
    }
  })();
  storeRejects(db, d, CASE_EXTRACT, result.rejects);
  const sum = (k: 'read' | 'loaded' | 'rejected') => result.files.reduce((n, f) => n + f[k], 0);
  const missing = result.files.length === 0 || result.rejects.some((r) => r.line === 0 && r.reason === 'STRUCTURE' && !fs.existsSync(path.join(dateDir, CASE_EXTRACT, r.file)));
  if (result.ok) {
    outcomes.push({ interface: CASE_EXTRACT, status: 'loaded', read: sum('read'), loaded: sum('loaded'), rejected: 0, rejectRows: 0 });
    log.info({ interface: CASE_EXTRACT, rows: sum('loaded') }, 'case extract loaded');
  } else {
    outcomes.push({ interface: CASE_EXTRACT, status: missing ? 'missing' : 'rejected', read: sum('read'), loaded: 0, rejected: sum('rejected'), rejectRows: result.rejects.length });
    problems.push(
      missing
        ? `case-extract: missing for ${d} (${path.join(dateDir, CASE_EXTRACT)})`
        : `case-extract: snapshot rejected (${result.rejects.length} problem(s), see rejects/case-extract.rejects.csv)`,
    );
    log.error({ interface: CASE_EXTRACT, rejects: result.rejects.length, missing }, 'case extract not usable: no rules run');
  }
  return result.ok;
}

/** Decides a mechanism and formats its files in one transaction, then writes the files; returns its counts. */
function runMechanism(
  db: Db,
  m: Mechanism,
  opts: RunOptions,
  outDir: string,
  log: Logger,
  outcomes: InterfaceOutcome[],
  problems: string[],
  /** gets `mechanism:<id>:decide`, `:build` (format, in the transaction), `:commit` and `:write` */
  timings: Record<string, number>,
): OutcomeCounts {
  const d = opts.businessDate;
  const step = (part: string, t0: number) => (timings[`mechanism:${m.id}:${part}`] = Math.round(performance.now() - t0));
  const outputs = OUTBOUND.filter((o) => o.mechanism === m.id);
  let unwritable = 0;
  const ctx = { command: opts.command, requested: opts.interfaces, spoolDir: outDir };
  const replaced: string[] = [];
  const bar = progress(`mechanism ${m.id}`);
  bar.status('deciding...');
  let t0 = performance.now();
  const files = db.transaction(() => {
    m.decide(db, d, opts.config, ctx);
    step('decide', t0);
    t0 = performance.now();
    if (outputs.length > 0) bar.status('formatting...');
    const built = outputs.flatMap((o) => {
      const b = o.build(db, d, opts.config, ctx);
      unwritable += b.unwritable;
      if (!b.keepEarlier) replaced.push(o.id);
      return b.files;
    });
    saveSummary(db, d, m.id, m.summarize(db, d));
    step('build', t0);
    t0 = performance.now();
    return built;
  })();
  step('commit', t0);
  const tally = countOutcomes(db, d, m.id);
  bar.done(tallyText(tally));
  t0 = performance.now();
  removeStaleOutputs(db, outDir, d, replaced, files, log);
  for (const f of files) {
    writeOutbound(db, outDir, d, f);
    outcomes.push({ interface: f.interface, status: 'written', records: recordCount(f) });
    log.info({ interface: f.interface, file: f.file, records: f.records, truncated: f.truncated, truncatedFields: f.truncatedFields }, 'outbound file written');
  }
  step('write', t0);
  if (unwritable > 0) {
    problems.push(`${m.id}: ${unwritable} record(s) could not be written (UNWRITABLE_VALUE); see the decisions of ${d}`);
  }
  return tally;
}

function recordCount(f: OutboundFile): number {
  return Object.values(f.records).reduce((a, b) => a + b, 0);
}

/**
 * A rerun of D that writes fewer files for an interface than an earlier run of D (`eiwo-002.txt` no
 * longer needed; a Metro 2 month end left without a base segment) removes the earlier file and its
 * manifest row, so the date folder holds exactly what the store decided.
 */
function removeStaleOutputs(db: Db, outDir: string, d: string, interfaces: string[], files: OutboundFile[], log: Logger): void {
  if (interfaces.length === 0) return;
  const keep = new Set(files.map((f) => f.file));
  const earlier = db
    .prepare(`SELECT interface, file FROM output_files WHERE business_date = ? AND interface IN (${interfaces.map(() => '?').join(', ')})`)
    .all(d, ...interfaces) as Array<{ interface: string; file: string }>;
  for (const e of earlier) {
    if (keep.has(e.file)) continue;
    fs.rmSync(path.join(outDir, e.file), { force: true });
    db.prepare('DELETE FROM output_files WHERE business_date = ? AND file = ?').run(d, e.file);
    log.info({ interface: e.interface, file: e.file }, 'removed an output file of an earlier run of the date that this run no longer writes');
  }
}
