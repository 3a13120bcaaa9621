/**
 * The csebatch command line (OPERATIONS.md "Commands"). Argument parsing and printing only: the
 * work is done by the runner and the readers, which return structured results.
 *
 * Exit codes: 0 everything ran; 1 finished with something failed or rejected; 2 usage or
 * configuration error (nothing changed); 3 another run holds the lock (nothing changed).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ConfigError, loadConfig } from './config.ts';
import type { Config } from './config.ts';
import { LockHeldError } from './runner/lock.ts';
import { RerunRefusedError, runNight } from './runner/night.ts';
import type { RunResult } from './runner/night.ts';
import { isKnownInterface, INBOUND_IDS, OUTBOUND_IDS } from './interfaces.ts';
import { validateFile } from './validate.ts';
import { isCalendarDate } from './layout/csvSchema.ts';
import { loadCountyMedianIncome, loadLicensingBoards } from './reference.ts';
import { listRuns } from './runner/runs.ts';
import { LayoutError } from './layout/schema.ts';
import { layoutIds, loadLayout } from './layout/registry.ts';
import { explain, ExplainInputError, formatExplanation } from './audit/explain.ts';
import { DiffInputError, diffFiles, formatDiff } from './audit/diff.ts';
import { formatVerify, ManifestError, verifyManifest } from './audit/verify.ts';
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
    .showHelpAfterError('(run with --help for usage)');

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
    .action(async (file: string, flags: { layout: string; json?: boolean }) => {
      checkLayouts();
      if (!layoutIds().includes(flags.layout)) throw new UsageError(`unknown layout '${flags.layout}'; known: ${layoutIds().join(', ')}`);
      if (!fs.existsSync(file)) throw new UsageError(`no such file: ${file}`);
      const report = await validateFile(file, flags.layout);
      if (flags.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
      else {
        for (const r of report.errors) {
          const pos = r.start === null ? '' : report.format === 'csv' ? ` column ${r.start}` : ` positions ${r.start}-${r.end}`;
          io.stdout(`${report.file}:${r.line}: ${r.recordType || '(no record type)'}${r.field ? ` ${r.field}` : ''}${pos}: ${r.reason}: ${r.message}\n`);
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
        io.stderr(`csebatch: no decision for ${e.subject.kind} ${e.subject.id} on ${e.businessDate}\n`);
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
    .action((flags: { date?: string; out: string; db?: string; json?: boolean }) => {
      const dbFile = flags.db ?? path.join(flags.out, 'csebatch.db');
      const runs = fs.existsSync(dbFile) ? listRuns(dbFile, flags.date) : [];
      if (flags.json) {
        io.stdout(`${JSON.stringify(runs, null, 2)}\n`);
        return;
      }
      if (runs.length === 0) io.stdout('no runs\n');
      for (const r of runs) {
        io.stdout(
          `${String(r.runId).padStart(5)}  ${r.businessDate}  ${r.command.padEnd(7)} ${r.interfaces.join(',').padEnd(20)} ${r.status.padEnd(22)} exit ${r.exitCode ?? '-'}  ${r.startedAt} → ${r.endedAt ?? '(running)'}\n`,
        );
      }
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
      e instanceof ExplainInputError ||
      e instanceof DiffInputError ||
      e instanceof ManifestError
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
