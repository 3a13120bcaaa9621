/**
 * The spool's writes, hashing and syncs on the second core (issue 10).
 *
 * Writing an e-IWO file is three kinds of work: formatting the records (the main thread's, it
 * needs the night's data), and then, per byte, the copy into the OS cache (`write`), the sha256
 * the manifest reports, and the `fsync` before the rename. Measured on 600,000 DTLs (1.4 GB):
 * format and encode 5.7 s, sha256 2.5 s, write 1.3 s, fsync 1.6 s. The last three need only
 * the bytes, so one worker thread does them for every spool of the process while the main thread
 * formats the next chunk.
 *
 * The chunks travel through a pool of SharedArrayBuffer slots: the spool encodes records into its
 * own buffer as before and, when it is full, copies it into a free slot (1 MiB: ~0.1 ms) and hands
 * the slot over (`write` message: spool, slot, length), waiting (`Atomics.wait`) only when the
 * worker is a whole pool behind. A slot is held only between its hand-over and its write, so a
 * spool that is never finished (a writer that failed) holds none. The worker writes the
 * slot to the spool's file descriptor (file descriptors are the process's, not the thread's),
 * hashes it, marks it free and wakes the main thread. `finish` (sync the file, the digest) is
 * answered through a MessageChannel that the main thread reads synchronously
 * (`receiveMessageOnPort`) once the worker has bumped the reply counter, so `LineSpool.finish()`
 * stays a synchronous call. Messages are handled in order, so a spool's bytes reach its file
 * and its hash in the order they were pushed: the same file and the same sha256 as before.
 *
 * A failed write (a full disk) is remembered for its spool and raised by the main thread at that
 * spool's next hand-over or at its finish, with the system's message and code. If the worker
 * itself stops (it should not), a waiting main thread notices within half a second and raises.
 * When no worker can be started, the spool writes on the main thread as it did before.
 */
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';

/** Bytes per slot: the spool's former buffer size. */
export const SLOT_BYTES = 1 << 20;
/** Slots in the pool: up to 8 MiB handed over and not yet written. */
const SLOTS = 8;
/** The worker syncs a file each time this much more of it is written (the final sync then has little left). */
const SYNC_BYTES = 64 << 20;

// layout of the shared control words (Int32)
const FREED = 0; // bumped (and notified) each time the worker frees a slot
const REPLIES = 1; // bumped (and notified) after each reply posted on the port
const DEAD = 2; // 1 once the worker has stopped on an unexpected error
const STATE = 3; // STATE + slot: 0 free (main thread's), 1 handed over (worker's)

/** The worker: plain JavaScript (it runs without the TypeScript loader). */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const crypto = require('node:crypto');
const fs = require('node:fs');
const { ctrl: ctrlBuffer, slots: slotBuffers, port, syncBytes } = workerData;
const ctrl = new Int32Array(ctrlBuffer);
const slots = slotBuffers.map((b) => Buffer.from(b));
const spools = new Map();
function reply(message) {
  port.postMessage(message);
  Atomics.add(ctrl, ${REPLIES}, 1);
  Atomics.notify(ctrl, ${REPLIES});
}
function release(slot) {
  Atomics.store(ctrl, ${STATE} + slot, 0);
  Atomics.add(ctrl, ${FREED}, 1);
  Atomics.notify(ctrl, ${FREED});
}
function failure(e) {
  return { message: String(e && e.message), code: e && e.code };
}
process.on('uncaughtException', (e) => {
  Atomics.store(ctrl, ${DEAD}, 1);
  Atomics.notify(ctrl, ${FREED});
  Atomics.notify(ctrl, ${REPLIES});
  try { port.postMessage({ op: 'dead', error: failure(e) }); } catch {}
});
port.on('message', (m) => {
  if (m.op === 'open') {
    spools.set(m.id, { fd: m.fd, hash: crypto.createHash('sha256'), bytes: 0, unsynced: 0, error: null });
  } else if (m.op === 'write') {
    const s = spools.get(m.id);
    try {
      if (s.error === null) {
        const data = slots[m.slot].subarray(0, m.length);
        for (let done = 0; done < data.length; ) done += fs.writeSync(s.fd, data, done, data.length - done);
        s.hash.update(data);
        s.bytes += data.length;
        s.unsynced += data.length;
        // sync as the file grows, so that the sync before the rename has little left to do
        if (s.unsynced >= syncBytes) {
          fs.fdatasyncSync(s.fd);
          s.unsynced = 0;
        }
      }
    } catch (e) {
      s.error = failure(e);
      reply({ op: 'error', id: m.id, error: s.error });
    }
    release(m.slot);
  } else if (m.op === 'finish') {
    const s = spools.get(m.id);
    spools.delete(m.id);
    try {
      if (s.error === null) fs.fsyncSync(s.fd);
    } catch (e) {
      s.error = failure(e);
    }
    reply(s.error === null ? { op: 'finished', id: m.id, bytes: s.bytes, sha256: s.hash.digest('hex') } : { op: 'finished', id: m.id, error: s.error });
  }
});
`;

interface WireError {
  message: string;
  code?: string;
}

type Reply =
  | { op: 'error'; id: number; error: WireError }
  | { op: 'finished'; id: number; bytes: number; sha256: string; error?: undefined }
  | { op: 'finished'; id: number; error: WireError }
  | { op: 'dead'; error: WireError };

function toError(e: WireError): Error {
  const error = new Error(e.message) as NodeJS.ErrnoException;
  if (e.code !== undefined) error.code = e.code;
  return error;
}

class SpoolWriter {
  private readonly ctrl: Int32Array;
  private readonly slots: Buffer[];
  private readonly port: MessagePort;
  private nextId = 1;
  private repliesSeen = 0;
  private readonly errors = new Map<number, Error>();
  private readonly finished = new Map<number, { bytes: number; sha256: string } | Error>();
  private deadError: Error | null = null;

  constructor() {
    const ctrlBuffer = new SharedArrayBuffer(4 * (STATE + SLOTS));
    const slotBuffers = Array.from({ length: SLOTS }, () => new SharedArrayBuffer(SLOT_BYTES));
    this.ctrl = new Int32Array(ctrlBuffer);
    this.slots = slotBuffers.map((b) => Buffer.from(b));
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { ctrl: ctrlBuffer, slots: slotBuffers, port: port2, syncBytes: SYNC_BYTES },
      transferList: [port2],
    });
    // the process does not wait for it: every spool that matters is finished before a run ends
    worker.unref();
    port1.unref();
    this.port = port1;
  }

  open(fd: number): number {
    const id = this.nextId++;
    this.port.postMessage({ op: 'open', id, fd });
    return id;
  }

  /**
   * Hands bytes of a spool to the worker, copied into free slots (the caller may reuse `data`
   * at once); raises a failed earlier write of the spool.
   */
  write(id: number, data: Buffer): void {
    this.raiseFailed(id);
    for (let done = 0; done < data.length; ) {
      const slot = this.acquire();
      const length = Math.min(SLOT_BYTES, data.length - done);
      data.copy(this.slots[slot]!, 0, done, done + length);
      done += length;
      this.port.postMessage({ op: 'write', id, slot, length });
    }
  }

  /** A free slot, waiting for the worker when every slot is handed over. */
  private acquire(): number {
    for (;;) {
      const freed = Atomics.load(this.ctrl, FREED);
      for (let slot = 0; slot < SLOTS; slot++) {
        if (Atomics.load(this.ctrl, STATE + slot) === 0) {
          Atomics.store(this.ctrl, STATE + slot, 1);
          return slot;
        }
      }
      this.checkAlive();
      Atomics.wait(this.ctrl, FREED, freed, 500);
    }
  }

  /** Waits for the spool's bytes to be written and synced: its size and sha256. */
  finish(id: number): { bytes: number; sha256: string } {
    this.port.postMessage({ op: 'finish', id });
    for (;;) {
      const seen = Atomics.load(this.ctrl, REPLIES);
      this.drain();
      const done = this.finished.get(id);
      if (done !== undefined) {
        this.finished.delete(id);
        this.errors.delete(id);
        if (done instanceof Error) throw done;
        return done;
      }
      this.checkAlive();
      Atomics.wait(this.ctrl, REPLIES, seen, 500);
    }
  }

  private raiseFailed(id: number): void {
    if (Atomics.load(this.ctrl, REPLIES) !== this.repliesSeen) this.drain();
    const error = this.errors.get(id);
    if (error !== undefined) throw error;
  }

  private drain(): void {
    for (;;) {
      const received = receiveMessageOnPort(this.port);
      if (received === undefined) return;
      this.repliesSeen += 1;
      const r = received.message as Reply;
      if (r.op === 'error') this.errors.set(r.id, toError(r.error));
      else if (r.op === 'finished') this.finished.set(r.id, r.error === undefined ? { bytes: r.bytes, sha256: r.sha256 } : toError(r.error));
      else this.deadError = toError(r.error);
    }
  }

  private checkAlive(): void {
    if (Atomics.load(this.ctrl, DEAD) === 0) return;
    this.drain();
    throw new Error(`the spool's writer thread stopped: ${this.deadError?.message ?? 'unknown error'}`);
  }
}

let writer: SpoolWriter | null | undefined;

/**
 * The process's spool writer, started on first use; null when none can be started (then spools
 * write on the main thread) or when CSEBATCH_SPOOL_THREAD=0 asks for that.
 */
export function spoolWriter(): SpoolWriter | null {
  if (writer === undefined) {
    try {
      writer = process.env.CSEBATCH_SPOOL_THREAD === '0' ? null : new SpoolWriter();
    } catch {
      writer = null;
    }
  }
  return writer;
}

export type { SpoolWriter };
