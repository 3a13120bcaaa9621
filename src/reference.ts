/**
 * Reference data shipped with the product (schemas/reference/) or named by the configuration
 * (DOMAIN 7): read and checked once per run, with errors that name the file and line.
 */
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { ConfigError } from './config.ts';

export interface LicensingBoard {
  boardCode: string;
  name: string;
}

/** `board_code,name`: the boards this system certifies to (reference.licensingBoards). */
export function loadLicensingBoards(file: string): LicensingBoard[] {
  let rows: string[][];
  try {
    rows = parse(fs.readFileSync(file, 'utf8'), { relax_column_count: false }) as string[][];
  } catch (e) {
    throw new ConfigError(`reference.licensingBoards ${file}: ${(e as Error).message}`);
  }
  const [header, ...data] = rows;
  if (header?.join(',') !== 'board_code,name') {
    throw new ConfigError(`reference.licensingBoards ${file}: line 1 must be the header 'board_code,name'`);
  }
  const seen = new Set<string>();
  return data.map(([boardCode = '', name = ''], i) => {
    if (!/^[A-Z0-9]{1,4}$/.test(boardCode)) {
      throw new ConfigError(`reference.licensingBoards ${file} line ${i + 2}: board_code must be 1-4 upper-case letters or digits`);
    }
    if (seen.has(boardCode)) throw new ConfigError(`reference.licensingBoards ${file} line ${i + 2}: board_code ${boardCode} listed twice`);
    seen.add(boardCode);
    return { boardCode, name };
  });
}

/** One row of the county median income table (SB 1055, DOMAIN 6.5 and 7). */
export interface CountyMedianIncome {
  countyCode: string;
  year: number;
  /** HCD area median income for a household of four, in cents (the file holds whole dollars). */
  medianCents: number;
  /** where the value comes from; `sample` marks values not copied from an HCD publication */
  source: string;
  /** the line of the file, for the decisions' sources */
  line: number;
}

const COUNTY_MEDIAN_HEADER = ['county_code', 'year', 'median_income', 'source'] as const;

const countyMedianRow = z.object({
  county_code: z.string().regex(/^\d{3}$/, 'county_code must be a 3-digit California county FIPS code'),
  // any year: HCD publishes a new table every spring and the loader takes it without a code change
  year: z
    .string()
    .regex(/^\d{4}$/, 'year must be 4 digits')
    .transform(Number)
    .refine((y) => y >= 1900, 'year must be 1900 or later'),
  // HCD publishes whole dollars; cents are refused rather than silently dropped
  median_income: z
    .string()
    .regex(/^\d{1,9}$/, 'median_income must be whole dollars (digits only, at most 9)')
    .transform(Number)
    .refine((n) => n > 0, 'median_income must be greater than 0'),
  source: z.string().trim().min(1, 'source must say where the value comes from (an HCD publication, or sample)'),
});

/**
 * `county_code,year,median_income,source`: HCD State Income Limits, area median income for a
 * household of four, one table per year (reference.countyMedianIncome). Every problem names the
 * file and line; a (county, year) given twice is an error.
 */
export function loadCountyMedianIncome(file: string): CountyMedianIncome[] {
  const what = `reference.countyMedianIncome ${file}`;
  let rows: string[][];
  try {
    rows = parse(fs.readFileSync(file, 'utf8'), { relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (e) {
    throw new ConfigError(`${what}: ${(e as Error).message}`);
  }
  const [header, ...data] = rows;
  if (header?.map((h) => h.trim()).join(',') !== COUNTY_MEDIAN_HEADER.join(',')) {
    throw new ConfigError(`${what}: line 1 must be the header '${COUNTY_MEDIAN_HEADER.join(',')}'`);
  }
  const seen = new Set<string>();
  return data.map((cells, i) => {
    const line = i + 2;
    if (cells.length !== COUNTY_MEDIAN_HEADER.length) {
      throw new ConfigError(`${what} line ${line}: expected ${COUNTY_MEDIAN_HEADER.length} columns, found ${cells.length}`);
    }
    const parsed = countyMedianRow.safeParse(Object.fromEntries(COUNTY_MEDIAN_HEADER.map((h, c) => [h, cells[c]!.trim()])));
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => issue.message).join('; ');
      throw new ConfigError(`${what} line ${line}: ${problems}`);
    }
    const r = parsed.data;
    const key = `${r.county_code}|${r.year}`;
    if (seen.has(key)) throw new ConfigError(`${what} line ${line}: county ${r.county_code} year ${r.year} listed twice`);
    seen.add(key);
    return { countyCode: r.county_code, year: r.year, medianCents: r.median_income * 100, source: r.source, line };
  });
}
