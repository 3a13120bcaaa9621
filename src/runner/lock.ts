/**
 * One night at a time: an exclusive lock file beside the database (`<db>.lock`) holding the
 * owner's pid. A lock whose process is gone (kill -9, power loss) is recovered and reported, so a
 * crash never leaves cron stuck behind a stale lock.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface LockInfo {
  pid: number;
  command: string;
  businessDate: string;
}

export class LockHeldError extends Error {
  override name = 'LockHeldError';
  constructor(
    readonly lockFile: string,
    readonly holder: LockInfo | null,
  ) {
    super(
      holder
        ? `another csebatch run holds ${lockFile} (pid ${holder.pid}, ${holder.command} for ${holder.businessDate}); nothing was changed`
        : `another csebatch run holds ${lockFile}; nothing was changed`,
    );
  }
}

export interface AcquiredLock {
  file: string;
  /** pid of a dead holder whose lock was taken over, if any */
  recoveredFrom: LockInfo | null;
  release(): void;
}

function readHolder(file: string): LockInfo | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryCreate(file: string, info: LockInfo): boolean {
  try {
    const fd = fs.openSync(file, 'wx', 0o600);
    fs.writeSync(fd, JSON.stringify(info));
    fs.closeSync(fd);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

export function acquireLock(file: string, info: Omit<LockInfo, 'pid'>): AcquiredLock {
  const mine: LockInfo = { pid: process.pid, ...info };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let recoveredFrom: LockInfo | null = null;
  if (!tryCreate(file, mine)) {
    const holder = readHolder(file);
    // A half-written lock (holder unreadable) is treated as held: its writer may be alive.
    if (!holder || isAlive(holder.pid)) throw new LockHeldError(file, holder);
    // Stale: take it over atomically (rename is atomic; a racing recoverer loses the create below).
    const stale = `${file}.stale-${process.pid}`;
    try {
      fs.renameSync(file, stale);
      fs.rmSync(stale, { force: true });
    } catch {
      throw new LockHeldError(file, holder);
    }
    if (!tryCreate(file, mine)) throw new LockHeldError(file, readHolder(file));
    recoveredFrom = holder;
  }
  let released = false;
  return {
    file,
    recoveredFrom,
    release() {
      if (released) return;
      released = true;
      const holder = readHolder(file);
      if (holder?.pid === process.pid) fs.rmSync(file, { force: true });
    },
  };
}
