/**
 * The one validated configuration of csebatch (DOMAIN.md section 7).
 *
 * Every threshold, day count and effective date the rules use lives here with its DOMAIN default,
 * so that a policy change is a configuration change. `--config FILE` is a JSON file deep-merged
 * over these defaults; relative paths in it are relative to that file. Defaults point at the
 * reference files shipped in `schemas/reference/`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { isCalendarDate } from './layout/csvSchema.ts';

/** Package root (one level above src/), independent of the working directory. */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REFERENCE_DIR = path.join(PACKAGE_ROOT, 'schemas', 'reference');

const isoDate = z.string().refine(isCalendarDate, 'expected a calendar date as YYYY-MM-DD');
const cents = z.number().int().nonnegative();
const days = z.number().int().nonnegative();
const countyCode = z.string().regex(/^\d{3}$/, 'expected a 3-digit county FIPS code');

export const configSchema = z
  .object({
    reference: z
      .object({
        /** CSV county_code,year,median_income,source (HCD State Income Limits; sample where marked). */
        countyMedianIncome: z.string().default(path.join(REFERENCE_DIR, 'county-median-income.csv')),
        /** CSV board_code,name: the licensing boards this system certifies to. */
        licensingBoards: z.string().default(path.join(REFERENCE_DIR, 'licensing-boards.csv')),
      })
      .strict()
      .prefault({}),
    derived: z
      .object({
        /** Foster-care arrears are no longer enforced from this date (DOMAIN 4). */
        fosterCareExclusionFrom: isoDate.default('2023-12-01'),
        /** Obligors at most this many days delinquent are compliant (FC 17520(a)(4)). */
        compliantMaxDaysDelinquent: days.default(30),
        /** A CSWN is current when sent within this many days before D. */
        cswnCurrentDays: days.default(365),
        /** In custody more than this many days gives incarceration relief (FC 4007.5). */
        incarcerationReliefDays: days.default(90),
        /** Post-release relief applies to releases on or after this date. */
        incarcerationReleaseReliefFrom: isoDate.default('2024-01-01'),
        /** Post-release relief lasts until the first day of the release month plus this many months. */
        incarcerationReleaseReliefMonths: z.number().int().positive().default(10),
      })
      .strict()
      .prefault({}),
    levy: z
      .object({
        /** Obligor principal at or below this is BELOW_ARREARS_THRESHOLD. */
        minPrincipalCents: cents.default(10_000),
        /** Account balance below this is BELOW_BALANCE_THRESHOLD. */
        minBalanceCents: cents.default(10_000),
        /** Same FEIN + account levied within this many days before D is RECENTLY_LEVIED. */
        relevyDays: days.default(90),
        /** Account types that are retirement accounts (IRA/Keogh, ERISA). */
        retirementAccountTypes: z.array(z.string().regex(/^\d{2}$/)).default(['12', '14']),
      })
      .strict()
      .prefault({}),
    iwo: z
      .object({
        /** "Arrears over 12 weeks" on an IWO: case days delinquent at least this (DOMAIN 6.1). */
        arrearsOver12WeeksDays: days.default(84),
        /** CCPA limit (percent) without / with other dependents, plus the bonus when arrears are over 12 weeks. */
        ccpaPercent: z.number().int().min(0).max(99).default(60),
        ccpaPercentOtherDependents: z.number().int().min(0).max(99).default(50),
        ccpaPercentArrearsBonus: z.number().int().min(0).max(99).default(5),
        /** EDD UIB/DIB and DIR temporary disability are withheld at this percent of the weekly amount (6.2). */
        eddWithholdPercent: z.number().int().min(1).max(100).default(25),
        dirTdWithholdPercent: z.number().int().min(1).max(100).default(25),
        /** CalPERS withholding is capped at this percent of the gross benefit, and lump sums at this percent. */
        calpersCapPercent: z.number().int().min(1).max(100).default(50),
        calpersLumpSumPercent: z.number().int().min(1).max(100).default(50),
        /** Insurance claims at or above this estimated payment get a lump-sum IWO (Insurance Code 13550). */
        insuranceMinPaymentCents: cents.default(100_000),
      })
      .strict()
      .prefault({}),
    compliance: z
      .object({
        /** An employer IWO whose ORG is at least this many days before D with no WAGE receipt from its FEIN fails (22 CCR 116108). */
        noWageDays: days.default(45),
        /** An employer with at least this many failures in the last `oscMonths` months is an order-to-show-cause candidate (FC 5241). */
        oscFailures: z.number().int().positive().default(3),
        oscMonths: z.number().int().positive().default(12),
      })
      .strict()
      .prefault({}),
    lumpSum: z
      .object({
        /** An employer-reported lump sum is withheld at most at this percent of its gross amount (min with the obligor total). */
        withholdPercent: z.number().int().min(1).max(100).default(50),
      })
      .strict()
      .prefault({}),
    lien: z
      .object({
        /** County codes that accept e-recorded liens (lien type E). */
        eRecordingCounties: z.array(countyCode).default([]),
        /** Interest rate on the abstract of judgment, in thousandths of a percent (10.000%). */
        interestRateThousandths: z.number().int().nonnegative().default(10_000),
      })
      .strict()
      .prefault({}),
    cswn: z
      .object({
        /** A notice this system sent within this many days before D is not sent again (DOMAIN 6.10). */
        resendAfterDays: days.default(365),
      })
      .strict()
      .prefault({}),
    license: z
      .object({
        /** SB 1055 (FC 17520.5): DMV submissions excluded for low household income from this date. */
        sb1055From: isoDate.default('2025-01-01'),
        /** Household income at or below this percent of the county median is excluded. */
        sb1055IncomePercent: z.number().int().min(0).max(100).default(70),
        /** From this date SB 1055 applies only to licenses whose class is not COMMERCIAL. */
        sb1055CommercialChangeFrom: isoDate.default('2027-01-01'),
        /** The board code of the DMV in the licensing-board list (SB 1055 applies to DMV only). */
        dmvBoardCode: z.string().min(1).default('DMV'),
      })
      .strict()
      .prefault({}),
    fop: z
      .object({
        /** Tax refund offset: assigned amount at least this, or non-assigned at least the other (45 CFR 303.72). */
        taxAssignedMinCents: cents.default(15_000),
        taxNonAssignedMinCents: cents.default(50_000),
        /** Administrative offset: amount at least this and obligor days delinquent at least the day count. */
        admMinCents: cents.default(2_500),
        admMinDaysDelinquent: days.default(30),
        /** Passport denial: A + N above this, released only at a zero balance. */
        passportMinCents: cents.default(250_000),
      })
      .strict()
      .prefault({}),
    metro2: z
      .object({
        identificationPrefix: z.string().min(1).default('CADCSS'),
        reporterName: z.string().min(1).default('CALIFORNIA DEPT OF CHILD SUPPORT SERVICES'),
        reporterAddress: z.string().min(1).default('11150 INTERNATIONAL DR RANCHO CORDOVA CA 95670'),
        /** The first report of a case needs the credit notice sent at least this many days before D (FC 4701). */
        noticeDays: days.default(30),
      })
      .strict()
      .prefault({}),
    csln: z
      .object({
        /** The weekday the CSLN listing (csln-submission) is sent; other nights only on `run csln-submission`. */
        submissionWeekday: z.enum(['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN']).default('SAT'),
        /** Obligors are listed with CSLN when their open-case principal is at least this. */
        minPrincipalCents: cents.default(50_000),
      })
      .strict()
      .prefault({}),
    report: z
      .object({
        /** Levy effectiveness: FIDM/MSFIDM receipts on the obligor's cases up to this many days after the order (`csebatch report`). */
        levyCollectionDays: z.number().int().positive().default(60),
      })
      .strict()
      .prefault({}),
    schedule: z
      .object({
        /**
         * A business date more than this many days after today's date (UTC) is refused before
         * anything is recorded (exit 2): a typo such as 2027 for 2026 must not run, or block the
         * calendar (issue 14.1). The nightly job normally runs yesterday's date.
         */
        maxDaysAhead: days.default(1),
      })
      .strict()
      .prefault({}),
    tasks: z
      .object({
        /** An obligor without a usable mailing address gets a LOCATE_ADDRESS task at most once in this many days. */
        locateAddressDays: z.number().int().positive().default(30),
        /** An NMSN case with no child on file gets its task (OTHER, NO_CHILD_ON_FILE) at most once in this many days. */
        noChildOnFileDays: z.number().int().positive().default(30),
      })
      .strict()
      .prefault({}),
    rejects: z
      .object({
        /** Rejected inbound records tolerated per interface before the run exits 1 (0: any reject). */
        maxPerInterface: z.number().int().nonnegative().default(0),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isPlainObject(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}


/** Reference-file keys whose values are paths, resolved relative to the configuration file. */
const PATH_KEYS: Array<[string, string]> = [
  ['reference', 'countyMedianIncome'],
  ['reference', 'licensingBoards'],
];

function resolvePaths(raw: Json, baseDir: string): Json {
  if (!isPlainObject(raw)) return raw;
  const out = structuredClone(raw);
  for (const [section, key] of PATH_KEYS) {
    const s = out[section];
    if (isPlainObject(s) && typeof s[key] === 'string') s[key] = path.resolve(baseDir, s[key] as string);
  }
  return out;
}

function formatZodError(err: z.ZodError, source: string): string {
  const lines = err.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
  return `invalid configuration in ${source}:\n${lines.join('\n')}`;
}

/** Validates a configuration object (already merged) and returns it with every default filled. */
export function parseConfig(raw: unknown, source = 'configuration'): Config {
  const result = configSchema.safeParse(raw ?? {});
  if (!result.success) throw new ConfigError(formatZodError(result.error, source));
  return result.data;
}

/** One configuration file's JSON object, its relative paths resolved against the file. */
function readConfigFile(file: string): Record<string, Json> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read configuration file ${file}: ${(e as Error).message}`);
  }
  let raw: Json;
  try {
    raw = JSON.parse(text) as Json;
  } catch (e) {
    throw new ConfigError(`configuration file ${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (!isPlainObject(raw)) throw new ConfigError(`configuration file ${file} must hold a JSON object`);
  return resolvePaths(raw, path.dirname(path.resolve(file))) as Record<string, Json>;
}

/** `over` deep-merged onto `base`: objects merge key by key, anything else (arrays included) replaces. */
function deepMerge(base: Record<string, Json>, over: Record<string, Json>): Record<string, Json> {
  const out: Record<string, Json> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isPlainObject(b) && isPlainObject(v) ? deepMerge(b, v) : v;
  }
  return out;
}

function checkReferencePaths(config: Config, source: string): Config {
  for (const [section, key] of PATH_KEYS) {
    const p = (config as unknown as Record<string, Record<string, string | undefined>>)[section]![key];
    if (p !== undefined && !fs.existsSync(p)) {
      throw new ConfigError(`${section}.${key} in ${source}: file not found: ${p}`);
    }
  }
  return config;
}

/** Loads `--config FILE` (or the defaults when absent). Throws ConfigError with a readable message. */
export function loadConfig(file?: string): Config {
  if (!file) return parseConfig({}, 'defaults');
  return checkReferencePaths(parseConfig(readConfigFile(file), file), file);
}

/**
 * `overlay` deep-merged over `base` (or over the defaults when `base` is absent), e.g. a what-if
 * configuration that changes one key of the configuration a night ran with. Validation messages
 * name the overlay file.
 */
export function loadConfigOver(base: string | undefined, overlay: string): Config {
  const merged = deepMerge(base ? readConfigFile(base) : {}, readConfigFile(overlay));
  return checkReferencePaths(parseConfig(merged, overlay), overlay);
}

/** Object keys sorted at every level: one JSON text per configuration. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export interface ConfigIdentity {
  /** sha256 of `json` */
  sha256: string;
  /** the effective configuration, keys sorted, reference files as `sha256:<hex of their content>` */
  json: string;
}

/**
 * What identifies the configuration a night ran under (issue 14.9): every value, with each
 * reference file replaced by the hash of its content, so the identity does not depend on where
 * the files are installed but changes when a table does.
 */
export function configIdentity(config: Config): ConfigIdentity {
  const copy = structuredClone(config) as unknown as Record<string, Record<string, unknown>>;
  for (const [section, key] of PATH_KEYS) {
    const p = copy[section]![key] as string;
    copy[section]![key] = `sha256:${crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex')}`;
  }
  const json = JSON.stringify(canonical(copy));
  return { sha256: crypto.createHash('sha256').update(json).digest('hex'), json };
}

/** Dotted keys whose values differ between two canonical configuration texts (leaves and arrays compared whole). */
export function configKeysThatDiffer(a: string, b: string): string[] {
  const flat = (v: unknown, prefix: string, out: Map<string, string>) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k, x] of Object.entries(v)) flat(x, prefix ? `${prefix}.${k}` : k, out);
    } else out.set(prefix, JSON.stringify(v));
    return out;
  };
  const fa = flat(JSON.parse(a), '', new Map());
  const fb = flat(JSON.parse(b), '', new Map());
  return [...new Set([...fa.keys(), ...fb.keys()])].filter((k) => fa.get(k) !== fb.get(k)).sort();
}
