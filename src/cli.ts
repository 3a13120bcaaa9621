/**
 * The csebatch command line (OPERATIONS.md "Commands"). Argument parsing and printing only: the
 * work is done by the runner and the readers, which return structured results.
 *
 * Exit codes: 0 everything ran; 1 finished with something failed or rejected; 2 usage or
 * configuration error (nothing changed); 3 another run holds the lock (nothing changed).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ConfigError, loadConfig, loadConfigOver, PACKAGE_ROOT } from './config.ts';
import type { Config } from './config.ts';
import { acquireLock, LockHeldError } from './runner/lock.ts';
import { RerunRefusedError, RunUsageError, runNight } from './runner/night.ts';
import type { RunResult } from './runner/night.ts';
import { isKnownInterface, INBOUND_IDS, OUTBOUND_IDS } from './interfaces.ts';
import { validateFile } from './validate.ts';
import { isCalendarDate } from './layout/csvSchema.ts';
import { loadCountyMedianIncome, loadLicensingBoards } from './reference.ts';
import { listRuns, voidRun, VoidRefusedError } from './runner/runs.ts';
import type { RunHistoryRow } from './runner/runs.ts';
import { openDb } from './store/db.ts';
import { LayoutError } from './layout/schema.ts';
import { layoutIds, loadLayout } from './layout/registry.ts';
import { explain, ExplainInputError, formatExplanation } from './audit/explain.ts';
import { DiffInputError, diffFiles, formatDiff } from './audit/diff.ts';
import { formatVerify, ManifestError, verifyManifest } from './audit/verify.ts';
import { caseBalances, formatPayoff, parseAmountCents, parseRateMillionths, payoffSchedule, PayoffInputError } from './reports/payoff.ts';
import type { CaseBalances } from './reports/payoff.ts';
import { formatWhatIf, renderWhatIfHtml, whatIf, WhatIfInputError } from './reports/whatif.ts';
import { writeFileAtomic } from './io/atomicWrite.ts';
import { reportFromFile, ReportInputError } from './reports/collections.ts';
import { formatReport, renderReportHtml } from './reports/reportView.ts';
import { formatRunSummary } from './runner/closingSummary.ts';
import { setProgressSink } from './io/progress.ts';

export const EXIT = { OK: 0, FAILED: 1, USAGE: 2, LOCKED: 3 } as const;

class UsageError extends Error {
  override name = 'UsageError';
}

function businessDate(value: string): string {
  if (!isCalendarDate(value)) {
    throw new InvalidArgumentError(`expected a business date as YYYY-MM-DD, got '${value}'`);
  }
  return value;
}

interface RunFlags {
  date: string;
  inbox: string;
  out: string;
  db?: string;
  config?: string;
  json?: boolean;
  force?: boolean;
}

function addRunOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--date <YYYY-MM-DD>', 'business date', businessDate)
    .option('--inbox <dir>', 'inbound folder: <inbox>/<date>/<interface>/', './inbox')
    .option('--out <dir>', 'output folder: <out>/<date>/', './out')
    .option('--db <file>', 'SQLite database (default: <out>/csebatch.db)')
    .option('--config <file>', 'JSON configuration merged over the defaults (see `csebatch config`)')
    .option('--json', 'print the run result as JSON')
    .option('--force', 'run the date even though later business dates have already run (they are not recomputed: rerun them in order afterwards)');
}

/** Who voids a run: the OS user (a container without a passwd entry has only a uid). */
function operatorName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? `uid ${process.getuid?.() ?? '?'}`;
  }
}

/** The location options as given (defaults left out), for the commands printed back to the operator. */
function operatorArgs(flags: RunFlags): string[] {
  const args = ['--inbox', flags.inbox, '--out', flags.out];
  if (flags.db) args.push('--db', flags.db);
  if (flags.config) args.push('--config', flags.config);
  return args;
}

function formatRunRow(r: RunHistoryRow): string {
  const status = r.voided ? 'VOIDED' : r.status;
  const differs = (r.summary as { configDiffers?: { runId: number } } | null)?.configDiffers;
  const config = `${r.config.sha256?.slice(0, 12) ?? '-'}${r.config.file ? ` ${path.basename(r.config.file)}` : r.config.sha256 ? ' (defaults)' : ''}${differs ? ` ≠ run ${differs.runId}` : ''}`;
  return `${String(r.runId).padStart(5)}  ${r.businessDate}  ${r.command.padEnd(7)} ${(r.interfaces.join(',') || '-').padEnd(20)} ${status.padEnd(22)} ${String(r.exitCode ?? '-').padEnd(4)} ${r.startedAt.padEnd(24)} ${(r.endedAt ?? (r.status === 'RUNNING' ? '(running)' : '-')).padEnd(24)} ${config}${r.voided ? `  voided by ${r.voided.by} on ${r.voided.at}: ${r.voided.why}` : ''}\n`;
}

function printRun(result: RunResult, json: boolean | undefined, write: (s: string) => void): void {
  write(json ? `${JSON.stringify(result, null, 2)}\n` : formatRunSummary(result));
}

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** stderr is a terminal: long steps show progress lines there (off a terminal only the summary) */
  stderrIsTTY?: boolean;
}

const processIo: CliIo = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  get stderrIsTTY() {
    return process.stderr.isTTY === true;
  },
};

/** Runs the CLI and returns the exit code (never calls process.exit, so tests can call it). */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  let exitCode: number = EXIT.OK;
  const program = new Command('csebatch')
    .description('Nightly child support enforcement batch: match files in, enforcement decisions, partner files out.')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run with --help for usage)')
    .version((JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version, '-V, --version');

  /** Every layout is validated before any work: a broken layout stops the run before it changes anything. */
  const checkLayouts = () => {
    for (const id of layoutIds()) loadLayout(id);
  };

  const execute = async (command: 'nightly' | 'run', ids: string[], flags: RunFlags) => {
    checkLayouts();
    const config: Config = loadConfig(flags.config);
    // reference data checked before anything changes: a broken table is a configuration error (exit 2)
    loadLicensingBoards(config.reference.licensingBoards);
    loadCountyMedianIncome(config.reference.countyMedianIncome);
    const result = await runNight({
      command,
      businessDate: flags.date,
      interfaces: ids,
      inbox: flags.inbox,
      out: flags.out,
      dbFile: flags.db ?? path.join(flags.out, 'csebatch.db'),
      config,
      force: flags.force ?? false,
      ...(flags.config ? { configFile: flags.config } : {}),
      operatorArgs: operatorArgs(flags),
    });
    printRun(result, flags.json, io.stdout);
    for (const w of result.warnings) io.stderr(`csebatch: warning: ${w}\n`);
    exitCode = result.exitCode;
  };

  addRunOptions(program.command('nightly').description('load every inbound file of the date, decide every mechanism, write every outbound file')).action(
    async (flags: RunFlags) => execute('nightly', [], flags),
  );

  addRunOptions(
    program
      .command('run')
      .description('rerun only these interfaces for the date: inbound ids reload and recompute what uses them; outbound ids recompute and rewrite')
      .argument('<interface...>', `interface ids: ${[...INBOUND_IDS, ...OUTBOUND_IDS].join(', ')}`),
  ).action(async (ids: string[], flags: RunFlags) => {
    const unknown = ids.filter((id) => !isKnownInterface(id));
    if (unknown.length) throw new UsageError(`unknown interface id(s): ${unknown.join(', ')}; known: ${[...INBOUND_IDS, ...OUTBOUND_IDS].join(', ')}`);
    await execute('run', ids, flags);
  });

  program
    .command('validate')
    .description('check one file against a layout; every error with line, record type, field and positions')
    .argument('<file>', 'the file to check')
    .addOption(new Option('--layout <id>', 'layout id').makeOptionMandatory())
    .option('--json', 'print the errors as JSON')
    .option('--unmask', 'show the rejected values in full (auditors only)')
    .action(async (file: string, flags: { layout: string; json?: boolean; unmask?: boolean }) => {
      checkLayouts();
      if (!layoutIds().includes(flags.layout)) throw new UsageError(`unknown layout '${flags.layout}'; known: ${layoutIds().join(', ')}`);
      if (!fs.existsSync(file)) throw new UsageError(`no such file: ${file}`);
      if (!fs.statSync(file).isFile()) throw new UsageError(`${file} is not a regular file (a folder?); validate checks one file`);
      const report = await validateFile(file, flags.layout, { unmask: flags.unmask ?? false });
      if (flags.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
      else {
        for (const r of report.errors) {
          const pos = r.start === null ? '' : report.format === 'csv' ? ` column ${r.start}` : ` positions ${r.start}-${r.end}`;
          // messages carry the masked value; --unmask adds the value as read
          const value = r.value !== undefined ? ` (unmasked: '${r.value}')` : '';
          io.stdout(`${report.file}:${r.line}: ${r.recordType || '(no record type)'}${r.field ? ` ${r.field}` : ''}${pos}: ${r.reason}: ${r.message}${value}\n`);
        }
        const lines = report.lines === null ? '' : `${report.lines} lines, `;
        io.stdout(`${report.file}: ${report.valid ? 'valid' : 'INVALID'} (${lines}${report.rejectedLines} rejected line(s), ${report.errors.length} error(s))\n`);
      }
      exitCode = report.valid ? EXIT.OK : EXIT.FAILED;
    });

  program
    .command('explain')
    .description('every decision for a case or a person on a date: outcome, reasons, values compared, input records, outbound record')
    .option('--case <id>', 'case id')
    .option('--person <id>', 'person id (their decisions and those of the cases where they are the obligor)')
    .requiredOption('--date <YYYY-MM-DD>', 'business date', businessDate)
    .option('--out <dir>', 'output folder (outbound records are read from <out>/<date>/)', './out')
    .option('--db <file>', 'SQLite database (default: <out>/csebatch.db)')
    .option('--json', 'print as JSON')
    .option('--unmask', 'show SSNs and account numbers in full (auditors only)')
    .action((flags: { case?: string; person?: string; date: string; out: string; db?: string; json?: boolean; unmask?: boolean }) => {
      if ((flags.case === undefined) === (flags.person === undefined)) throw new UsageError('explain needs exactly one of --case ID or --person ID');
      const e = explain({
        dbFile: flags.db ?? path.join(flags.out, 'csebatch.db'),
        outDir: flags.out,
        businessDate: flags.date,
        ...(flags.case !== undefined ? { caseId: flags.case } : { personId: flags.person! }),
        unmask: flags.unmask ?? false,
      });
      io.stdout(flags.json ? `${JSON.stringify(e, null, 2)}\n` : formatExplanation(e));
      if (e.decisions.length === 0) {
        const dbFile = flags.db ?? path.join(flags.out, 'csebatch.db');
        const ran = listRuns(dbFile, flags.date).some((r) => r.decided && !r.voided);
        io.stderr(
          ran
            ? `csebatch: no decision for ${e.subject.kind} ${e.subject.id} on ${e.businessDate}\n`
            : `csebatch: ${e.businessDate} has never run (no run that decided anything in ${dbFile}'s run history), so there is no decision for ${e.subject.kind} ${e.subject.id}\n`,
        );
        exitCode = EXIT.FAILED;
      }
    });

  program
    .command('diff')
    .description('record- and field-level differences of two files of one fixed-width layout, records matched by natural key')
    .argument('<fileA>', 'the first (older) file')
    .argument('<fileB>', 'the second (newer) file')
    .addOption(new Option('--layout <id>', 'layout id of both files').makeOptionMandatory())
    .option('--json', 'print as JSON')
    .option('--unmask', 'show SSNs and account numbers in full (auditors only)')
    .action(async (fileA: string, fileB: string, flags: { layout: string; json?: boolean; unmask?: boolean }) => {
      checkLayouts();
      if (!layoutIds().includes(flags.layout)) throw new UsageError(`unknown layout '${flags.layout}'; known: ${layoutIds().join(', ')}`);
      if (loadLayout(flags.layout).format !== 'fixed') throw new UsageError(`diff compares fixed-width files; ${flags.layout} is a CSV layout`);
      const d = await diffFiles(fileA, fileB, flags.layout, { unmask: flags.unmask ?? false });
      io.stdout(flags.json ? `${JSON.stringify(d, null, 2)}\n` : formatDiff(d));
      exitCode = d.equal ? EXIT.OK : EXIT.FAILED;
    });

  program
    .command('verify')
    .description('re-hash every output a manifest lists; exit 1 naming each missing or changed file')
    .argument('<manifest>', 'a <out>/<date>/manifest.json')
    .option('--json', 'print as JSON')
    .action(async (manifest: string, flags: { json?: boolean }) => {
      const r = await verifyManifest(manifest);
      io.stdout(flags.json ? `${JSON.stringify(r, null, 2)}\n` : formatVerify(r));
      if (!r.ok) {
        for (const o of r.outputs) if (o.status !== 'ok') io.stderr(`csebatch: ${o.status}: ${o.file}\n`);
        exitCode = EXIT.FAILED;
      }
    });

  program
    .command('runs')
    .description('run history')
    .option('--date <YYYY-MM-DD>', 'only runs of this business date', businessDate)
    .option('--out <dir>', 'output folder', './out')
    .option('--db <file>', 'SQLite database (default: <out>/csebatch.db)')
    .option('--json', 'print as JSON')
    .option('--void <run-id>', 'void a mistaken run (it no longer counts as run for the rerun refusal); needs --why', (v) => {
      if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`expected a run id, got '${v}'`);
      return Number(v);
    })
    .option('--why <text>', 'why the run is voided (recorded in the run history with who voided it)')
    .action((flags: { date?: string; out: string; db?: string; json?: boolean; void?: number; why?: string }) => {
      const dbFile = flags.db ?? path.join(flags.out, 'csebatch.db');
      if (flags.void !== undefined) {
        if (!flags.why?.trim()) throw new UsageError('runs --void RUN_ID needs --why TEXT (recorded in the run history)');
        if (!fs.existsSync(dbFile)) throw new UsageError(`no database at ${dbFile} (use --db or --out)`);
        const who = operatorName();
        const lock = acquireLock(`${path.resolve(dbFile)}.lock`, { command: 'runs --void', businessDate: '' });
        try {
          const db = openDb(dbFile);
          try {
            const v = voidRun(db, flags.void, who, flags.why, new Date().toISOString());
            io.stdout(`run ${flags.void} (${v.businessDate}) voided by ${v.by} at ${v.at}: ${v.why}\n`);
          } finally {
            db.close();
          }
        } finally {
          lock.release();
        }
        return;
      }
      const runs = fs.existsSync(dbFile) ? listRuns(dbFile, flags.date) : [];
      if (flags.json) {
        io.stdout(`${JSON.stringify(runs, null, 2)}\n`);
        return;
      }
      if (runs.length === 0) {
        io.stdout('no runs\n');
        return;
      }
      io.stdout(
        `${'run'.padStart(5)}  ${'date'.padEnd(10)}  ${'command'.padEnd(7)} ${'interfaces'.padEnd(20)} ${'status'.padEnd(22)} ${'exit'.padEnd(4)} ${'started (UTC)'.padEnd(24)} ${'ended (UTC)'.padEnd(24)} config\n`,
      );
      for (const r of runs) io.stdout(formatRunRow(r));
    });

  program
    .command('payoff')
    .description('months to pay off arrears at a monthly payment: California simple interest on unpaid principal, payments to principal first')
    .option('--principal <amount>', 'unpaid support (principal) in dollars, e.g. 5000 or 5,000.00')
    .option('--interest <amount>', 'interest already accrued, in dollars')
    .option('--monthly <amount>', 'monthly payment in dollars (with --case: default the order\'s monthly arrears payment)')
    .option('--rate <percent>', 'yearly simple interest rate in percent (CCP 685.010)', '10')
    .option('--case <id>', 'read principal (DOMAIN 4) and arrears interest of this case from the case extract of --date')
    .option('--date <YYYY-MM-DD>', 'with --case: the business date of the case extract held in the store', businessDate)
    .option('--out <dir>', 'with --case: output folder', './out')
    .option('--db <file>', 'with --case: SQLite database (default: <out>/csebatch.db)')
    .option('--config <file>', 'with --case: JSON configuration (foster-care exclusion date of DOMAIN 4)')
    .option('--json', 'print the schedule as JSON')
    .action(
      (flags: { principal?: string; interest?: string; monthly?: string; rate: string; case?: string; date?: string; out: string; db?: string; config?: string; json?: boolean }) => {
        let info: CaseBalances | undefined;
        let principalCents: number;
        let interestCents: number;
        let monthlyCents: number;
        if (flags.case !== undefined) {
          if (flags.date === undefined) throw new UsageError('payoff --case needs --date D');
          if (flags.principal !== undefined || flags.interest !== undefined) throw new UsageError('payoff --case reads principal and interest from the case: do not give --principal or --interest');
          info = caseBalances(flags.db ?? path.join(flags.out, 'csebatch.db'), flags.case, flags.date, loadConfig(flags.config));
          principalCents = info.principalCents;
          interestCents = info.interestCents;
          monthlyCents = flags.monthly !== undefined ? parseAmountCents(flags.monthly, '--monthly') : info.monthlyArrearsPaymentCents;
          if (flags.monthly === undefined && monthlyCents <= 0) throw new PayoffInputError(`case ${flags.case}: the order sets no monthly arrears payment; give --monthly`);
        } else {
          const missing = (['principal', 'interest', 'monthly'] as const).filter((k) => flags[k] === undefined);
          if (missing.length) throw new UsageError(`payoff needs ${missing.map((k) => `--${k}`).join(', ')} (or --case ID --date D)`);
          principalCents = parseAmountCents(flags.principal!, '--principal');
          interestCents = parseAmountCents(flags.interest!, '--interest');
          monthlyCents = parseAmountCents(flags.monthly!, '--monthly');
        }
        const input = { principalCents, interestCents, monthlyCents, rateMillionths: parseRateMillionths(flags.rate) };
        const r = payoffSchedule(input);
        io.stdout(flags.json ? `${JSON.stringify(r)}\n` : formatPayoff(r, input, info));
      },
    );

  program
    .command('whatif')
    .description("recompute D's decisions under another configuration in a scratch copy of the database (nothing real changes): counts, changed subjects, amounts")
    .requiredOption('--date <YYYY-MM-DD>', 'business date', businessDate)
    .addOption(new Option('--config <file>', 'the alternative configuration: JSON deep-merged over --base-config').makeOptionMandatory())
    .option('--base-config <file>', 'the configuration the night ran with (default: the defaults)')
    .option('--inbox <dir>', 'where the case extract of D is read when the store holds a later snapshot', './inbox')
    .option('--out <dir>', 'output folder', './out')
    .option('--db <file>', 'SQLite database (default: <out>/csebatch.db)')
    .option('--json', 'print as JSON')
    .option('--html <file>', 'also write a self-contained HTML page')
    .action(async (flags: { date: string; config: string; baseConfig?: string; inbox: string; out: string; db?: string; json?: boolean; html?: string }) => {
      checkLayouts();
      const baseConfig = loadConfig(flags.baseConfig);
      const altConfig = loadConfigOver(flags.baseConfig, flags.config);
      const r = await whatIf({
        dbFile: flags.db ?? path.join(flags.out, 'csebatch.db'),
        businessDate: flags.date,
        baseConfig,
        altConfig,
        inbox: flags.inbox,
        baseLabel: flags.baseConfig ? path.basename(flags.baseConfig) : 'the defaults',
        altLabel: path.basename(flags.config),
      });
      if (flags.html) writeFileAtomic(flags.html, renderWhatIfHtml(r));
      io.stdout(flags.json ? `${JSON.stringify(r, null, 2)}\n` : formatWhatIf(r));
    });

  program
    .command('report')
    .description('collections by source and month, mechanism outcomes per night, effectiveness of levies and IWOs (read-only)')
    .requiredOption('--from <YYYY-MM-DD>', 'first date of the range', businessDate)
    .requiredOption('--to <YYYY-MM-DD>', 'last date of the range', businessDate)
    .option('--lcsa <code>', 'one LCSA (county code) instead of statewide')
    .option('--out <dir>', 'output folder', './out')
    .option('--db <file>', 'SQLite database (default: <out>/csebatch.db)')
    .option('--config <file>', 'JSON configuration (report.levyCollectionDays)')
    .option('--json', 'print as JSON')
    .option('--html <file>', 'also write a self-contained HTML page with charts')
    .action((flags: { from: string; to: string; lcsa?: string; out: string; db?: string; config?: string; json?: boolean; html?: string }) => {
      const r = reportFromFile(flags.db ?? path.join(flags.out, 'csebatch.db'), { from: flags.from, to: flags.to, lcsa: flags.lcsa, config: loadConfig(flags.config) });
      if (flags.html) writeFileAtomic(flags.html, renderReportHtml(r));
      io.stdout(flags.json ? `${JSON.stringify(r, null, 2)}\n` : formatReport(r));
    });

  program
    .command('config')
    .description('print the effective configuration (defaults merged with --config)')
    .option('--config <file>', 'JSON configuration merged over the defaults')
    .action((flags: { config?: string }) => {
      io.stdout(`${JSON.stringify(loadConfig(flags.config), null, 2)}\n`);
    });

  setProgressSink({ isTTY: io.stderrIsTTY === true, write: io.stderr });
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here too, with exit code 0
      return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    if (e instanceof LockHeldError) {
      io.stderr(`csebatch: ${e.message}\n`);
      return EXIT.LOCKED;
    }
    if (
      e instanceof ConfigError ||
      e instanceof UsageError ||
      e instanceof LayoutError ||
      e instanceof RerunRefusedError ||
      e instanceof RunUsageError ||
      e instanceof VoidRefusedError ||
      e instanceof ExplainInputError ||
      e instanceof DiffInputError ||
      e instanceof ManifestError ||
      e instanceof PayoffInputError ||
      e instanceof WhatIfInputError ||
      e instanceof ReportInputError
    ) {
      io.stderr(`csebatch: ${e.message}\n`);
      return EXIT.USAGE;
    }
    io.stderr(`csebatch: ${(e as Error).stack ?? String(e)}\n`);
    return EXIT.FAILED;
  } finally {
    setProgressSink(null);
  }
}
