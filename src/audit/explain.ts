/**
 * `csebatch explain (--case ID | --person ID) --date D`: the auditor's "why did (or didn't) this
 * person get a levy?" (DOMAIN 1, 6). Every decision row of that subject on D, across every
 * registered mechanism, read back from the store: outcome, reason codes, the values and
 * thresholds compared (facts), the input records (interface, file, line) it was decided from, and
 * the outbound record it produced (file:line, with that record's masked key fields when the file
 * is still in the output folder).
 *
 * Subject:
 * - a case: decisions whose case_id is the case;
 * - a person: decisions whose person_id is the person, plus decisions of the cases where the
 *   person is the obligor — the cases named by the person's own decisions of D and, from the
 *   case extract snapshot held in the store, the cases whose obligor_person_id is the person
 *   (interpretation: obligee-side cases are not the person's enforcement decisions).
 *
 * Opens the database read-only: explain can run while a night is running (WAL).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { loadLayout } from '../layout/registry.ts';
import { compileLayout } from '../layout/codec.ts';
import type { CompiledLayout } from '../layout/codec.ts';
import { NATURAL_KEYS } from './diff.ts';
import { isSensitiveName, maskIf, maskJson, maskSubjectKey } from './mask.ts';

export class ExplainInputError extends Error {
  override name = 'ExplainInputError';
}

export interface ExplainOptions {
  dbFile: string;
  /** `<out>`: the outbound record of each decision is read from `<out>/<D>/<file>` */
  outDir: string;
  businessDate: string;
  caseId?: string;
  personId?: string;
  unmask?: boolean;
}

export interface SourceRef {
  interface: string;
  file: string;
  line: number;
}

export interface OutputRecord {
  file: string;
  line: number;
  interface: string | null;
  /** record type of the line, and its key fields (masked), when the file could be read */
  recordType: string | null;
  keyFields: Record<string, string>;
  /** the fields of this record whose value was cut to the field length when written, with positions */
  truncatedFields: Array<{ field: string; start: number | null; end: number | null }>;
  /** why the record could not be shown ('' when shown) */
  note: string;
}

export interface ExplainedDecision {
  decisionId: number;
  mechanism: string;
  subjectKey: string;
  personId: string | null;
  caseId: string | null;
  outcome: string;
  reasonCodes: string[];
  amountCents: number | null;
  facts: unknown;
  sources: SourceRef[];
  output: OutputRecord | null;
}

export interface Explanation {
  businessDate: string;
  subject: { kind: 'case' | 'person'; id: string };
  /** for a person: the cases whose decisions are included */
  cases: string[];
  decisions: ExplainedDecision[];
}

interface DecisionRow {
  decision_id: number;
  mechanism: string;
  subject_key: string;
  person_id: string | null;
  case_id: string | null;
  outcome: string;
  reason_codes: string;
  amount_cents: number | null;
  facts: string;
  sources: string;
  output_ref: string | null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function sourcesOf(text: string): SourceRef[] {
  const parsed = parseJson(text);
  return Array.isArray(parsed) ? (parsed as SourceRef[]) : [];
}

/** Decisions of a date (?) and of the mechanisms in a JSON array (?): see `mechanismsOn`. */
export const ofDate = `business_date = ? AND mechanism IN (SELECT value FROM json_each(?))`;

/**
 * decision_id of a date's decisions of a person (?) or of cases (JSON array ?), each part one
 * search of its index per mechanism (as one OR, the planner may read the whole night instead).
 * Parameters: date, mechanisms, person, date, mechanisms, cases.
 */
export const BY_PERSON_OR_CASES = `SELECT decision_id FROM decisions WHERE ${ofDate} AND person_id = ?
  UNION SELECT decision_id FROM decisions WHERE ${ofDate} AND case_id IN (SELECT value FROM json_each(?))`;

/**
 * The mechanisms with decisions on `date`, in order: one search of decisions_by_subject
 * (business_date, mechanism, …) per mechanism, not a read of the night's millions of rows.
 */
export function mechanismsOn(db: Database.Database, date: string): string[] {
  const rows = db
    .prepare(
      `WITH RECURSIVE mech(m) AS (
         SELECT (SELECT min(mechanism) FROM decisions WHERE business_date = :d)
         UNION ALL
         SELECT (SELECT min(mechanism) FROM decisions WHERE business_date = :d AND mechanism > mech.m) FROM mech WHERE mech.m IS NOT NULL
       )
       SELECT m FROM mech WHERE m IS NOT NULL`,
    )
    .all({ d: date }) as Array<{ m: string }>;
  return rows.map((r) => r.m);
}

function tableExists(db: Database.Database, name: string): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !== undefined;
}

/**
 * Reads the outbound record a decision produced, with its key fields. Each output file is read
 * once (on the first decision that names it) and kept for the decisions that follow.
 */
class OutputReader {
  private readonly lines = new Map<string, string[] | null>();
  private readonly codecs = new Map<string, CompiledLayout | null>();
  /** interface of each output file of the date (output_files), prepared once for every decision */
  private readonly interfaceOf: Database.Statement<[string, string], { interface: string }>;
  constructor(
    db: Database.Database,
    private readonly dateDir: string,
    private readonly businessDate: string,
    private readonly mask: boolean,
  ) {
    this.interfaceOf = db.prepare('SELECT interface FROM output_files WHERE business_date = ? AND file = ?');
    // a database from before migration 10 has no record of truncated lines
    this.truncationsOf = tableExists(db, 'output_truncations')
      ? db.prepare('SELECT record, fields FROM output_truncations WHERE business_date = ? AND file = ? AND line = ?')
      : null;
  }

  private readonly truncationsOf: Database.Statement<[string, string, number], { record: string; fields: string }> | null;

  private fileLines(file: string): string[] | null {
    if (!this.lines.has(file)) {
      const full = this.insidePath(file);
      this.lines.set(file, full !== null && fs.existsSync(full) ? fs.readFileSync(full, 'latin1').split(/\r?\n/) : null);
    }
    return this.lines.get(file)!;
  }

  /** output_ref names a file of the date folder; anything else is not read. */
  private insidePath(file: string): string | null {
    const full = path.join(this.dateDir, file);
    return path.resolve(full).startsWith(path.resolve(this.dateDir) + path.sep) ? full : null;
  }

  /**
   * Line `line` of a fixed-width output: every record is recordLength bytes and LF, so it is read
   * at its offset without reading the file (a Metro 2 file holds a million segments). undefined:
   * not there; null: the file is not in the output folder.
   */
  private fixedLine(file: string, line: number, recordLength: number): string | null | undefined {
    const full = this.insidePath(file);
    if (full === null || !fs.existsSync(full)) return null;
    const fd = fs.openSync(full, 'r');
    try {
      const buf = Buffer.alloc(recordLength);
      const n = fs.readSync(fd, buf, 0, recordLength, (line - 1) * (recordLength + 1));
      return n === recordLength ? buf.toString('latin1') : undefined;
    } finally {
      fs.closeSync(fd);
    }
  }

  private codec(interfaceId: string): CompiledLayout | null {
    if (!this.codecs.has(interfaceId)) {
      let codec: CompiledLayout | null = null;
      try {
        const layout = loadLayout(interfaceId);
        if (layout.format === 'fixed') codec = compileLayout(layout);
      } catch {
        codec = null;
      }
      this.codecs.set(interfaceId, codec);
    }
    return this.codecs.get(interfaceId)!;
  }

  read(ref: string): OutputRecord {
    const cut = ref.lastIndexOf(':');
    const file = cut < 0 ? ref : ref.slice(0, cut);
    const line = cut < 0 ? 0 : Number(ref.slice(cut + 1));
    const row = this.interfaceOf.get(this.businessDate, file);
    const result: OutputRecord = { file, line, interface: row?.interface ?? null, recordType: null, keyFields: {}, truncatedFields: [], note: '' };
    const codec = row ? this.codec(row.interface) : null;
    const truncation = this.truncationsOf?.get(this.businessDate, file, line);
    if (truncation) {
      const record = codec?.layout.recordTypes.find((r) => r.name === truncation.record);
      for (const name of JSON.parse(truncation.fields) as string[]) {
        const f = record?.fields.find((x) => x.name === name);
        result.truncatedFields.push({ field: `${truncation.record}.${name}`, start: f?.start ?? null, end: f ? f.start + f.length - 1 : null });
      }
    }
    const recordLength = codec?.layout.recordLength;
    const fixed = recordLength !== undefined && line >= 1;
    const lines = fixed ? undefined : this.fileLines(file);
    const text = fixed ? this.fixedLine(file, line, recordLength) : lines?.[line - 1];
    if (text === undefined || text === null) {
      result.note = text === null || lines === null ? 'file not in the output folder' : 'line not in the file';
      return result;
    }
    const record = codec?.identify(text) ?? null;
    if (codec === null || record === null) {
      result.note = 'record not decoded';
      return result;
    }
    result.recordType = record.name;
    const names = new Set([...(NATURAL_KEYS[row!.interface]?.[record.name] ?? []), 'caseId']);
    for (const name of names) {
      const f = record.fieldByName.get(name);
      if (!f) continue;
      const raw = text.slice(f.start - 1, f.end).trim();
      result.keyFields[name] = isSensitiveName(name) ? maskIf(raw, this.mask) : raw;
    }
    return result;
  }
}

export function explain(opts: ExplainOptions): Explanation {
  if (!fs.existsSync(opts.dbFile)) throw new ExplainInputError(`no database at ${opts.dbFile} (use --db or --out)`);
  const mask = !opts.unmask;
  const db = new Database(opts.dbFile, { readonly: true, fileMustExist: true });
  try {
    if (!tableExists(db, 'decisions')) throw new ExplainInputError(`${opts.dbFile} is not a csebatch database`);
    const d = opts.businessDate;
    let rows: DecisionRow[];
    let cases: string[] = [];
    const order = 'ORDER BY mechanism, subject_key, decision_id';
    // The person and case indexes are (business_date, mechanism, person_id | case_id): name the
    // mechanisms that decided on D (one probe each), so every lookup is an index search.
    const mechanisms = JSON.stringify(mechanismsOn(db, d));
    if (opts.caseId !== undefined) {
      rows = db.prepare(`SELECT * FROM decisions WHERE ${ofDate} AND case_id = ? ${order}`).all(d, mechanisms, opts.caseId) as DecisionRow[];
    } else {
      const person = opts.personId!;
      const own = db
        .prepare(`SELECT DISTINCT case_id FROM decisions WHERE ${ofDate} AND person_id = ? AND case_id IS NOT NULL`)
        .all(d, mechanisms, person) as Array<{ case_id: string }>;
      const fromSnapshot = tableExists(db, 'ce_cases')
        ? (db.prepare(`SELECT case_id FROM ce_cases WHERE obligor_person_id = ?`).all(person) as Array<{ case_id: string }>)
        : [];
      cases = [...new Set([...own, ...fromSnapshot].map((r) => r.case_id))].sort();
      rows = db
        .prepare(
          `SELECT * FROM decisions WHERE decision_id IN (${BY_PERSON_OR_CASES}) ${order}`,
        )
        .all(d, mechanisms, person, d, mechanisms, JSON.stringify(cases)) as DecisionRow[];
    }
    const outputs = new OutputReader(db, path.join(opts.outDir, d), d, mask);
    const decisions = rows.map((r): ExplainedDecision => {
      const facts = parseJson(r.facts);
      return {
        decisionId: r.decision_id,
        mechanism: r.mechanism,
        subjectKey: maskSubjectKey(r.subject_key, [r.person_id, r.case_id], facts, mask),
        personId: r.person_id,
        caseId: r.case_id,
        outcome: r.outcome,
        reasonCodes: r.reason_codes === '' ? [] : r.reason_codes.split(','),
        amountCents: r.amount_cents,
        facts: maskJson(facts, mask),
        sources: sourcesOf(r.sources),
        output: r.output_ref ? outputs.read(r.output_ref) : null,
      };
    });
    return {
      businessDate: d,
      subject: opts.caseId !== undefined ? { kind: 'case', id: opts.caseId } : { kind: 'person', id: opts.personId! },
      cases,
      decisions,
    };
  } finally {
    db.close();
  }
}

function money(cents: number | null): string {
  if (cents === null) return '';
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** The human form: one block per decision. */
export function formatExplanation(e: Explanation): string {
  const out: string[] = [];
  const who = e.subject.kind === 'case' ? `case ${e.subject.id}` : `person ${e.subject.id}${e.cases.length ? ` (cases ${e.cases.join(', ')})` : ''}`;
  out.push(`${who} on ${e.businessDate}: ${e.decisions.length} decision(s)`);
  for (const d of e.decisions) {
    out.push('');
    const reasons = d.reasonCodes.length ? ` ${d.reasonCodes.join(',')}` : '';
    const amount = d.amountCents === null ? '' : ` amount ${money(d.amountCents)}`;
    out.push(`[${d.mechanism}] ${d.subjectKey}: ${d.outcome}${reasons}${amount}  (decision ${d.decisionId}; person ${d.personId ?? '-'}, case ${d.caseId ?? '-'})`);
    if (d.facts !== null && typeof d.facts === 'object') {
      for (const [k, v] of Object.entries(d.facts as Record<string, unknown>)) out.push(`    ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
    } else if (d.facts !== null && d.facts !== undefined) {
      out.push(`    facts: ${String(d.facts)}`);
    }
    for (const s of d.sources) out.push(`    source: ${s.interface} ${s.file} line ${s.line}`);
    if (d.output) {
      const keys = Object.entries(d.output.keyFields)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      const what = d.output.recordType ? ` ${d.output.recordType}${keys ? ` ${keys}` : ''}` : '';
      out.push(`    output: ${d.output.file} line ${d.output.line}${what}${d.output.note ? ` (${d.output.note})` : ''}`);
      for (const t of d.output.truncatedFields) {
        out.push(`    truncated: ${t.field}${t.start !== null ? ` (positions ${t.start}-${t.end})` : ''}: the value was longer than the field and was cut`);
      }
    } else {
      out.push('    output: none');
    }
  }
  return `${out.join('\n')}\n`;
}
