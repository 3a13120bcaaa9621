/**
 * Where an outbound file's records go while it is built. A California night writes hundreds of
 * thousands of e-IWO details (2,406 bytes each) and a million Metro 2 segments: held in memory they
 * would take gigabytes. In a run they are spooled to the temporary file of the atomic write
 * (`<out>/<D>/.<file>.<pid>.tmp`, in 1 MiB chunks, hashed on the way) and renamed into place after
 * the mechanism's transaction commits. Without a spool folder (unit tests) they stay in memory.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { tempPathFor } from '../io/atomicWrite.ts';

/** A file whose content is complete in its temporary file, waiting for the rename. */
export interface SpooledContent {
  spooled: string;
  bytes: number;
  sha256: string;
}

const CHUNK = 1 << 20;

export class LineSpool {
  private readonly memory: string[] = [];
  private fd: number | null = null;
  private readonly tmp: string | null;
  private readonly hash = crypto.createHash('sha256');
  private pending: string[] = [];
  private pendingChars = 0;
  private bytes = 0;
  private count = 0;

  /** `dir`: the folder of the final file (the temp file must be on its file system), or none. */
  constructor(dir: string | undefined, fileName: string) {
    this.tmp = dir === undefined ? null : tempPathFor(path.join(dir, fileName));
    if (this.tmp !== null) {
      fs.mkdirSync(path.dirname(this.tmp), { recursive: true, mode: 0o700 });
      this.fd = fs.openSync(this.tmp, 'w', 0o600);
    }
  }

  get lines(): number {
    return this.count;
  }

  push(line: string): void {
    this.count += 1;
    if (this.fd === null) {
      this.memory.push(line);
      return;
    }
    this.pending.push(line);
    this.pendingChars += line.length + 1;
    if (this.pendingChars >= CHUNK) this.flush();
  }

  private flush(): void {
    if (this.fd === null || this.pending.length === 0) return;
    const data = Buffer.from(`${this.pending.join('\n')}\n`, 'utf8');
    fs.writeSync(this.fd, data);
    this.hash.update(data);
    this.bytes += data.length;
    this.pending = [];
    this.pendingChars = 0;
  }

  /** Everything written: the records in memory, or the synced temporary file. */
  finish(): readonly string[] | SpooledContent {
    if (this.fd === null || this.tmp === null) return this.memory;
    this.flush();
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    this.fd = null;
    return { spooled: this.tmp, bytes: this.bytes, sha256: this.hash.digest('hex') };
  }
}

export function isSpooled(content: unknown): content is SpooledContent {
  return typeof content === 'object' && content !== null && 'spooled' in content;
}
