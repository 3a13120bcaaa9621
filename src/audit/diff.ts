/**
 * `csebatch diff A B --layout ID`: record- and field-level differences of two files of one
 * fixed-width layout, for auditors comparing a night's file with a rerun or with what a partner
 * says it received. Records are matched by their NATURAL KEY (DOMAIN "Common rules"), never by
 * line number, so one inserted order does not show every later record as changed.
 *
 * Key of a record = its record type name + the key fields of NATURAL_KEYS below; a record inside
 * a batch (batchHeader … batchTrailer) is also keyed by its batch header's key (levy-otw orders
 * are FEIN + SSN + account, the FEIN being on the batch header). Headers and trailers (occurs
 * first/last) are matched by record type; a batch trailer by its batch. Two records of one file
 * with the same key are told apart by their order (`#2`, `#3`…). A line that matches no record
 * type is keyed by its whole text (it can only be added or removed).
 *
 * Values compared are the raw bytes of each field (so a field that does not even parse still
 * shows its change); SSN-like fields (src/audit/mask.ts) are masked unless `unmask`.
 */
import fs from 'node:fs';
import { readLines } from '../io/lines.ts';
import { compileLayout } from '../layout/codec.ts';
import type { CompiledLayout, CompiledRecord } from '../layout/codec.ts';
import { fixedLayout } from '../layout/registry.ts';
import { isSensitiveName, maskIf } from './mask.ts';

/**
 * Natural key fields per fixed-width layout and record type (every outbound layout, and every
 * fixed-width inbound one). Record types not listed (headers, trailers, batch trailers) are matched
 * by record type (within their batch). A test checks that every fixed layout is covered and that
 * every field named here exists.
 */
export const NATURAL_KEYS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  // outbound (DOMAIN "Common rules": natural keys)
  'levy-otw': { batchHeader: ['fein'], detail: ['ssn', 'accountNumber'] },
  eiwo: { batchHeader: ['ein'], detail: ['caseId', 'employeeSsn'] },
  nmsn: { detail: ['caseId', 'employerFein'] },
  lien: { detail: ['caseId', 'countyCode'] },
  cswn: { detail: ['ssn'] },
  'ftb-cert': { detail: ['ssn'] },
  // the record type already says A (tanf) or N (non-tanf); caseType is kept for clarity
  'fop-cert': { tanfDetail: ['ssn', 'caseType'], nonTanfDetail: ['ssn', 'caseType'] },
  'license-slm': { detail: ['ssn', 'boardCode'] },
  metro2: { base: ['consumerAccountNumber'] },
  'csln-submission': { detail: ['ssn'] },
  // inbound: the key by which a later record supersedes an earlier one (DOMAIN "Common rules")
  fidm: { aRecord: ['institutionTin'], bRecord: ['matchedSsn', 'payeeAccountNumber'] },
  msfidm: { detail: ['institutionTin', 'matchedSsn', 'payeeAccountNumber'] },
  'ocss-im': { detail: ['obligorSsn', 'insurerIdentifier', 'claimNumber'] },
  'dir-wc': { detail: ['claimNumber'] },
  calpers: { detail: ['memberId', 'benefitType'] },
  tsp: { detail: ['ssn', 'tspAccountNumber'] },
  edd: { detail: ['claimId'] },
  ftb: { intercept: ['ssn', 'taxYear', 'interceptSource', 'ftbReference'], income: ['ssn', 'taxYear'] },
  'fop-collections': {
    tanfDetail: ['ssn', 'caseType', 'offsetYear', 'offsetType', 'adjustmentYear'],
    nonTanfDetail: ['ssn', 'caseType', 'offsetYear', 'offsetType', 'adjustmentYear'],
  },
  'fop-rejects': { tanfDetail: ['ssn', 'caseType'], nonTanfDetail: ['ssn', 'caseType'] },
  csln: { detail: ['claimantSsn', 'insurerFein', 'claimNumber'] },
  // a receipt id is unique across the SDU's files; a lump sum once per FEIN, SSN, date and type
  'sdu-payments': { detail: ['receiptId'] },
  'lump-sum': { detail: ['employerFein', 'employeeSsn', 'expectedPaymentDate', 'paymentType'] },
};

/** A file that cannot be read, or a layout that diff cannot compare: usage error (exit 2). */
export class DiffInputError extends Error {
  override name = 'DiffInputError';
}

export interface DiffRecordRef {
  /** the natural key, masked unless unmask */
  key: string;
  recordType: string;
  line: number;
}

export interface FieldChange {
  field: string;
  start: number;
  end: number;
  old: string;
  new: string;
}

export interface ChangedRecord {
  key: string;
  recordType: string;
  lineA: number;
  lineB: number;
  fields: FieldChange[];
}

export interface DiffResult {
  layout: string;
  fileA: string;
  fileB: string;
  recordsA: number;
  recordsB: number;
  equal: boolean;
  added: DiffRecordRef[];
  removed: DiffRecordRef[];
  changed: ChangedRecord[];
  /** records with the same key and the same bytes (their line may differ) */
  unchanged: number;
}

interface KeyedRecord {
  key: string;
  shownKey: string;
  record: CompiledRecord | null;
  line: number;
  text: string;
}

/** The compiled codec of a fixed-width layout, or DiffInputError for an unknown or CSV layout. */
function codecFor(layoutId: string): CompiledLayout {
  try {
    return compileLayout(fixedLayout(layoutId));
  } catch (e) {
    throw new DiffInputError(`layout '${layoutId}': ${(e as Error).message}`);
  }
}

/** Parses a file into keyed records (natural key, occurrence-numbered). */
async function keyedRecords(file: string, layoutId: string, codec: CompiledLayout, unmask: boolean): Promise<KeyedRecord[]> {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    throw new DiffInputError(`cannot read ${file}: no such file`);
  }
  if (!st.isFile()) throw new DiffInputError(`cannot read ${file}: not a regular file`);
  const keys = NATURAL_KEYS[layoutId] ?? {};
  const out: KeyedRecord[] = [];
  const seen = new Map<string, number>();
  let batchKey = '';
  let batchShown = '';
  try {
    // A long line is cut (it can only differ); the codec reports its wrong length.
    for await (const { line, lineNo } of readLines(file, { maxLineBytes: 4 * codec.recordLength })) {
      const record = codec.identify(line);
      let key: string;
      let shown: string;
      if (record === null) {
        key = `?${line}`;
        shown = `(unrecognised line) ${maskIf(line.slice(0, 12), !unmask)}`;
      } else {
        const own = (keys[record.name] ?? []).map((name) => {
          const f = record.fieldByName.get(name);
          const raw = f ? line.slice(f.start - 1, f.end).trim() : '';
          return { raw, shown: isSensitiveName(name) ? maskIf(raw, !unmask) : raw, name };
        });
        const ownKey = own.map((p) => p.raw).join('|');
        const ownShown = own.map((p) => `${p.name}=${p.shown}`).join(' ');
        if (record.occurs === 'batchHeader') {
          batchKey = `${record.name}|${ownKey}`;
          batchShown = `${record.name} ${ownShown}`;
          key = batchKey;
          shown = batchShown;
        } else if (record.occurs === 'first' || record.occurs === 'last') {
          batchKey = '';
          batchShown = '';
          key = record.name;
          shown = record.name;
        } else {
          key = `${batchKey}>${record.name}|${ownKey}`;
          shown = `${batchShown ? `${batchShown} > ` : ''}${record.name}${ownShown ? ` ${ownShown}` : ''}`;
          if (record.occurs === 'batchTrailer') {
            batchKey = '';
            batchShown = '';
          }
        }
      }
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      if (n > 1) {
        key = `${key}#${n}`;
        shown = `${shown} #${n}`;
      }
      out.push({ key, shownKey: shown, record, line: lineNo, text: line });
    }
  } catch (e) {
    throw new DiffInputError(`cannot read ${file}: ${(e as Error).message}`);
  }
  // A file of another layout would show as every line removed and added: say so instead (issue 14.10).
  if (out.length > 0 && !out.some((r) => r.record !== null && r.text.length === codec.recordLength)) {
    throw new DiffInputError(
      `${file} is not a ${layoutId} file: none of its ${out.length} line(s) is a ${layoutId} record of ${codec.recordLength} bytes ` +
        `(line 1 has ${out[0]!.text.length} bytes); check --layout`,
    );
  }
  return out;
}

function fieldChanges(record: CompiledRecord, a: string, b: string, unmask: boolean): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const f of record.fields) {
    const old = a.slice(f.start - 1, f.end);
    const now = b.slice(f.start - 1, f.end);
    if (old === now) continue;
    const mask = !unmask && isSensitiveName(f.name);
    changes.push({ field: f.name, start: f.start, end: f.end, old: maskIf(old.trimEnd(), mask), new: maskIf(now.trimEnd(), mask) });
  }
  // bytes beyond the record length (a line of the wrong length)
  const len = Math.max(a.length, b.length);
  if (changes.length === 0 || len > record.fields.at(-1)!.end) {
    const tailA = a.slice(record.fields.at(-1)!.end);
    const tailB = b.slice(record.fields.at(-1)!.end);
    if (tailA !== tailB) changes.push({ field: '(beyond the record)', start: record.fields.at(-1)!.end + 1, end: len, old: maskIf(tailA, !unmask), new: maskIf(tailB, !unmask) });
  }
  return changes;
}

export async function diffFiles(fileA: string, fileB: string, layoutId: string, opts: { unmask?: boolean } = {}): Promise<DiffResult> {
  const unmask = opts.unmask ?? false;
  const codec = codecFor(layoutId);
  const a = await keyedRecords(fileA, layoutId, codec, unmask);
  const b = await keyedRecords(fileB, layoutId, codec, unmask);
  const byKeyB = new Map(b.map((r) => [r.key, r]));
  const byKeyA = new Map(a.map((r) => [r.key, r]));
  const removed: DiffRecordRef[] = [];
  const changed: ChangedRecord[] = [];
  let unchanged = 0;
  for (const ra of a) {
    const rb = byKeyB.get(ra.key);
    if (rb === undefined) {
      removed.push({ key: ra.shownKey, recordType: ra.record?.name ?? '', line: ra.line });
    } else if (ra.text === rb.text) {
      unchanged++;
    } else {
      changed.push({ key: ra.shownKey, recordType: ra.record?.name ?? '', lineA: ra.line, lineB: rb.line, fields: fieldChanges(ra.record!, ra.text, rb.text, unmask) });
    }
  }
  const added = b.filter((rb) => !byKeyA.has(rb.key)).map((rb) => ({ key: rb.shownKey, recordType: rb.record?.name ?? '', line: rb.line }));
  return {
    layout: layoutId,
    fileA,
    fileB,
    recordsA: a.length,
    recordsB: b.length,
    equal: added.length === 0 && removed.length === 0 && changed.length === 0,
    added,
    removed,
    changed,
    unchanged,
  };
}

/** The human form of a diff (one line per record, one indented line per changed field). */
export function formatDiff(d: DiffResult): string {
  const lines: string[] = [];
  for (const r of d.removed) lines.push(`- ${r.key} (A line ${r.line})`);
  for (const r of d.added) lines.push(`+ ${r.key} (B line ${r.line})`);
  for (const c of d.changed) {
    lines.push(`~ ${c.key} (A line ${c.lineA}, B line ${c.lineB})`);
    for (const f of c.fields) lines.push(`    ${f.field} ${f.start}-${f.end}: '${f.old}' → '${f.new}'`);
  }
  lines.push(
    `${d.equal ? 'equal' : 'different'}: ${d.recordsA} record(s) in A, ${d.recordsB} in B; ${d.removed.length} removed, ${d.added.length} added, ${d.changed.length} changed, ${d.unchanged} unchanged`,
  );
  return `${lines.join('\n')}\n`;
}
