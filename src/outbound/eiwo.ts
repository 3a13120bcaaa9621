/**
 * `eiwo.txt`: the e-IWO flat file of business date D (DOMAIN 6.1/6.2, layout eiwo), written from
 * D's IWO ledger rows (employer and match IWOs). FHI; one batch (BHI, DTL…, BTI) per payer FEIN in
 * ascending order, details by case id then SSN; FTI. Trailer controls come from the layout; BTI
 * repeats its BHI's control number and FTI its FHI's.
 *
 * Control numbers (DOMAIN 6.1, reproduced by a rerun of D): file = "06000" + CCYYMMDD +
 * "000000000"; batch = "06000" + CCYYMMDD + the batch's 9-digit position (000000001 first). A file
 * holds at most 99,999 batches (FTI batch count is 5 digits): further batches go to `eiwo-002.txt`,
 * `eiwo-003.txt`… whose file control numbers are "06000" + CCYYMMDD + "9" + 8-digit file number;
 * batch positions continue across the files. No wall clock: creation date D, time 000000.
 *
 * A record that cannot be written turns its decision into SUPPRESS UNWRITABLE_VALUE and its ledger
 * row is removed (the order in force is unchanged).
 */
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import type { OutboundBuild, RunContext } from '../interfaces.ts';
import { compileLayout, FormatError } from '../layout/codec.ts';
import type { CompiledLayout } from '../layout/codec.ts';
import { fixedLayout } from '../layout/registry.ts';
import type { FieldValue, RecordValues } from '../types.ts';
import { FixedWidthFileBuilder } from './fixedWidthFile.ts';
import { fileSequence, settleWrites, WrittenRefs } from './outputs.ts';
import { loadEiwoConstants } from './eiwoReference.ts';
import type { EiwoConstants } from './eiwoReference.ts';

export const EIWO = 'eiwo';

/** The largest count a count field of the layout holds (an N(5) field: 99,999). */
function largestCount(record: string, field: string): number {
  const def = fixedLayout(EIWO).recordTypes.find((r) => r.name === record)?.fields.find((f) => f.name === field);
  if (def === undefined) throw new Error(`layout ${EIWO}: no field ${record}.${field}`);
  return 10 ** def.length - 1;
}

/** Batches per file: what FTI.batchCount holds. */
export const MAX_BATCHES_PER_FILE = largestCount('trailer', 'batchCount');
/**
 * DTL records per batch: what BTI.recordCount holds. A payer with more orders on one night (EDD's
 * withholding orders at 3M cases: 106,499) continues in a further batch of the same FEIN. Found by
 * the bench at 3× the California size (issue 10), where the night failed formatting the trailer.
 */
export const MAX_DETAILS_PER_BATCH = largestCount('batchTrailer', 'recordCount');
/** creation time of every header: no wall clock in outputs (OPERATIONS "Deterministic") */
const CREATION_TIME = '000000';

let compiled: ReturnType<typeof compileLayout> | undefined;
function codec() {
  return (compiled ??= compileLayout(fixedLayout(EIWO)));
}

export interface EiwoBuildOptions {
  /** batches per file before the next file starts (tests use a small number) */
  maxBatchesPerFile?: number;
  /** DTL records per batch before the same FEIN continues in the next batch (tests use a small number) */
  maxDetailsPerBatch?: number;
  /** the constants file (defaults to the shipped schemas/reference/eiwo-constants.json) */
  constantsFile?: string;
  /** the run's output folder of D (RunContext.spoolDir): records are spooled there */
  spoolDir?: string;
}

/** `eiwo.txt` for file 1, then `eiwo-002.txt`, `eiwo-003.txt`… */
export function eiwoFileName(fileNumber: number): string {
  return fileNumber === 1 ? 'eiwo.txt' : `eiwo-${String(fileNumber).padStart(3, '0')}.txt`;
}

export function fileControlNumber(fips: string, businessDate: string, fileNumber: number): string {
  const ymd = businessDate.replaceAll('-', '');
  return fileNumber === 1 ? `${fips}${ymd}000000000` : `${fips}${ymd}9${String(fileNumber).padStart(8, '0')}`;
}

export function batchControlNumber(fips: string, businessDate: string, batchPosition: number): string {
  return `${fips}${businessDate.replaceAll('-', '')}${String(batchPosition).padStart(9, '0')}`;
}

interface DocumentRow {
  decision_id: number;
  source: string;
  ledger_key: string;
  action: string;
  case_id: string;
  fein: string;
  dtl_values: string;
  seq: number;
  ssn: string | null;
  last_name: string | null;
  first_name: string | null;
  middle_name: string | null;
  suffix: string | null;
  dob: string | null;
  order_id: string | null;
  tribunal: string | null;
  obligee_last_name: string | null;
  obligee_first_name: string | null;
  obligee_middle_name: string | null;
  obligee_suffix: string | null;
}

/** The runner's entry point (OUTBOUND registration). */
export function buildEiwo(db: Db, businessDate: string, _config: Config, ctx?: RunContext): OutboundBuild {
  return buildEiwoFiles(db, businessDate, { spoolDir: ctx?.spoolDir });
}

export function buildEiwoFiles(db: Db, businessDate: string, options: EiwoBuildOptions = {}): OutboundBuild {
  const maxBatches = options.maxBatchesPerFile ?? MAX_BATCHES_PER_FILE;
  if (!Number.isInteger(maxBatches) || maxBatches < 1 || maxBatches > MAX_BATCHES_PER_FILE) {
    throw new RangeError(`maxBatchesPerFile must be 1-${MAX_BATCHES_PER_FILE}, not ${maxBatches}`);
  }
  const maxDetails = options.maxDetailsPerBatch ?? MAX_DETAILS_PER_BATCH;
  if (!Number.isInteger(maxDetails) || maxDetails < 1 || maxDetails > MAX_DETAILS_PER_BATCH) {
    throw new RangeError(`maxDetailsPerBatch must be 1-${MAX_DETAILS_PER_BATCH}, not ${maxDetails}`);
  }
  const layout = codec();
  const constants = options.constantsFile === undefined ? loadEiwoConstants(layout) : loadEiwoConstants(layout, options.constantsFile);
  const fips = constants.stateFipsCode;
  const fresh = detailObject(layout);
  // The layout has no file sequence field; the night is still counted (every file written nightly).
  fileSequence(db, EIWO, businessDate);

  const files: Array<{ name: string; builder: FixedWidthFileBuilder; controlNumber: string; batches: number }> = [];
  const openFile = () => {
    const number = files.length + 1;
    const name = eiwoFileName(number);
    const builder = new FixedWidthFileBuilder(layout, EIWO, name, options.spoolDir);
    const controlNumber = fileControlNumber(fips, businessDate, number);
    builder.add('header', { controlNumber, creationDate: businessDate, creationTime: CREATION_TIME });
    const file = { name, builder, controlNumber, batches: 0 };
    files.push(file);
    return file;
  };
  let current = openFile();
  let batchPosition = 0;

  // Iterated, not loaded whole. The connection cannot write while the iterator is open, so
  // unwritable records and output references are applied after.
  //
  // Two steps (issue 10): the order and the tracking sequence are computed over narrow rows (the
  // ledger row id and the sort keys), and each row's wide values (its dtl_values JSON, ~1-2 KB, the
  // employee, case and obligee) are then read by row id in that order. Sorting the wide rows
  // twice (window, then output order) spilled about a gigabyte into temporary B-trees on a
  // 1M-case night (29 s of its 87 s build, scripts/profile-sql.ts). (fein, case_id, ssn, source,
  // ledger_key) is unique on D (the ledger's key is (business_date, source, ledger_key)), so the
  // order is the same as before.
  const order = db
    .prepare(
      `SELECT l.rowid AS rid,
              row_number() OVER (PARTITION BY l.case_id ORDER BY l.fein, p.ssn, l.source, l.ledger_key) AS seq
       FROM iwo_ledger l
       LEFT JOIN ce_participants p ON p.person_id = l.person_id
       WHERE l.business_date = ?
       ORDER BY l.fein, l.case_id, p.ssn, l.source, l.ledger_key`,
    )
    .raw()
    .iterate(businessDate) as IterableIterator<[number, number]>;
  const document = db.prepare(
    `SELECT l.decision_id, l.source, l.ledger_key, l.action, l.case_id, l.fein, l.dtl_values,
            p.ssn, p.last_name, p.first_name, p.middle_name, p.suffix, p.dob,
            c.order_id, c.tribunal,
            ob.last_name AS obligee_last_name, ob.first_name AS obligee_first_name,
            ob.middle_name AS obligee_middle_name, ob.suffix AS obligee_suffix
     FROM iwo_ledger l
     LEFT JOIN ce_participants p ON p.person_id = l.person_id
     LEFT JOIN ce_cases c ON c.case_id = l.case_id
     LEFT JOIN ce_participants ob ON ob.person_id = c.obligee_person_id
     WHERE l.rowid = ?`,
  );
  function* documents(): Generator<DocumentRow> {
    for (const [rid, seq] of order) yield { ...(document.get(rid) as Omit<DocumentRow, 'seq'>), seq };
  }
  const rows = documents();

  const unwritable: Array<{ row: DocumentRow; problem: FormatError }> = [];
  const written = new WrittenRefs();

  // Streamed: a batch is opened at the first writable detail of its FEIN (a batch whose every record
  // is unwritable is never opened) and closed when the FEIN changes, so no batch is held in memory
  // (EDD alone heads one batch of every EDD withholding order of the night, up to
  // MAX_DETAILS_PER_BATCH; then its orders continue in another batch of the same FEIN).
  let open: { fein: string; controlNumber: string; details: number } | null = null;
  const closeOpenBatch = () => {
    if (open !== null) current.builder.closeBatch('batchTrailer', { controlNumber: open.controlNumber });
    open = null;
  };
  let feinOfRows: string | null = null;
  let headerProblem: FormatError | null = null;
  for (const row of rows) {
    if (row.fein !== feinOfRows) {
      closeOpenBatch();
      feinOfRows = row.fein;
      const probe = current.builder.check('batchHeader', batchHeaderValues(row.fein, batchControlNumber(fips, businessDate, batchPosition + 1), businessDate));
      headerProblem = probe instanceof FormatError ? probe : null;
    }
    const record = current.builder.check('detail', detailValues(row, businessDate, constants, fresh));
    if (record instanceof FormatError || headerProblem !== null) {
      unwritable.push({ row, problem: record instanceof FormatError ? record : headerProblem! });
      continue;
    }
    if (open !== null && open.details >= maxDetails) closeOpenBatch();
    if (open === null) {
      if (current.batches >= maxBatches) {
        current.builder.close('trailer', { controlNumber: current.controlNumber });
        current = openFile();
      }
      batchPosition += 1;
      current.batches += 1;
      open = { fein: row.fein, controlNumber: batchControlNumber(fips, businessDate, batchPosition), details: 0 };
      current.builder.openBatch('batchHeader', batchHeaderValues(row.fein, open.controlNumber, businessDate));
    }
    const line = current.builder.addChecked('detail', record);
    open.details += 1;
    written.add(row.decision_id, current.name, line);
  }
  closeOpenBatch();
  current.builder.close('trailer', { controlNumber: current.controlNumber });

  settleWrites(db, businessDate, 'iwo_ledger', unwritable.map((u) => ({ decisionId: u.row.decision_id, problem: u.problem })), written);
  return { files: files.map((f) => f.builder.result()), unwritable: unwritable.length };
}

/** A fresh DTL values object with every field of the layout, from the constants (issue 10). */
type DetailObject = (constants: RecordValues) => RecordValues;

/**
 * Builds the function that makes a DTL's values object: one object literal naming every DTL
 * field in layout order, so that every detail of the night has the same shape. Spreading the
 * constants, the row and the decided values into a literal made an object of ~95 keys in
 * dictionary mode, 15 µs per detail of which JSON.parse is 3 µs; the literal and stores into it
 * take 4 µs (measured on 2,000 ledger rows of the bench night; 508,757 details there). A field
 * nothing gives is undefined, which the codec reads as blank, as it read the absent key.
 */
function detailObject(layout: CompiledLayout): DetailObject {
  const names = layout.recordByName('detail').fields.filter((f) => f.def.type !== 'FILLER').map((f) => JSON.stringify(f.name));
  return new Function('c', `"use strict"; return { ${names.map((n) => `${n}: c[${n}]`).join(', ')} };`) as DetailObject;
}

function batchHeaderValues(fein: string, controlNumber: string, businessDate: string): Partial<RecordValues> {
  return { controlNumber, ein: fein, creationDate: businessDate, creationTime: CREATION_TIME };
}

/**
 * One DTL record: the shipped constants, then the employee (the obligor), the obligee and the
 * order of the case, then what the rules decided (ledger dtl_values), then the fields this writer
 * owns: action, document date, case id, payer FEIN (= the batch EIN), tracking number, remittance id.
 * Later sources override earlier ones, as the spreads of an object literal did.
 */
function detailValues(row: DocumentRow, businessDate: string, constants: EiwoConstants, fresh: DetailObject): RecordValues {
  const decided = JSON.parse(row.dtl_values) as Record<string, FieldValue>;
  const values = fresh(constants.detail);
  values.employeeLastName = row.last_name;
  values.employeeFirstName = row.first_name;
  values.employeeMiddleName = row.middle_name;
  values.employeeSuffix = row.suffix;
  values.employeeSsn = row.ssn;
  values.employeeBirthDate = row.dob;
  values.obligeeLastName = row.obligee_last_name;
  values.obligeeFirstName = row.obligee_first_name;
  values.obligeeMiddleName = row.obligee_middle_name;
  values.obligeeSuffix = row.obligee_suffix;
  values.orderIdentifier = row.order_id;
  values.issuingTribunalName = row.tribunal;
  // the migration's comment names `action` among the decided values; the layout field is documentActionCode
  for (const name in decided) if (name !== 'action') values[name] = decided[name]!;
  values.documentActionCode = row.action;
  values.documentDate = businessDate;
  values.caseId = row.case_id;
  values.employerFein = row.fein;
  // unique and deterministic: case id + D + the document's sequence among the case's documents of D
  values.documentTrackingNumber = `${row.case_id}${businessDate.replaceAll('-', '')}${String(row.seq).padStart(3, '0')}`;
  values.remittanceIdentifier = row.case_id;
  if (row.action === 'TRM') {
    // icd eiwo: day counts zero on TRM; the start instruction applies to ORG/AMD/LUM only
    values.beginWithholdingDays = 0;
    values.sendPaymentDays = 0;
    values.withholdingStartInstruction = null;
  }
  return values;
}
