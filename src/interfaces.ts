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
import { buildLevyOtw } from './outbound/levyOtw.ts';

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
];

export const INBOUND_IDS = [CASE_EXTRACT, ...FIXED_WIDTH_INBOUND.map((s) => s.id)];

/** The result of formatting one outbound interface for D. */
export interface OutboundBuild {
  files: OutboundFile[];
  /** records that could not be written: their decisions were turned into SUPPRESS UNWRITABLE_VALUE */
  unwritable: number;
}

/** What a mechanism or writer may need to know about the run besides D and the configuration. */
export interface RunContext {
  /** `nightly`, or `run` with the interface ids the operator asked for */
  command: 'nightly' | 'run';
  requested: readonly string[];
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
];

export const OUTBOUND: OutboundInterface[] = [{ id: 'levy-otw', mechanism: LEVY_MECHANISM, build: buildLevyOtw }];

/** tasks.csv is written after every mechanism, from all of D's tasks. */
export const TASKS = 'tasks';

export const OUTBOUND_IDS = [...OUTBOUND.map((o) => o.id), TASKS];

export function isKnownInterface(id: string): boolean {
  return INBOUND_IDS.includes(id) || OUTBOUND_IDS.includes(id);
}
