/**
 * Which inbound interfaces feed which mechanisms, and which outbound files each mechanism writes.
 * The runner walks this table: `run <id>` for an inbound id reloads it and recomputes the
 * mechanisms that use it; for an outbound id it recomputes the mechanism that produces it.
 */
import type { Config } from './config.ts';
import type { Db } from './store/db.ts';
import type { FixedWidthInterfaceSpec } from './inbound/loadInterface.ts';
import type { OutboundFile } from './outbound/outputs.ts';
import { decideLevy, LEVY_MECHANISM, summarizeLevy } from './rules/levy.ts';
import { decideWorklist, summarizeWorklist, WORKLIST_MECHANISM } from './rules/worklist.ts';
import { buildLevyOtw } from './outbound/levyOtw.ts';
import { decideIwo, IWO_MECHANISM, summarizeIwo } from './rules/iwo.ts';
import { buildEiwo, EIWO } from './outbound/eiwo.ts';
import { decideFop, FOP_MECHANISM, summarizeFop } from './rules/fop.ts';
import { buildFopCert, FOP_CERT } from './outbound/fopCert.ts';
import { decideFtb, FTB_MECHANISM, summarizeFtb } from './rules/ftb.ts';
import { buildFtbCert, FTB_CERT } from './outbound/ftbCert.ts';
import { decideMetro2, METRO2_MECHANISM, summarizeMetro2 } from './rules/metro2.ts';
import { buildMetro2 } from './outbound/metro2.ts';
import { decideLicense, LICENSE_MECHANISM, summarizeLicense } from './rules/license.ts';
import { buildLicenseSlm, LICENSE_SLM } from './outbound/licenseSlm.ts';
import { decideNmsn, NMSN_MECHANISM, summarizeNmsn } from './rules/nmsn.ts';
import { decideLien, LIEN_MECHANISM, summarizeLien } from './rules/lien.ts';
import { decideCswn, CSWN_MECHANISM, summarizeCswn } from './rules/cswn.ts';
import { buildNmsn } from './outbound/nmsn.ts';
import { buildLien } from './outbound/lien.ts';
import { buildCswn } from './outbound/cswn.ts';
import { CSLN_MECHANISM, CSLN_SUBMISSION, decideCsln, summarizeCsln } from './rules/csln.ts';
import { buildCslnSubmission } from './outbound/cslnSubmission.ts';
import { ADDRESS_MECHANISM, decideLocateAddress, summarizeLocateAddress } from './rules/address.ts';
import { loadSduReceipts, SDU_PAYMENTS } from './inbound/sduReceipts.ts';
import { LUMP_SUM } from './rules/iwoLumpSum.ts';
import { COMPLIANCE_MECHANISM, decideCompliance, summarizeCompliance } from './rules/compliance.ts';

/** The case extract: required every night, all-or-nothing (DOMAIN 3). */
export const CASE_EXTRACT = 'case-extract';

/** Fixed-width inbound interfaces, in load order. `ssnFields`: where each record carries the obligor's SSN. */
export const FIXED_WIDTH_INBOUND: FixedWidthInterfaceSpec[] = [
  // FIDM balances are typed N, but institutions send overpunched negatives (icd fidm notes).
  { id: 'fidm', signedOverpunch: ['bRecord.accountBalance'], ssnFields: ['bRecord.matchedSsn'] },
  // A state code other than 06 means OCSS misrouted the whole file.
  { id: 'msfidm', fileFatalFields: ['detail.stateCode'], ssnFields: ['detail.matchedSsn'] },
  { id: 'ocss-im', ssnFields: ['detail.obligorSsn'] },
  { id: 'dir-wc', ssnFields: ['detail.ssn'] },
  { id: 'calpers', ssnFields: ['detail.ssn'] },
  { id: 'tsp', ssnFields: ['detail.ssn'] },
  { id: 'edd', ssnFields: ['detail.ssn'] },
  { id: 'ftb', ssnFields: ['intercept.ssn', 'income.ssn'] },
  // Kansas reads 240-byte records; accept them as if padded to 245 until OCSS confirms (icd notes).
  { id: 'fop-collections', tolerateLength: 240, ssnFields: ['tanfDetail.ssn', 'nonTanfDetail.ssn'] },
  { id: 'fop-rejects', ssnFields: ['tanfDetail.ssn', 'nonTanfDetail.ssn'] },
  // CSLN insurance claim matches (agency-defined layout): the claimant is the matched obligor.
  { id: 'csln', ssnFields: ['detail.claimantSsn'] },
  // Collections: every receipt once in sdu_receipts (duplicates counted, reversals checked).
  { id: SDU_PAYMENTS, ssnFields: ['detail.obligorSsn'], afterLoad: loadSduReceipts },
  { id: LUMP_SUM, ssnFields: ['detail.employeeSsn'] },
];

export const INBOUND_IDS = [CASE_EXTRACT, ...FIXED_WIDTH_INBOUND.map((s) => s.id)];

/** The result of formatting one outbound interface for D. */
export interface OutboundBuild {
  files: OutboundFile[];
  /** records that could not be written: their decisions were turned into SUPPRESS UNWRITABLE_VALUE */
  unwritable: number;
  /**
   * true when the writer did not recompute D's file(s) tonight (Metro 2 on a night it is not due):
   * what an earlier run of D wrote is kept. Otherwise `files` replaces every file of the interface
   * for D, and a file an earlier run of D wrote that is not in `files` is removed (`eiwo-002.txt`
   * no longer needed, a Metro 2 month end that now has no base segment).
   */
  keepEarlier?: boolean;
}

/** What a mechanism or writer may need to know about the run besides D and the configuration. */
export interface RunContext {
  /** `nightly`, or `run` with the interface ids the operator asked for */
  command: 'nightly' | 'run';
  requested: readonly string[];
  /** `<out>/<D>/`: writers spool their records to temporary files there (absent in unit tests) */
  spoolDir?: string;
}

export interface Mechanism {
  id: string;
  /** inbound interfaces whose records the mechanism acts on (besides the case extract) */
  inputs: string[];
  /** outbound interfaces it writes, besides its tasks in tasks.csv */
  outputs: string[];
  /** writes D's decisions, tasks and ledger rows (replacing an earlier run of D) */
  decide(db: Db, businessDate: string, config: Config, ctx: RunContext): void;
  /** the counts and amounts the manifest summary shows, read back from the store */
  summarize(db: Db, businessDate: string): Record<string, unknown>;
  /** decided from the other mechanisms' decisions of D: planned (last) whenever any other one runs */
  followsOthers?: boolean;
}

export interface OutboundInterface {
  id: string;
  mechanism: string;
  /** formats D's file(s) from decisions and ledger; may turn unwritable decisions into SUPPRESS */
  build(db: Db, businessDate: string, config: Config, ctx: RunContext): OutboundBuild;
}

// Registration: one entry per mechanism, in the order they run; one per outbound file.
export const MECHANISMS: Mechanism[] = [
  {
    id: LEVY_MECHANISM,
    // EDD claims decide UIB/DIB receipt (DOMAIN 4), which suppresses levies.
    inputs: ['fidm', 'msfidm', 'edd'],
    outputs: ['levy-otw'],
    decide: decideLevy,
    summarize: (db, d) => ({ ...summarizeLevy(db, d) }),
  },
  // Employer IWOs (case extract) and match IWOs (EDD, DIR TD, insurance: OCSS and CSLN, CalPERS), one e-IWO file (DOMAIN 6.1, 6.2).
  { id: IWO_MECHANISM, inputs: ['edd', 'dir-wc', 'ocss-im', 'calpers', 'csln', LUMP_SUM], outputs: [EIWO], decide: decideIwo, summarize: (db, d) => ({ ...summarizeIwo(db, d) }) },
  // Employer non-compliance (22 CCR 116108, FC 5241): employer IWOs in force against the SDU receipts; tasks only.
  { id: COMPLIANCE_MECHANISM, inputs: [SDU_PAYMENTS], outputs: [], decide: decideCompliance, summarize: (db, d) => ({ ...summarizeCompliance(db, d) }) },
  // Federal offset and FTB certification: ledger deltas every night (DOMAIN 6.6, 6.7); fop-rejects
  // feed back into the ledger, fop-collections and ftb 'C' records are reported in the summary.
  { id: FOP_MECHANISM, inputs: ['fop-rejects', 'fop-collections'], outputs: [FOP_CERT], decide: decideFop, summarize: (db, d) => ({ ...summarizeFop(db, d) }) },
  { id: FTB_MECHANISM, inputs: ['ftb'], outputs: [FTB_CERT], decide: decideFtb, summarize: (db, d) => ({ ...summarizeFtb(db, d) }) },
  {
    id: LICENSE_MECHANISM,
    // FTB 'I' records feed household income (DOMAIN 4), which decides the SB 1055 exclusion.
    inputs: ['ftb'],
    outputs: [LICENSE_SLM],
    decide: (db, d, config) => decideLicense(db, d, config),
    summarize: (db, d) => ({ ...summarizeLicense(db, d) }),
  },
  // NMSN, liens and CSWNs depend on the case extract only (DOMAIN 6.3, 6.9, 6.10).
  { id: NMSN_MECHANISM, inputs: [], outputs: ['nmsn'], decide: decideNmsn, summarize: (db, d) => ({ ...summarizeNmsn(db, d) }) },
  { id: LIEN_MECHANISM, inputs: [], outputs: ['lien'], decide: decideLien, summarize: (db, d) => ({ ...summarizeLien(db, d) }) },
  { id: CSWN_MECHANISM, inputs: [], outputs: ['cswn'], decide: decideCswn, summarize: (db, d) => ({ ...summarizeCswn(db, d) }) },
  // Match-driven worklist tasks: TSP manual levy, DIR PD / LS lien review (DOMAIN 6.2, 6.11); tasks.csv only.
  { id: WORKLIST_MECHANISM, inputs: ['tsp', 'dir-wc'], outputs: [], decide: decideWorklist, summarize: (db, d) => ({ ...summarizeWorklist(db, d) }) },
  // The CSLN listing: weekly on csln.submissionWeekday or `run csln-submission` (issue 12).
  { id: CSLN_MECHANISM, inputs: [], outputs: [CSLN_SUBMISSION], decide: decideCsln, summarize: (db, d) => ({ ...summarizeCsln(db, d) }) },
  // Runs every night (closure dates); its file only on month ends or `run metro2` (DOMAIN 6.8).
  { id: METRO2_MECHANISM, inputs: [], outputs: ['metro2'], decide: decideMetro2, summarize: (db, d) => ({ ...summarizeMetro2(db, d) }) },
  // One LOCATE_ADDRESS task per obligor suppressed NO_ADDRESS by any mechanism of D (src/rules/address.ts).
  {
    id: ADDRESS_MECHANISM,
    inputs: [],
    outputs: [],
    decide: decideLocateAddress,
    summarize: (db, d) => ({ ...summarizeLocateAddress(db, d) }),
    followsOthers: true,
  },
];

export const OUTBOUND: OutboundInterface[] = [
  { id: 'levy-otw', mechanism: LEVY_MECHANISM, build: buildLevyOtw },
  { id: EIWO, mechanism: IWO_MECHANISM, build: buildEiwo },
  { id: FOP_CERT, mechanism: FOP_MECHANISM, build: buildFopCert },
  { id: FTB_CERT, mechanism: FTB_MECHANISM, build: buildFtbCert },
  { id: LICENSE_SLM, mechanism: LICENSE_MECHANISM, build: buildLicenseSlm },
  { id: 'nmsn', mechanism: NMSN_MECHANISM, build: buildNmsn },
  { id: 'lien', mechanism: LIEN_MECHANISM, build: buildLien },
  { id: 'cswn', mechanism: CSWN_MECHANISM, build: buildCswn },
  { id: 'metro2', mechanism: METRO2_MECHANISM, build: buildMetro2 },
  { id: CSLN_SUBMISSION, mechanism: CSLN_MECHANISM, build: buildCslnSubmission },
];

/** tasks.csv is written after every mechanism, from all of D's tasks. */
export const TASKS = 'tasks';

export const OUTBOUND_IDS = [...OUTBOUND.map((o) => o.id), TASKS];

export function isKnownInterface(id: string): boolean {
  return INBOUND_IDS.includes(id) || OUTBOUND_IDS.includes(id);
}
