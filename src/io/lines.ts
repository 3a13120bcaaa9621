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

/** The same lines, grouped by the chunk they were completed in: one await per chunk instead of per line. */
export async function* readLineBatches(path: string, options: ReadLinesOptions): AsyncGenerator<FileLine[]> {
  for await (const batch of readLineSpans(path, options)) {
    const lines: FileLine[] = [];
    for (let i = 0; i < batch.length; i++) lines.push({ line: batch.text(i), lineNo: batch.firstLineNo + i, tooLong: batch.tooLong(i) });
    yield lines;
  }
}

/**
 * The lines completed in one chunk, not yet decoded: where each starts and stops in the chunk.
 * `text(i)` decodes one line on its own from the chunk's bytes (Buffer.indexOf found its LF), so it
 * is a flat string: slices of one big chunk string made every charCodeAt in the codec about twice
 * as slow (measured). Decoding a line only when it is read, instead of a FileLine per line for the
 * whole chunk first, lets each line die young: a 2 MiB chunk's ~5,000 decoded lines and their
 * objects survived scavenges, and GC was two thirds of the FIDM read time in bench:codec.
 * Lines that span chunks or are too long are decoded when found (one per chunk at most, or rare).
 */
export class LineBatch {
  /** start offset in `bytes` per line; -1 for a line held in `held` */
  private readonly starts: number[] = [];
  private readonly stops: number[] = [];
  private held: Map<number, { line: string; tooLong: boolean }> | null = null;

  constructor(
    private readonly bytes: Buffer,
    /** physical line number of line 0, 1-based; the others follow without gaps */
    readonly firstLineNo: number,
  ) {}

  get length(): number {
    return this.starts.length;
  }

  /** the line without its line end (LF or CRLF); cut to maxLineBytes when tooLong */
  text(i: number): string {
    const start = this.starts[i]!;
    return start >= 0 ? this.bytes.toString('latin1', start, this.stops[i]) : this.held!.get(i)!.line;
  }

  tooLong(i: number): boolean {
    return this.starts[i]! < 0 && this.held!.get(i)!.tooLong;
  }

  /** bytes [start, end) of the chunk, without its CR; cut to `max` when longer */
  addSpan(start: number, end: number, max: number): void {
    const stop = end > start && this.bytes[end - 1] === CR ? end - 1 : end;
    if (stop - start > max) {
      this.hold(this.bytes.toString('latin1', start, start + max), true);
      return;
    }
    this.starts.push(start);
    this.stops.push(stop);
  }

  /** a line decoded already (it spans chunks, or was cut) */
  hold(line: string, tooLong: boolean): void {
    (this.held ??= new Map()).set(this.starts.length, { line, tooLong });
    this.starts.push(-1);
    this.stops.push(-1);
  }
}

/** The lines of the file, chunk by chunk (see LineBatch). */
export async function* readLineSpans(path: string, options: ReadLinesOptions): AsyncGenerator<LineBatch> {
  const max = options.maxLineBytes;
  if (!(max > 0)) throw new Error(`maxLineBytes must be positive, got ${max}`);
  const stream = fs.createReadStream(path, { highWaterMark: options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK });
  let carry: Buffer | null = null; // start of the current line from earlier chunks; never more than max + 1 bytes (room for a CR)
  let skipping = false; // the current line was already handed over as tooLong: drop up to its LF
  let lineNo = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const batch = new LineBatch(chunk, lineNo + 1);
    let pos = 0;
    for (let lf = chunk.indexOf(LF, pos); lf !== -1; lf = chunk.indexOf(LF, pos)) {
      if (skipping) {
        skipping = false;
      } else if (carry !== null) {
        const whole: Buffer = Buffer.concat([carry, chunk.subarray(pos, lf)]);
        carry = null;
        const line = decodeLine(whole, 0, whole.length, max);
        batch.hold(line.line, line.tooLong);
        lineNo++;
      } else {
        batch.addSpan(pos, lf, max);
        lineNo++;
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
        batch.hold(joined.toString('latin1', 0, max), true);
        lineNo++;
        carry = null;
        skipping = true;
      } else {
        carry = joined;
      }
    }
    if (batch.length > 0) yield batch;
  }
  if (!skipping && carry !== null && carry.length > 0) {
    const batch = new LineBatch(carry, lineNo + 1);
    const line = decodeLine(carry, 0, carry.length, max);
    batch.hold(line.line, line.tooLong);
    yield batch;
  }
}

/** One line of bytes [start, end) without its CR, latin1-decoded, cut to `max` when longer. */
function decodeLine(bytes: Buffer, start: number, end: number, max: number): { line: string; tooLong: boolean } {
  const stop = end > start && bytes[end - 1] === CR ? end - 1 : end;
  if (stop - start > max) return { line: bytes.toString('latin1', start, start + max), tooLong: true };
  return { line: bytes.toString('latin1', start, stop), tooLong: false };
}
