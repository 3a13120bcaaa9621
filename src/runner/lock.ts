/**
 * One night at a time: an exclusive lock file beside the database (`<db>.lock`) holding the
 * owner's pid, the kernel start time of that process and the boot id. A lock whose process is
 * gone (kill -9, power loss, reboot) is recovered and reported, so a crash never leaves cron stuck
 * behind a stale lock.
 *
 * - Written atomically (issue 14.4): the content goes to a temporary file, is fsynced, and is then
 *   hard-linked to the lock name (link fails when the name exists, so creation stays exclusive); a
 *   reader never sees a half-written lock of ours.
 * - A pid reused by an unrelated live process is not a holder: the lock records the holder's start
 *   time (`/proc/<pid>/stat` field 22) and boot id, and a live pid whose start time differs is
 *   stale. A lock without a start time (written by an older csebatch) is held only when the pid's
 *   command line names csebatch.
 * - An unreadable or empty lock (a crash of an older writer between create and write) older than
 *   a minute is taken over; a younger one may still be being written and is treated as held.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface LockInfo {
  pid: number;
  command: string;
  businessDate: string;
  /** start time of the holder process in clock ticks since boot (`/proc/<pid>/stat` field 22), when known */
  startTime?: string;
  /** `/proc/sys/kernel/random/boot_id` when the lock was written */
  bootId?: string;
  /** random token of this acquisition (tells two locks of the same pid apart on takeover) */
  token?: string;
}

/** An unreadable lock older than this is taken over (its writer had a whole minute to write 100 bytes). */
export const UNREADABLE_LOCK_TAKEOVER_MS = 60_000;

export class LockHeldError extends Error {
  override name = 'LockHeldError';
  constructor(
    readonly lockFile: string,
    readonly holder: LockInfo | null,
  ) {
    super(
      holder
        ? `another csebatch run holds ${lockFile} (pid ${holder.pid}, ${holder.command} for ${holder.businessDate}); nothing was changed`
        : `another csebatch run holds ${lockFile} (the lock is being written or unreadable; it is taken over once it is a minute old); nothing was changed`,
    );
  }
}

export interface AcquiredLock {
  file: string;
  /** the dead holder whose lock was taken over, if any (pid 0: an unreadable lock) */
  recoveredFrom: LockInfo | null;
  release(): void;
}

function readHolder(file: string): LockInfo | null {
  try {
    const info = JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
    return typeof info === 'object' && info !== null && Number.isInteger(info.pid) && info.pid > 0 ? info : null;
  } catch {
    return null;
  }
}

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** The kernel start time of a process (clock ticks since boot), or null when /proc does not tell. */
export function processStartTime(pid: number): string | null {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === null) return null;
  // the command name (field 2) is in parentheses and may hold spaces: fields count after the last ')'
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19] ?? null; // field 22 overall = index 19 after pid, comm
}

function bootId(): string | null {
  return readText('/proc/sys/kernel/random/boot_id')?.trim() ?? null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the process the lock names is still the run that wrote it. */
export function holderIsRunning(holder: LockInfo): boolean {
  if (!isAlive(holder.pid)) return false;
  const boot = bootId();
  if (holder.bootId && boot && holder.bootId !== boot) return false; // written before a reboot
  const start = processStartTime(holder.pid);
  if (start === null) return true; // no /proc: a live pid is all we can know
  if (holder.startTime !== undefined) return holder.startTime === start;
  // a lock of an older csebatch without a start time: held only by a csebatch process
  const cmdline = readText(`/proc/${holder.pid}/cmdline`)?.replaceAll('\0', ' ') ?? '';
  return /csebatch/.test(cmdline);
}

/** The live holder of a lock file, or null when there is no lock or its holder is gone. */
export function liveLockHolder(file: string): LockInfo | null {
  const holder = readHolder(file);
  return holder && holderIsRunning(holder) ? holder : null;
}

/** Creates the lock exclusively: temp file, fsync, hard link to the final name (fails if it exists). */
function tryCreate(file: string, info: LockInfo): boolean {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${info.token}.tmp`);
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, JSON.stringify(info));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

export function acquireLock(file: string, info: Omit<LockInfo, 'pid'>): AcquiredLock {
  const mine: LockInfo = {
    pid: process.pid,
    ...info,
    ...(processStartTime(process.pid) !== null ? { startTime: processStartTime(process.pid)! } : {}),
    ...(bootId() !== null ? { bootId: bootId()! } : {}),
    token: crypto.randomBytes(8).toString('hex'),
  };
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  let recoveredFrom: LockInfo | null = null;
  if (!tryCreate(file, mine)) {
    const text = readText(file);
    const holder = readHolder(file);
    if (holder ? holderIsRunning(holder) : ageMs(file) < UNREADABLE_LOCK_TAKEOVER_MS) throw new LockHeldError(file, holder);
    // Stale: move it aside (rename is atomic), then check that what we moved is the lock we judged
    // stale: a racing recoverer may have put its own fresh lock there in between.
    const stale = `${file}.stale-${process.pid}`;
    try {
      fs.renameSync(file, stale);
    } catch {
      throw new LockHeldError(file, holder);
    }
    const moved = readText(stale);
    if (moved !== text) {
      // not ours to remove: put it back unless someone already holds the name again
      try {
        fs.linkSync(stale, file);
      } catch {
        /* the name is taken again: the other recoverer holds it */
      }
      fs.rmSync(stale, { force: true });
      throw new LockHeldError(file, readHolder(file));
    }
    fs.rmSync(stale, { force: true });
    if (!tryCreate(file, mine)) throw new LockHeldError(file, readHolder(file));
    recoveredFrom = holder ?? { pid: 0, command: '(unreadable lock)', businessDate: '' };
  }
  let released = false;
  return {
    file,
    recoveredFrom,
    release() {
      if (released) return;
      released = true;
      const holder = readHolder(file);
      if (holder?.pid === process.pid && holder.token === mine.token) fs.rmSync(file, { force: true });
    },
  };
}
