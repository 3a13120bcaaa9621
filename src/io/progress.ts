/**
 * A single overwriting progress line on stderr for long steps, only when stderr is a terminal
 * (cron and CI get clean output). Throttled so that reporting never costs more than the work.
 */
export interface Progress {
  tick(done: number): void;
  done(summary?: string): void;
}

const SILENT: Progress = { tick() {}, done() {} };

export function progress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return SILENT;
  let last = 0;
  const started = Date.now();
  return {
    tick(done) {
      const now = Date.now();
      if (now - last < 250) return;
      last = now;
      const rate = done / Math.max(0.001, (now - started) / 1000);
      stream.write(`\r${label}: ${done.toLocaleString('en-US')} (${Math.round(rate).toLocaleString('en-US')}/s)\x1b[K`);
    },
    done(summary) {
      stream.write(`\r${label}: ${summary ?? 'done'}\x1b[K\n`);
    },
  };
}
