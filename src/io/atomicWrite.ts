/**
 * Atomic output: write to a temporary file in the same folder, fsync, then rename over the final
 * name. A crash leaves either the previous file or the complete new one, never a partial file.
 * Outputs carry personal data, so they are created with mode 0600.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface WrittenFile {
  path: string;
  bytes: number;
  sha256: string;
}

/** The temporary file beside `file` that becomes it by rename (`.<name>.<pid>.tmp`). */
export function tempPathFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
}

/** Completes an atomic write whose temporary file is already written and synced: mode, rename. */
export function commitTempFile(tmp: string, file: string): void {
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

/**
 * `content` is the whole text, or records each to be ended by LF (written in chunks, so a large
 * outbound file is never held twice in memory).
 */
export function writeFileAtomic(file: string, content: string | Buffer | readonly string[]): WrittenFile {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = tempPathFor(file);
  const hash = crypto.createHash('sha256');
  let bytes = 0;
  const fd = fs.openSync(tmp, 'w', 0o600);
  const put = (data: Buffer) => {
    fs.writeSync(fd, data);
    hash.update(data);
    bytes += data.length;
  };
  try {
    if (typeof content === 'string') put(Buffer.from(content, 'utf8'));
    else if (Buffer.isBuffer(content)) put(content);
    else for (let i = 0; i < content.length; i += 8192) put(Buffer.from(`${content.slice(i, i + 8192).join('\n')}\n`, 'utf8'));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  commitTempFile(tmp, file);
  return { path: file, bytes, sha256: hash.digest('hex') };
}

export function sha256File(file: string): Promise<{ sha256: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    const hash = crypto.createHash('sha256');
    let bytes = 0;
    fs.createReadStream(file, { highWaterMark: 1 << 20 })
      .on('data', (chunk) => {
        bytes += chunk.length;
        hash.update(chunk);
      })
      .on('error', reject)
      .on('end', () => resolve({ sha256: hash.digest('hex'), bytes }));
  });
}
