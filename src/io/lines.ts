/**
 * Streams the lines of a fixed-width file. Bytes are decoded as latin1 so that every byte is
 * exactly one character (a stray 0xE9 stays visible as one non-ASCII character at its position
 * instead of being merged or replaced by a UTF-8 decoder). LF and CRLF are accepted, and a last
 * line without a line end. Lines are found with indexOf on each chunk: no per-byte JS loop.
 *
 * A line longer than `maxLineBytes` is never buffered past that limit: it is handed over cut to
 * `maxLineBytes` with `tooLong: true`, and the rest of it is skipped up to its line end.
 */
import fs from 'node:fs';

export interface FileLine {
  /** the line without its line end (LF or CRLF); cut to maxLineBytes when tooLong */
  line: string;
  /** physical line number, 1-based */
  lineNo: number;
  tooLong: boolean;
}

export interface ReadLinesOptions {
  maxLineBytes: number;
  /** bytes per read; large reads keep the per-chunk overhead negligible */
  highWaterMark?: number;
}

const DEFAULT_HIGH_WATER_MARK = 2 << 20;
const LF = 10;
const CR = 13;

/** Lines one by one. */
export async function* readLines(path: string, options: ReadLinesOptions): AsyncGenerator<FileLine> {
  for await (const batch of readLineBatches(path, options)) yield* batch;
}

/**
 * The same lines, grouped by the chunk they were completed in: one await per chunk instead of per
 * line. Each line is decoded on its own from the chunk's bytes (Buffer.indexOf finds the LF), so it
 * is a flat string: slices of one big chunk string made every charCodeAt in the codec about twice
 * as slow (measured).
 */
export async function* readLineBatches(path: string, options: ReadLinesOptions): AsyncGenerator<FileLine[]> {
  const max = options.maxLineBytes;
  if (!(max > 0)) throw new Error(`maxLineBytes must be positive, got ${max}`);
  const stream = fs.createReadStream(path, { highWaterMark: options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK });
  let carry: Buffer | null = null; // start of the current line from earlier chunks; never more than max + 1 bytes (room for a CR)
  let skipping = false; // the current line was already handed over as tooLong: drop up to its LF
  let lineNo = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const lines: FileLine[] = [];
    let pos = 0;
    for (let lf = chunk.indexOf(LF, pos); lf !== -1; lf = chunk.indexOf(LF, pos)) {
      if (skipping) {
        skipping = false;
      } else if (carry !== null) {
        const whole: Buffer = Buffer.concat([carry, chunk.subarray(pos, lf)]);
        carry = null;
        lines.push(decodeLine(whole, 0, whole.length, ++lineNo, max));
      } else {
        lines.push(decodeLine(chunk, pos, lf, ++lineNo, max));
      }
      pos = lf + 1;
    }
    if (!skipping && pos < chunk.length) {
      const held = carry?.length ?? 0;
      const room = max + 1 - held;
      const rest = chunk.subarray(pos, pos + Math.min(room, chunk.length - pos));
      // Copy the tail (small), so the 2 MiB chunk is not kept alive by it.
      const joined: Buffer = carry === null ? Buffer.from(rest) : Buffer.concat([carry, rest]);
      if (chunk.length - pos > room) {
        lines.push({ line: joined.toString('latin1', 0, max), lineNo: ++lineNo, tooLong: true });
        carry = null;
        skipping = true;
      } else {
        carry = joined;
      }
    }
    if (lines.length > 0) yield lines;
  }
  if (!skipping && carry !== null && carry.length > 0) yield [decodeLine(carry, 0, carry.length, ++lineNo, max)];
}

/** One line of bytes [start, end) without its CR, latin1-decoded, cut to `max` when longer. */
function decodeLine(bytes: Buffer, start: number, end: number, lineNo: number, max: number): FileLine {
  const stop = end > start && bytes[end - 1] === CR ? end - 1 : end;
  if (stop - start > max) return { line: bytes.toString('latin1', start, start + max), lineNo, tooLong: true };
  return { line: bytes.toString('latin1', start, stop), lineNo, tooLong: false };
}
