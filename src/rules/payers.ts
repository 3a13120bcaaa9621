/**
 * Payers of match IWOs whose identity is not in the match record (DOMAIN 6.2: "Payer identities
 * (EDD, CalPERS FEIN, name, address) come from the reference data"): the shipped CSV
 * `schemas/reference/payers.csv` with the columns payer_code,fein,name,address_line1,address_line2,
 * city,state,zip,source. `source` says where each row's values come from (values not copied from
 * the payer's own publication are marked "sample" there). DIR claims administrators and insurers
 * are named by their match records and are not listed here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { ConfigError, PACKAGE_ROOT } from '../config.ts';
import type { Db } from '../store/db.ts';

export const PAYERS_FILE = path.join(PACKAGE_ROOT, 'schemas', 'reference', 'payers.csv');

const HEADER = 'payer_code,fein,name,address_line1,address_line2,city,state,zip,source';

/** Payer codes the match IWO rules need. */
export const PAYER_EDD = 'EDD';
export const PAYER_CALPERS = 'CALPERS';

export interface Payer {
  payerCode: string;
  fein: string;
  name: string;
  addressLine1: string;
  addressLine2: string | null;
  city: string;
  state: string;
  /** 5 digits, or ZIP+4 as 9 digits */
  zip: string;
  source: string;
}

/** Reads and checks the payer list; every problem names the file and line. */
export function loadPayers(file = PAYERS_FILE, required: readonly string[] = [PAYER_EDD, PAYER_CALPERS]): Payer[] {
  let rows: string[][];
  try {
    rows = parse(fs.readFileSync(file, 'utf8'), { relax_column_count: false }) as string[][];
  } catch (e) {
    throw new ConfigError(`payers reference ${file}: ${(e as Error).message}`);
  }
  const [header, ...data] = rows;
  if (header?.join(',') !== HEADER) throw new ConfigError(`payers reference ${file}: line 1 must be the header '${HEADER}'`);
  const seen = new Set<string>();
  const payers = data.map((r, i) => {
    const where = `payers reference ${file} line ${i + 2}`;
    const [payerCode = '', fein = '', name = '', addressLine1 = '', addressLine2 = '', city = '', state = '', zip = '', source = ''] = r;
    if (!/^[A-Z0-9_]{1,20}$/.test(payerCode)) throw new ConfigError(`${where}: payer_code must be 1-20 upper-case letters, digits or _`);
    if (seen.has(payerCode)) throw new ConfigError(`${where}: payer_code ${payerCode} listed twice`);
    seen.add(payerCode);
    if (!/^\d{9}$/.test(fein)) throw new ConfigError(`${where}: fein must be 9 digits`);
    if (name.trim() === '' || addressLine1.trim() === '' || city.trim() === '') {
      throw new ConfigError(`${where}: name, address_line1 and city are required`);
    }
    if (!/^[A-Z]{2}$/.test(state)) throw new ConfigError(`${where}: state must be a 2-letter USPS code`);
    if (!/^(\d{5}|\d{9})$/.test(zip)) throw new ConfigError(`${where}: zip must be 5 or 9 digits`);
    if (source.trim() === '') throw new ConfigError(`${where}: source is required (say where the values come from)`);
    return { payerCode, fein, name, addressLine1, addressLine2: addressLine2.trim() === '' ? null : addressLine2, city, state, zip, source };
  });
  for (const code of required) {
    if (!seen.has(code)) throw new ConfigError(`payers reference ${file}: payer ${code} is missing`);
  }
  return payers;
}

/** The payers as the temp table `iwo_payer` (payer_code, fein, name, address…, zip5, zip_ext) for set-based rules. */
export function stagePayers(db: Db, payers: readonly Payer[]): void {
  db.exec(
    `DROP TABLE IF EXISTS temp.iwo_payer;
     CREATE TEMP TABLE iwo_payer (payer_code TEXT PRIMARY KEY, fein TEXT NOT NULL, name TEXT NOT NULL,
       address_line1 TEXT NOT NULL, address_line2 TEXT, city TEXT NOT NULL, state TEXT NOT NULL,
       zip5 TEXT NOT NULL, zip_ext TEXT, source TEXT NOT NULL)`,
  );
  const ins = db.prepare('INSERT INTO iwo_payer VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  for (const p of payers) {
    ins.run(p.payerCode, p.fein, p.name, p.addressLine1, p.addressLine2, p.city, p.state, p.zip.slice(0, 5), p.zip.length === 9 ? p.zip.slice(5) : null, p.source);
  }
}
