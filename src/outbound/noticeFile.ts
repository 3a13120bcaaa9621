/**
 * What the notice writers (nmsn, lien, cswn, csln-submission) share: a header, one detail per ledger row of D in
 * the order the query gives (the natural key), a trailer whose controls the layout computes, header
 * and trailer only on an empty night. A detail that cannot be written turns its decision into
 * SUPPRESS UNWRITABLE_VALUE and its ledger row is removed (the ledger stays as if it was not sent);
 * every written detail gets `output_ref` = `<file>:<line>` on its decision.
 */
import type { Db } from '../store/db.ts';
import type { OutboundBuild } from '../interfaces.ts';
import { compileLayout, FormatError } from '../layout/codec.ts';
import type { CompiledLayout } from '../layout/codec.ts';
import { fixedLayout } from '../layout/registry.ts';
import type { RecordValues } from '../types.ts';
import { FixedWidthFileBuilder } from './fixedWidthFile.ts';
import { fileSequence, settleWrites, WrittenRefs } from './outputs.ts';

const compiled = new Map<string, CompiledLayout>();

/** The compiled layout of an interface, compiled once per process. */
export function noticeCodec(interfaceId: string): CompiledLayout {
  let c = compiled.get(interfaceId);
  if (c === undefined) {
    c = compileLayout(fixedLayout(interfaceId));
    compiled.set(interfaceId, c);
  }
  return c;
}

export interface NoticeFileSpec<Row extends { decision_id: number }> {
  interfaceId: string;
  file: string;
  /** the ledger table whose row is removed when its detail cannot be written */
  ledgerTable: 'nmsn_ledger' | 'lien_ledger' | 'cswn_ledger' | 'csln_ledger';
  /**
   * D's ledger rows in natural-key order; iterated, never loaded whole. Called after the header is
   * formatted: an open iterator keeps the connection busy, and the header's fileSequence writes.
   */
  rows: () => IterableIterator<Row>;
  detail: (row: Row) => Partial<RecordValues>;
  /** the run's output folder of D (RunContext.spoolDir) */
  spoolDir?: string;
}

export function buildNoticeFile<Row extends { decision_id: number }>(db: Db, businessDate: string, spec: NoticeFileSpec<Row>): OutboundBuild {
  const file = new FixedWidthFileBuilder(noticeCodec(spec.interfaceId), spec.interfaceId, spec.file, spec.spoolDir);
  file.add('header', {
    fileCreationDate: businessDate, // no wall clock in outputs (OPERATIONS.md)
    businessDate,
    fileSequence: String(fileSequence(db, spec.interfaceId, businessDate)),
  });

  // The connection cannot write while the iterator is open: decisions are updated afterwards.
  const unwritable: Array<{ decisionId: number; problem: FormatError }> = [];
  const written = new WrittenRefs();
  const rows = spec.rows();
  try {
    for (const row of rows) {
      const record = file.check('detail', spec.detail(row));
      if (record instanceof FormatError) unwritable.push({ decisionId: row.decision_id, problem: record });
      else written.add(row.decision_id, spec.file, file.addChecked('detail', record));
    }
  } finally {
    rows.return?.(); // a failure mid-file must not leave the connection busy
  }
  file.close('trailer');

  settleWrites(db, businessDate, spec.ledgerTable, unwritable, written);
  return { files: [file.result()], unwritable: unwritable.length };
}

/** ZIP as the layouts take it: 5 digits, or ZIP+4 as 9 digits without hyphen. */
export function wireZip(zip: string | null): string | null {
  return zip === null ? null : zip.replace(/[-\s]/g, '');
}

/** A participant's identity as the ce_participants columns give it. */
export interface IdentityRow {
  ssn: string | null;
  last_name: string;
  first_name: string;
  middle_name: string | null;
  suffix: string | null;
  dob: string | null;
}

/** The identity fields (same names in the lien, CSWN and FTB certification layouts). */
export function identityValues(row: IdentityRow): Partial<RecordValues> {
  return { ssn: row.ssn, lastName: row.last_name, firstName: row.first_name, middleName: row.middle_name, suffix: row.suffix, dob: row.dob };
}

/** The obligor's identity and mailing address, as the lien and CSWN layouts carry them. */
export interface ObligorAddressRow extends IdentityRow {
  address_line1: string | null;
  address_line2: string | null;
  city: string | null;
  state: string | null;
  zip: string | null;
}

/** The SELECT list of `ObligorAddressRow` from ce_participants aliased `p`. */
export const OBLIGOR_ADDRESS_COLUMNS = `p.ssn, p.last_name, p.first_name, p.middle_name, p.suffix, p.dob,
                p.address_line1, p.address_line2, p.city, p.state, p.zip`;

/** The detail fields of the obligor (same field names in the lien and CSWN layouts). */
export function obligorAddressValues(row: ObligorAddressRow): Partial<RecordValues> {
  return {
    ...identityValues(row),
    addressLine1: row.address_line1,
    addressLine2: row.address_line2,
    city: row.city,
    state: row.state,
    zip: wireZip(row.zip),
  };
}
