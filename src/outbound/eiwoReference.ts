/**
 * The constant fields of the e-IWO (DOMAIN 6.1: payee, begin/remit days, legal notice texts,
 * issuing official, employee work state, send employee copy), shipped as reference data in
 * `schemas/reference/eiwo-constants.json`. Read and checked once per process: every key must be a
 * field of the eiwo `detail` record, every value must fit its field without truncation, and every
 * value must say where it comes from (`provenance`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, PACKAGE_ROOT } from '../config.ts';
import { FormatError } from '../layout/codec.ts';
import type { CompiledLayout } from '../layout/codec.ts';
import type { RecordValues } from '../types.ts';

export const EIWO_CONSTANTS_FILE = path.join(PACKAGE_ROOT, 'schemas', 'reference', 'eiwo-constants.json');

export interface EiwoConstants {
  version: string;
  /** state FIPS + "000": the prefix of every control number ("06000") */
  stateFipsCode: string;
  /** constant DTL field values by layout field name */
  detail: RecordValues;
}

const fileSchema = z
  .object({
    description: z.string(),
    version: z.string().min(1),
    stateFipsCode: z.string().regex(/^\d{5}$/, 'expected 5 digits'),
    detail: z.record(z.string(), z.union([z.string(), z.number().int().nonnegative(), z.null()])),
    provenance: z.record(z.string(), z.string().min(1)),
  })
  .strict();

/** Fields the writer or the rules fill per record: never constants. */
const PER_RECORD = /^(documentActionCode|documentDate|caseId|employer(Name|Address|City|State|Zip|Fein)|employee(?!WorkState|StateContact)|obligee|child|documentTrackingNumber|remittanceIdentifier|orderIdentifier|issuingTribunalName)/;

const cache = new Map<string, EiwoConstants>();

/** Loads and checks the constants against the compiled eiwo layout (cached per file). */
export function loadEiwoConstants(compiled: CompiledLayout, file = EIWO_CONSTANTS_FILE): EiwoConstants {
  const hit = cache.get(file);
  if (hit) return hit;
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`e-IWO reference ${file}: ${(e as Error).message}`);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(`e-IWO reference ${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const { detail, provenance, stateFipsCode, version } = parsed.data;
  const record = compiled.recordByName('detail');
  for (const [name, value] of Object.entries(detail)) {
    const field = record.fieldByName.get(name);
    if (field === undefined || field.type === 'FILLER') throw new ConfigError(`e-IWO reference ${file}: detail.${name} is not a field of the eiwo detail record`);
    if (PER_RECORD.test(name)) throw new ConfigError(`e-IWO reference ${file}: detail.${name} is filled per record, not a constant`);
    if (provenance[name] === undefined) throw new ConfigError(`e-IWO reference ${file}: detail.${name} has no provenance entry`);
    const truncated: string[] = [];
    try {
      field.encode(value, truncated);
    } catch (e) {
      if (e instanceof FormatError) throw new ConfigError(`e-IWO reference ${file}: detail.${name}: ${e.message}`);
      throw e;
    }
    if (truncated.length > 0) throw new ConfigError(`e-IWO reference ${file}: detail.${name} is longer than its ${field.length} characters`);
  }
  if (provenance.stateFipsCode === undefined) throw new ConfigError(`e-IWO reference ${file}: stateFipsCode has no provenance entry`);
  const constants: EiwoConstants = { version, stateFipsCode, detail };
  cache.set(file, constants);
  return constants;
}
