/**
 * Assembles one outbound fixed-width file in memory: records in order, batch and file trailers
 * filled by the layout's controls (layout/controls.ts), LF after every record, and what the
 * manifest reports (records per type, control values as written, truncated fields).
 */
import type { CompiledLayout, FormattedRecord } from '../layout/codec.ts';
import { FormatError } from '../layout/codec.ts';
import { createFileFormatter } from '../layout/controls.ts';
import type { FileFormatter } from '../layout/controls.ts';
import type { FieldValue, RecordValues } from '../types.ts';
import type { OutboundFile, TruncatedLine } from './outputs.ts';
import { LineSpool } from './spool.ts';
import { progress } from '../io/progress.ts';
import type { Progress } from '../io/progress.ts';

export class FixedWidthFileBuilder {
  private readonly spool: LineSpool;
  private lastLine = '';
  private readonly records: Record<string, number> = {};
  private readonly formatter: FileFormatter;
  private controls: Record<string, FieldValue> = {};
  private truncated = 0;
  private readonly truncatedFields: Record<string, number> = {};
  private readonly truncatedLines: TruncatedLine[] = [];
  /** records written so far, on a terminal only (src/io/progress.ts) */
  private readonly bar: Progress;

  constructor(
    private readonly compiled: CompiledLayout,
    private readonly interfaceId: string,
    private readonly fileName: string,
    /** the run's output folder of D: records are spooled to the atomic write's temp file there */
    spoolDir?: string,
  ) {
    this.spool = new LineSpool(spoolDir, fileName);
    this.formatter = createFileFormatter(compiled);
    this.bar = progress(`writing ${fileName}`);
    for (const r of compiled.records) this.records[r.name] = 0;
  }

  /**
   * Formats a record without adding it, so a writer can decide before committing to it: the
   * FormatError it would raise, or the record to hand to `addChecked`.
   */
  check(recordName: string, values: Partial<RecordValues>): FormattedRecord | FormatError {
    try {
      return this.compiled.format(recordName, values);
    } catch (e) {
      if (e instanceof FormatError) return e;
      throw e;
    }
  }

  /** Appends a record; returns its 1-based line number in the file. */
  add(recordName: string, values: Partial<RecordValues>): number {
    return this.append(recordName, this.formatter.format(recordName, values));
  }

  /** Appends a detail record formatted by `check` (not formatted twice). */
  addChecked(recordName: string, formatted: FormattedRecord): number {
    return this.append(recordName, this.formatter.accept(recordName, formatted));
  }

  private append(recordName: string, { line, truncated }: FormattedRecord): number {
    this.spool.push(line);
    this.lastLine = line;
    this.records[recordName] = (this.records[recordName] ?? 0) + 1;
    if ((this.spool.lines & 0x3ff) === 0) this.bar.tick(this.spool.lines);
    this.truncated += truncated.length;
    if (truncated.length > 0) {
      for (const f of truncated) {
        const key = `${recordName}.${f}`;
        this.truncatedFields[key] = (this.truncatedFields[key] ?? 0) + 1;
      }
      this.truncatedLines.push({ line: this.spool.lines, record: recordName, fields: [...truncated] });
    }
    return this.spool.lines;
  }

  openBatch(recordName: string, values: Partial<RecordValues>): number {
    return this.add(recordName, values);
  }

  /** Batch trailer: its control fields come from the batch's records. */
  closeBatch(recordName: string, values: Partial<RecordValues> = {}): number {
    return this.add(recordName, values);
  }

  /** File trailer: its control fields come from the whole file; they are what the manifest shows. */
  close(recordName: string, values: Partial<RecordValues> = {}): number {
    const n = this.add(recordName, values);
    const written = this.compiled.parse(this.lastLine).values;
    const controlFields = this.compiled.layout.controls.filter((c) => c.record === recordName).map((c) => c.field);
    this.controls = Object.fromEntries(controlFields.map((f) => [`${recordName}.${f}`, written[f] ?? null]));
    return n;
  }

  result(): OutboundFile {
    this.bar.done(`${this.spool.lines.toLocaleString('en-US')} records`);
    return {
      interface: this.interfaceId,
      file: this.fileName,
      content: this.spool.finish(),
      records: { ...this.records },
      controls: this.controls,
      truncated: this.truncated,
      truncatedFields: { ...this.truncatedFields },
      truncatedLines: this.truncatedLines,
    };
  }
}
