/**
 * WAL checkpoints of a night on the second core (issue 10).
 *
 * A night writes some 8 GB at California size, each page first to the WAL and then, at the
 * checkpoint that SQLite runs inside every large COMMIT, copied into the database file and synced:
 * 27 s of the night's main thread were those copies (the mechanisms' `commit` steps). Here the
 * night's connection stops checkpointing itself (`wal_autocheckpoint = 0`) and, after each step,
 * asks a worker thread with its own connection to run a PASSIVE checkpoint, which copies every
 * committed frame while the next step runs (WAL lets one connection write while another
 * checkpoints; neither waits for the other). The worker also checkpoints every second on its own,
 * so a step of many small commits (a load of millions of rows) is copied while it runs.
 *
 * Safety is SQLite's: a checkpoint only copies committed frames and syncs before the WAL is reused,
 * so a kill -9 at any point leaves a database that opens to its last commit, as before.
 *
 * The WAL is reused from its start only when every frame in it has been copied at the start of a
 * write, which the main thread no longer waits for; so across steps it grows. When it passes
 * `maxWalBytes` the next step boundary waits for the worker to catch up, and the WAL starts over:
 * disk use stays bounded whatever the size of the night. `stop()` waits for the worker, then
 * checkpoints what is left and truncates the WAL. If the worker cannot run, the connection goes back
 * to checkpointing itself.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './db.ts';

/** The worker: plain JavaScript (it runs without the TypeScript loader), one checkpoint per message. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = NORMAL');
db.pragma('cache_size = -1024');
// also between requests, so that a long step of many small commits (a load) is copied as it goes
// and the WAL can start over at one of its commits
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (e) {
    parentPort.postMessage({ id: 0, ok: false, message: String(e && e.message) });
  }
}, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m === 'stop') {
    clearInterval(timer);
    db.close();
    parentPort.close();
    return;
  }
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ id: m, ok: true });
  } catch (e) {
    parentPort.postMessage({ id: m, ok: false, message: String(e && e.message) });
  }
});
`;

interface Reply {
  id: number;
  ok: boolean;
  message?: string;
}

export interface CheckpointerOptions {
  /** the WAL size past which a step boundary waits for the worker (default 2 GiB) */
  maxWalBytes?: number;
  /** how often the worker checkpoints on its own, between the steps' requests (default 1 s) */
  intervalMs?: number;
  /** told when the worker fails (the connection then checkpoints itself) */
  onError?: (message: string) => void;
}

export class BackgroundCheckpointer {
  private worker: Worker | null = null;
  private asked = 0;
  private done = 0;
  private waiters: Array<{ id: number; resolve: () => void }> = [];
  private readonly maxWalBytes: number;
  private failed = false;
  private stopping = false;
  private exited: Promise<void> = Promise.resolve();
  /** a file database in WAL mode: the only kind there is a WAL to checkpoint for */
  private readonly wal: boolean;
  /** checkpoints the worker ran on request, and the step boundaries that waited for it */
  readonly stats = { checkpoints: 0, waits: 0 };

  constructor(
    private readonly db: Db,
    private readonly file: string,
    private readonly options: CheckpointerOptions = {},
  ) {
    this.maxWalBytes = options.maxWalBytes ?? 2 * 1024 ** 3;
    this.wal = file !== ':memory:' && (db.pragma('journal_mode', { simple: true }) as string) === 'wal';
    if (!this.wal) return;
    try {
      const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { sqlite, file, intervalMs: options.intervalMs ?? 1000 } });
      worker.on('message', (r: Reply) => this.reply(r));
      worker.on('error', (e) => this.fail(e.message));
      this.exited = new Promise((resolve) =>
        worker.once('exit', (code) => {
          if (this.worker === worker && !this.stopping) this.fail(`checkpoint worker exited (${code})`);
          resolve();
        }),
      );
      this.worker = worker;
      db.pragma('wal_autocheckpoint = 0');
      // a WAL started over is cut back to this size at its next commit, so the file's size tells
      // how far it has grown since (SQLite otherwise keeps the largest size it ever had)
      db.pragma(`journal_size_limit = ${this.maxWalBytes}`);
    } catch (e) {
      this.fail((e as Error).message);
    }
  }

  /**
   * After a step's commit: the worker copies what is committed while the next step runs. When the
   * WAL has grown past the limit, waits for it (and the next write starts the WAL over).
   */
  async afterCommit(): Promise<void> {
    if (this.worker === null) return;
    this.asked += 1;
    this.worker.postMessage(this.asked);
    if (this.walBytes() > this.maxWalBytes) {
      this.stats.waits += 1;
      await this.caughtUp();
    }
  }

  /** Waits for the worker's checkpoints, stops it, then checkpoints the rest and truncates the WAL. */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (worker !== null) {
      await this.caughtUp();
      this.stopping = true;
      worker.postMessage('stop');
      await this.exited;
      this.worker = null;
    }
    if (!this.wal) return;
    if (!this.failed) this.db.pragma('wal_autocheckpoint = 1000');
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  private caughtUp(): Promise<void> {
    if (this.worker === null || this.done >= this.asked) return Promise.resolve();
    const id = this.asked;
    return new Promise((resolve) => this.waiters.push({ id, resolve }));
  }

  private reply(r: Reply): void {
    this.done = Math.max(this.done, r.id);
    if (r.ok) {
      this.stats.checkpoints += 1;
    } else {
      this.fail(r.message ?? 'checkpoint failed');
    }
    this.release();
  }

  private release(): void {
    const ready = this.waiters.filter((w) => w.id <= this.done || this.worker === null);
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }

  private fail(message: string): void {
    if (this.failed) return;
    this.failed = true;
    // back to the connection's own checkpoints at each commit, as without the worker
    try {
      this.db.pragma('wal_autocheckpoint = 1000');
    } catch {
      // the connection is closing; nothing to restore
    }
    this.worker?.terminate().catch(() => undefined);
    this.worker = null;
    this.release();
    this.options.onError?.(message);
  }

  private walBytes(): number {
    try {
      return fs.statSync(`${this.file}-wal`).size;
    } catch {
      return 0;
    }
  }
}
