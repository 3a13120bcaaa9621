/**
 * The closing summary of a run, the one thing `nightly` / `run` print (stdout) on or off a
 * terminal: the exit code and its reason, every inbound interface with its counts, every file
 * written with its record count, per mechanism issued / suppressed (by reason) / tasks, the
 * truncations by field, and the problems behind an exit 1. One screen; cron mail stays short
 * (progress lines are for terminals only, src/io/progress.ts).
 */
import type { OutcomeCounts } from '../rules/summary.ts';
import type { RunResult } from './night.ts';

const sum = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);

/** One mechanism's outcome counts as one line: `issued 3, amended 1, suppressed 5 (NO_ADDRESS 2, …), tasks 1`. */
export function tallyText(c: OutcomeCounts): string {
  const parts = [`issued ${c.issued}`];
  if (c.amended) parts.push(`amended ${c.amended}`);
  if (c.terminated) parts.push(`terminated ${c.terminated}`);
  if (c.released) parts.push(`released ${c.released}`);
  if (c.noChange) parts.push(`no change ${c.noChange}`);
  const reasons = Object.entries(c.suppressed)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([r, n]) => `${r} ${n}`);
  parts.push(`suppressed ${sum(c.suppressed)}${reasons.length ? ` (${reasons.join(', ')})` : ''}`);
  parts.push(`tasks ${c.tasks}`);
  return parts.join(', ');
}

/** Why the run exits with its code, in a few words. */
export function exitReason(result: Pick<RunResult, 'exitCode' | 'problems'>): string {
  return result.exitCode === 0 ? 'everything ran' : `${result.problems.length} problem(s), listed below`;
}

export function formatRunSummary(result: RunResult): string {
  const out: string[] = [`csebatch run ${result.runId} for ${result.businessDate}: exit ${result.exitCode} (${exitReason(result)})`];
  // interfaces with nothing to say share one line each (no file tonight; skipped after a bad extract)
  for (const status of ['no file', 'skipped'] as const) {
    const ids = result.interfaces.filter((i) => i.status === status && i.message === undefined).map((i) => i.interface);
    if (ids.length) out.push(`  ${status.padEnd(16)} ${ids.join(', ')}`);
  }
  for (const i of result.interfaces) {
    if ((i.status === 'no file' || i.status === 'skipped') && i.message === undefined) continue;
    // the rejects file's row count when it differs from the rejected lines (several problems on a line, file-level rows)
    const rows = i.rejectRows !== undefined && i.rejectRows !== i.rejected ? ` (${i.rejectRows} row(s) in rejects/${i.interface}.rejects.csv)` : '';
    const counts =
      i.read !== undefined ? ` read ${i.read}, loaded ${i.loaded}, rejected ${i.rejected}${rows}` : i.records !== undefined ? ` ${i.records} record(s)` : '';
    out.push(`  ${i.interface.padEnd(16)} ${i.status}${counts}${i.message ? ` (${i.message})` : ''}`);
  }
  for (const m of result.mechanisms) out.push(`  ${`[${m.mechanism}]`.padEnd(16)} ${tallyText(m)}`);
  for (const t of result.truncations) {
    const fields = Object.entries(t.fields).map(([f, n]) => `${f} ${n}`);
    if (fields.length) out.push(`  truncated        ${t.file}: ${fields.join(', ')}`);
  }
  for (const p of result.problems) out.push(`  problem: ${p}`);
  out.push(`  outputs: ${result.outDir}`, `  log: ${result.logFile}`);
  return `${out.join('\n')}\n`;
}
