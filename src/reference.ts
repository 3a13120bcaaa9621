/**
 * Reference data shipped with the product (schemas/reference/) or named by the configuration
 * (DOMAIN 7): read and checked once per run, with errors that name the file and line.
 */
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
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
