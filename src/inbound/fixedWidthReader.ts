/**
 * Generic streaming reader of a fixed-width inbound file: every line is parsed by the compiled
 * layout and handed over as soon as it is read (clean lines only); structure and controls are
 * checked per unit, and a failed unit is taken back with onDiscard.
 *
 * Units (OPERATIONS.md "Rejects", README section 4-5):
 * - the FILE, when the layout has a `first` and/or `last` record: header first exactly once,
 *   trailer last exactly once, file-scope controls on the trailer. A failure rejects the file.
 * - each BATCH (batchHeader … batchTrailer), for batch structure and batch-scope controls. A failure
 *   rejects that batch only (for FIDM, whose file is nothing but A…T blocks, that is one block).
 * - an ORPHAN RUN: consecutive records that must lie inside a batch but follow no open batch
 *   header; rejected as a unit (STRUCTURE on its first line).
 * A failed unit gets one row per cause (STRUCTURE or CONTROL_MISMATCH, with the control field's
 * positions) and one FILE_REJECTED row for every other line of it not already rejected.
 *
 * Choices (docs/decisions.md):
 * - structure is judged on RECOGNISED lines only (record type known by key, even with a wrong
 *   length); a line that matches no record type is rejected on its own and does not break the
 *   order of the others;
 * - controls count every recognised line, rejected or not; a sum over a field that could not be
 *   read on some line cannot be verified and is reported as CONTROL_MISMATCH;
 * - a rejected line (field errors) that opens or closes a unit still opens or closes it.
 */
import { readLineSpans } from '../io/lines.ts';
import { createControlAccumulator, type ControlAccumulator, type ControlFailure } from '../layout/controls.ts';
import type { CompiledLayout, CompiledRecord, FieldIssue } from '../layout/codec.ts';
import { type FieldValue, type RecordValues, type RejectReason, type RejectRow } from '../types.ts';

export interface AcceptedRecord {
  recordType: string;
  line: number;
  /** line of the enclosing batch header, if the layout has batches (a batch header's own line for itself) */
  batchLine: number | null;
  values: RecordValues;
}

export interface FixedWidthReadResult {
  /** read = loaded + rejected, counted in lines (an empty line counts as read and rejected) */
  read: number;
  loaded: number;
  rejected: number;
  /** sorted by line (then field start); file = opts.fileName */
  rejects: RejectRow[];
  /** loaded records per record type name (every record type of the layout, 0 included) */
  recordCounts: Record<string, number>;
  /** control field values as read from file-scope trailers, keyed 'record.field' */
  controls: Record<string, FieldValue>;
}

export interface ReadFixedWidthOptions {
  compiled: CompiledLayout;
  path: string;
  fileName: string;
  /** each clean line, in line order, as soon as read (the caller stages it) */
  onRecord: (rec: AcceptedRecord) => void;
  /** a unit failed: discard every record already handed over in [fromLine, toLine] */
  onDiscard: (fromLine: number, toLine: number) => void;
  /** 'record.field': an issue on it rejects the whole file (msfidm 'detail.stateCode': misrouted file) */
  fileFatalFields?: string[];
  /** also accept lines of this shorter length as if padded with spaces (fop-collections: 240) */
  tolerateLength?: number;
  /** longest line buffered; default 4 × recordLength */
  maxLineBytes?: number;
}

export async function readFixedWidthFile(opts: ReadFixedWidthOptions): Promise<FixedWidthReadResult> {
  const reader = new FixedWidthFileReader(opts);
  const maxLineBytes = opts.maxLineBytes ?? 4 * opts.compiled.recordLength;
  // each line decoded just before it is parsed, so it dies young (io/lines.ts LineBatch)
  for await (const batch of readLineSpans(opts.path, { maxLineBytes })) {
    for (let i = 0; i < batch.length; i++) reader.readLine(batch.text(i), batch.firstLineNo + i, batch.tooLong(i));
  }
  return reader.finish();
}

// ---------------------------------------------------------------------------------------------

/**
 * What is known of each physical line once it has been read: its record type and whether it has
 * a reject row. One 16-bit cell per line (not the line itself), so FILE_REJECTED rows and the
 * final counts need no second pass over the file.
 */
class LineBook {
  private static readonly REJECTED = 0x8000;
  private cells = new Uint16Array(1 << 16);

  set(lineNo: number, record: CompiledRecord | null): void {
    if (lineNo >= this.cells.length) {
      const grown = new Uint16Array(Math.max(this.cells.length * 2, lineNo + 1));
      grown.set(this.cells);
      this.cells = grown;
    }
    this.cells[lineNo] = record === null ? 0 : record.index + 1;
  }

  markRejected(lineNo: number): void {
    if (lineNo > 0) this.cells[lineNo]! |= LineBook.REJECTED;
  }

  isRejected(lineNo: number): boolean {
    return (this.cells[lineNo]! & LineBook.REJECTED) !== 0;
  }

  /** record index, or -1 when the line matched no record type */
  recordIndex(lineNo: number): number {
    return (this.cells[lineNo]! & ~LineBook.REJECTED) - 1;
  }
}

type StructureProblem = 'headerNotFirst' | 'secondHeader' | 'secondTrailer' | 'afterTrailer' | 'noHeader' | 'noTrailer' | 'empty';

interface OpenBatch {
  headerLine: number;
}

interface OrphanRun {
  startLine: number;
  cause: string;
}

class FixedWidthFileReader {
  private readonly compiled: CompiledLayout;
  private readonly records: readonly CompiledRecord[];
  private readonly first: CompiledRecord | undefined;
  private readonly last: CompiledRecord | undefined;
  private readonly batchHeader: CompiledRecord | undefined;
  private readonly batchTrailer: CompiledRecord | undefined;
  private readonly controls: ControlAccumulator;
  private readonly fatalFields: ReadonlySet<string>;
  private readonly padding: string;
  private readonly book = new LineBook();
  private readonly rejects: RejectRow[] = [];

  private lastLine = 0;
  private seenRecognised = false;
  private headerLine = 0;
  private trailerLine = 0;
  private batch: OpenBatch | null = null;
  private orphan: OrphanRun | null = null;
  /** first cause of a file-level failure, for the FILE_REJECTED messages; null while the file holds */
  private fileCause: string | null = null;
  private readonly reported = new Set<StructureProblem>();
  private readonly trailerControls: Record<string, FieldValue> = {};

  constructor(private readonly opts: ReadFixedWidthOptions) {
    this.compiled = opts.compiled;
    this.records = opts.compiled.records;
    const byOccurs = (occurs: string): CompiledRecord | undefined => this.records.find((r) => r.occurs === occurs);
    this.first = byOccurs('first');
    this.last = byOccurs('last');
    this.batchHeader = byOccurs('batchHeader');
    this.batchTrailer = byOccurs('batchTrailer');
    this.controls = createControlAccumulator(opts.compiled);
    this.fatalFields = new Set(opts.fileFatalFields ?? []);
    const tolerated = opts.tolerateLength;
    this.padding = tolerated === undefined ? '' : ' '.repeat(Math.max(0, opts.compiled.recordLength - tolerated));
  }

  readLine(line: string, lineNo: number, tooLong: boolean): void {
    this.lastLine = lineNo;
    const text = this.padding !== '' && line.length === this.opts.tolerateLength && !tooLong ? line + this.padding : line;
    const parsed = this.compiled.parse(text);
    const record = parsed.record;
    this.book.set(lineNo, record);
    const clean = parsed.issues.length === 0;
    if (!clean) this.rejectLineIssues(lineNo, record, parsed.issues, tooLong);
    if (record === null) return;

    const placed = this.place(record, lineNo, parsed.values);
    const batchLine = this.batchHeader === undefined ? null : placed;
    if (!clean || this.fileCause !== null || this.orphan !== null || this.book.isRejected(lineNo)) return;
    this.opts.onRecord({ recordType: record.name, line: lineNo, batchLine, values: parsed.values });
  }

  // -------------------------------------------------------------------------------------------
  // Structure

  /** Checks the record's place in the file and feeds the controls; returns its batch line. */
  private place(record: CompiledRecord, lineNo: number, values: RecordValues): number | null {
    if (!this.seenRecognised) {
      this.seenRecognised = true;
      if (this.first !== undefined && record !== this.first) {
        this.fileStructure('headerNotFirst', lineNo, record, `first record is ${record.name}, expected ${this.first.name}`);
      }
    }
    if (this.trailerLine !== 0 && record !== this.last) {
      this.fileStructure('afterTrailer', lineNo, record, `${record.name} after the ${this.last?.name} at line ${this.trailerLine}`);
    }
    switch (record.occurs) {
      case 'first':
        return this.placeHeader(record, lineNo, values);
      case 'last':
        return this.placeTrailer(record, lineNo, values);
      case 'batchHeader':
        return this.placeBatchHeader(record, lineNo, values);
      case 'batchTrailer':
        return this.placeBatchTrailer(record, lineNo, values);
      case 'many':
        return this.placeDetail(record, lineNo, values);
    }
  }

  private placeHeader(record: CompiledRecord, lineNo: number, values: RecordValues): null {
    if (this.headerLine !== 0) this.fileStructure('secondHeader', lineNo, record, `second ${record.name}; the first is at line ${this.headerLine}`);
    else this.headerLine = lineNo;
    this.endOpenUnits(lineNo, record);
    this.controls.add(record, values, lineNo);
    return null;
  }

  private placeTrailer(record: CompiledRecord, lineNo: number, values: RecordValues): null {
    this.endOpenUnits(lineNo, record);
    if (this.trailerLine !== 0) {
      this.fileStructure('secondTrailer', lineNo, record, `second ${record.name}; the first is at line ${this.trailerLine}`);
      this.controls.add(record, values, lineNo);
      return null;
    }
    this.trailerLine = lineNo;
    for (const failure of this.controls.verify(record, values)) this.fileControlFailure(lineNo, failure);
    this.controls.add(record, values, lineNo);
    for (const control of this.compiled.layout.controls) {
      const value = control.record === record.name ? values[control.field] : undefined;
      if (value !== undefined) this.trailerControls[`${control.record}.${control.field}`] = value;
    }
    return null;
  }

  private placeBatchHeader(record: CompiledRecord, lineNo: number, values: RecordValues): number {
    this.endOpenUnits(lineNo, record);
    this.batch = { headerLine: lineNo };
    this.controls.openBatch();
    this.controls.add(record, values, lineNo);
    return lineNo;
  }

  private placeBatchTrailer(record: CompiledRecord, lineNo: number, values: RecordValues): number | null {
    const batch = this.batch;
    if (batch === null) {
      // A trailer that closes an orphan run already open joins it (starting a new run here lost
      // the open one: its lines were neither handed over nor rejected).
      if (this.orphan === null) this.startOrphan(lineNo, record, `${record.name} without an open ${this.batchHeader?.name}`);
      this.controls.add(record, values, lineNo);
      this.endOrphan(lineNo);
      return null;
    }
    const failures = this.controls.verify(record, values);
    this.controls.add(record, values, lineNo);
    this.controls.closeBatch();
    this.batch = null;
    if (failures.length > 0) {
      for (const failure of failures) this.addRow(lineNo, record.name, failure.field.name, failure.field.start, failure.field.end, masked(failure), 'CONTROL_MISMATCH', failure.message);
      this.rejectUnit(batch.headerLine, lineNo, `${this.batchLabel(batch.headerLine, lineNo)}: CONTROL_MISMATCH at line ${lineNo}`);
    }
    return batch.headerLine;
  }

  private placeDetail(record: CompiledRecord, lineNo: number, values: RecordValues): number | null {
    this.controls.add(record, values, lineNo);
    if (this.batchHeader === undefined) return null;
    if (this.batch !== null) return this.batch.headerLine;
    if (this.orphan === null) this.startOrphan(lineNo, record, `${record.name} outside a ${this.batchHeader.name}…${this.batchTrailer?.name} block`);
    return null;
  }

  /** A header, trailer or batch header ends the batch or orphan run before it. */
  private endOpenUnits(lineNo: number, next: CompiledRecord): void {
    if (this.batch !== null) this.failUnclosedBatch(`the ${next.name} at line ${lineNo}`, lineNo - 1);
    if (this.orphan !== null) this.endOrphan(lineNo - 1);
  }

  private failUnclosedBatch(detectedBy: string, endLine: number): void {
    const batch = this.batch;
    if (batch === null) return;
    this.batch = null;
    this.controls.closeBatch();
    const header = this.batchHeader?.name ?? '';
    this.addRow(batch.headerLine, header, '', null, null, '', 'STRUCTURE', `${header} at line ${batch.headerLine} is not closed by a ${this.batchTrailer?.name} before ${detectedBy}`);
    this.rejectUnit(batch.headerLine, endLine, `${this.batchLabel(batch.headerLine, endLine)}: STRUCTURE at line ${batch.headerLine}`);
  }

  private startOrphan(lineNo: number, record: CompiledRecord, problem: string): void {
    this.addRow(lineNo, record.name, '', null, null, '', 'STRUCTURE', problem);
    this.orphan = { startLine: lineNo, cause: `STRUCTURE at line ${lineNo}` };
  }

  private endOrphan(endLine: number): void {
    const orphan = this.orphan;
    if (orphan === null) return;
    this.orphan = null;
    this.rejectUnit(orphan.startLine, endLine, `records outside a block (lines ${orphan.startLine}-${endLine}): ${orphan.cause}`);
  }

  private batchLabel(from: number, to: number): string {
    return `${this.batchHeader?.name}…${this.batchTrailer?.name} block (lines ${from}-${to})`;
  }

  /** File-level structure problem: each kind is reported once, on the line where it shows (0 = none). */
  private fileStructure(problem: StructureProblem, lineNo: number, record: CompiledRecord | null, message: string): void {
    if (this.fileCause === null) this.fileCause = `STRUCTURE at line ${lineNo}`;
    if (this.reported.has(problem)) return;
    this.reported.add(problem);
    this.addRow(lineNo, record?.name ?? '', '', null, null, '', 'STRUCTURE', message);
  }

  private fileControlFailure(lineNo: number, failure: ControlFailure): void {
    if (this.fileCause === null) this.fileCause = `CONTROL_MISMATCH at line ${lineNo}`;
    this.addRow(lineNo, failure.record.name, failure.field.name, failure.field.start, failure.field.end, masked(failure), 'CONTROL_MISMATCH', failure.message);
  }

  // -------------------------------------------------------------------------------------------
  // Rejects

  private rejectLineIssues(lineNo: number, record: CompiledRecord | null, issues: readonly FieldIssue[], tooLong: boolean): void {
    const recordType = record?.name ?? '';
    for (const issue of issues) {
      const message = tooLong && issue.reason === 'LINE_LENGTH'
        ? `line is longer than ${this.opts.maxLineBytes ?? 4 * this.compiled.recordLength} bytes (read no further), expected ${this.compiled.recordLength}${record === null ? '' : ` (${record.name} by its key)`}`
        : issue.message;
      this.addRow(lineNo, recordType, issue.field, issue.start, issue.end, issue.valueMasked, issue.reason, message);
      if (issue.field !== '' && this.fatalFields.has(`${recordType}.${issue.field}`) && this.fileCause === null) {
        this.fileCause = `${issue.reason} on ${recordType}.${issue.field} at line ${lineNo}, which rejects the whole file`;
      }
    }
  }

  private addRow(line: number, recordType: string, field: string, start: number | null, end: number | null, valueMasked: string, reason: RejectReason, message: string): void {
    this.rejects.push({ file: this.opts.fileName, line, recordType, field, start, end, valueMasked, reason, message });
    this.book.markRejected(line);
  }

  /** FILE_REJECTED for every line of [from, to] without a row yet; the caller discards the range. */
  private rejectUnit(from: number, to: number, cause: string): void {
    for (let line = from; line <= to; line++) {
      if (this.book.isRejected(line)) continue;
      const index = this.book.recordIndex(line);
      this.addRow(line, index < 0 ? '' : this.records[index]!.name, '', null, null, '', 'FILE_REJECTED', `rejected with its ${cause}`);
    }
    if (to >= from) this.opts.onDiscard(from, to);
  }

  // -------------------------------------------------------------------------------------------
  // End of file

  finish(): FixedWidthReadResult {
    const lastLine = this.lastLine;
    this.failUnclosedBatch('the end of the file', lastLine);
    this.endOrphan(lastLine);
    if (lastLine === 0) {
      // an empty file is a failed transfer for every layout, with or without a file header (issue 14.2)
      const expected = this.first !== undefined || this.last !== undefined ? [this.first?.name, this.last?.name].filter(Boolean).join(' and ') : 'records';
      this.fileStructure('empty', 0, null, `empty file (no line): expected ${expected}`);
    } else if (lastLine > 0) {
      if (this.first !== undefined && this.headerLine === 0 && !this.reported.has('headerNotFirst')) {
        this.fileStructure('noHeader', 0, null, `no ${this.first.name} record in the file`);
      }
      if (this.last !== undefined && this.trailerLine === 0) this.fileStructure('noTrailer', 0, null, `no ${this.last.name} record in the file`);
    }
    if (this.fileCause !== null && lastLine > 0) this.rejectUnit(1, lastLine, `file: ${this.fileCause}`);
    return this.result();
  }

  private result(): FixedWidthReadResult {
    const recordCounts: Record<string, number> = {};
    for (const record of this.records) recordCounts[record.name] = 0;
    let loaded = 0;
    for (let line = 1; line <= this.lastLine; line++) {
      if (this.book.isRejected(line)) continue;
      loaded++;
      const record = this.records[this.book.recordIndex(line)]!;
      recordCounts[record.name]! += 1;
    }
    const rejects = this.rejects;
    if (rejects.length > 1) rejects.sort((a, b) => a.line - b.line || (a.start ?? 0) - (b.start ?? 0));
    return {
      read: this.lastLine,
      loaded,
      rejected: this.lastLine - loaded,
      rejects,
      recordCounts,
      controls: this.trailerControls,
    };
  }
}

/** A trailer's control value for the reject row: a count or total of the file, not personal data, so not masked (issue 14.6). */
function masked(failure: ControlFailure): string {
  return failure.actual === undefined || failure.actual === null ? '' : String(failure.actual);
}
