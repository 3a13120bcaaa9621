/**
 * `<out>/<D>/manifest.json` (OPERATIONS.md "Manifest"), built from the store so that a rerun of one
 * interface still lists every input and output of the date. No wall-clock time, only relative
 * paths, fixed key order, 2-space indent and a final LF: byte-identical for identical state.
 */
import path from 'node:path';
import type { Db } from '../store/db.ts';
import { writeFileAtomic } from '../io/atomicWrite.ts';

export interface ManifestInput {
  interface: string;
  file: string;
  bytes: number;
  sha256: string;
  status: string;
  read: number;
  loaded: number;
  rejected: number;
}

export interface ManifestOutput {
  interface: string;
  file: string;
  bytes: number;
  sha256: string;
  records: Record<string, number>;
  controls: Record<string, unknown>;
  truncated: number;
  /** the truncations by `<record>.<field>` (e.g. {"detail.employerName": 9941}); {} when none */
  truncatedFields: Record<string, number>;
}

export interface Manifest {
  businessDate: string;
  inputs: ManifestInput[];
  outputs: ManifestOutput[];
  summary: Record<string, unknown>;
  /**
   * The effective configuration the outputs were decided under (issue 14.9): the sha256 of its
   * canonical form (src/config.ts configIdentity) and the --config file's name (null: the
   * defaults). The run history keeps the full path and every run's configuration.
   */
  configuration: { sha256: string | null; file: string | null };
}

export function buildManifest(db: Db, businessDate: string): Manifest {
  const inputs = db
    .prepare(
      `SELECT interface, file, bytes, sha256, status, read, loaded, rejected
       FROM inbound_files WHERE business_date = ? ORDER BY interface, file`,
    )
    .all(businessDate) as ManifestInput[];
  const outputs = (
    db
      .prepare(
        `SELECT interface, file, bytes, sha256, records, controls, truncated, truncated_fields
         FROM output_files WHERE business_date = ? ORDER BY interface, file`,
      )
      .all(businessDate) as Array<
      Omit<ManifestOutput, 'records' | 'controls' | 'truncatedFields'> & { records: string; controls: string; truncated_fields: string }
    >
  ).map(({ truncated_fields, ...o }) => ({ ...o, records: JSON.parse(o.records), controls: JSON.parse(o.controls), truncatedFields: JSON.parse(truncated_fields) }));
  const summary: Record<string, unknown> = {};
  const rows = db
    .prepare('SELECT section, summary FROM summaries WHERE business_date = ? ORDER BY section')
    .all(businessDate) as Array<{ section: string; summary: string }>;
  for (const r of rows) summary[r.section] = JSON.parse(r.summary);
  // the latest run of D that decided (else the latest run): the configuration of D's outputs
  const run = db
    .prepare(
      `SELECT config_sha256, config_file FROM runs
       WHERE business_date = ? AND voided_at IS NULL AND config_sha256 IS NOT NULL
       ORDER BY decided DESC, run_id DESC LIMIT 1`,
    )
    .get(businessDate) as { config_sha256: string; config_file: string | null } | undefined;
  return {
    businessDate,
    inputs: inputs.map((i) => ({ ...i, file: path.posix.join(i.interface, i.file) })),
    outputs,
    summary,
    // a file name only: the manifest carries no absolute path (byte-identical wherever it runs)
    configuration: { sha256: run?.config_sha256 ?? null, file: run?.config_file ? path.basename(run.config_file) : null },
  };
}

/** Stores one section of the date's manifest summary (a mechanism's counts, the inbound match counts). */
export function saveSummary(db: Db, businessDate: string, section: string, summary: unknown): void {
  db.prepare(
    `INSERT INTO summaries (business_date, section, summary) VALUES (?, ?, ?)
     ON CONFLICT (business_date, section) DO UPDATE SET summary = excluded.summary`,
  ).run(businessDate, section, JSON.stringify(summary));
}

export function writeManifest(db: Db, dateOutDir: string, businessDate: string): Manifest {
  const manifest = buildManifest(db, businessDate);
  writeFileAtomic(path.join(dateOutDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

