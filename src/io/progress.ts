/**
 * A single overwriting progress line on stderr for long steps (case extract, each reader, each
 * mechanism, each writer), only when stderr is a terminal: cron and CI get nothing but the closing
 * summary. Throttled so that reporting never costs more than the work.
 *
 * Where progress goes is the sink: stderr by default; the CLI sets it from its I/O (so tests can
 * say "this is a terminal" without one) and resets it after the command.
 */
export interface Progress {
  tick(done: number): void;
  /** what the step is doing now, without a count (a set-based SQL step has none to give) */
  status(text: string): void;
  done(summary?: string): void;
}

export interface ProgressSink {
  isTTY: boolean;
  write(text: string): void;
}

const SILENT: Progress = { tick() {}, status() {}, done() {} };

const STDERR: ProgressSink = {
  get isTTY() {
    return process.stderr.isTTY === true;
  },
  write: (text) => process.stderr.write(text),
};

let sink: ProgressSink = STDERR;

/** Sends progress to `s` (null: back to the process's stderr). */
export function setProgressSink(s: ProgressSink | null): void {
  sink = s ?? STDERR;
}

export function progress(label: string, to: ProgressSink = sink): Progress {
  if (!to.isTTY) return SILENT;
  let last = 0;
  const started = Date.now();
  return {
    tick(done) {
      const now = Date.now();
      if (now - last < 250) return;
      last = now;
      const rate = done / Math.max(0.001, (now - started) / 1000);
      to.write(`\r${label}: ${done.toLocaleString('en-US')} (${Math.round(rate).toLocaleString('en-US')}/s)\x1b[K`);
    },
    status(text) {
      to.write(`\r${label}: ${text}\x1b[K`);
    },
    done(summary) {
      to.write(`\r${label}: ${summary ?? 'done'}\x1b[K\n`);
    },
  };
}
