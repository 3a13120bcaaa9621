/**
 * A tiny in-memory store for rule tests: a case-extract snapshot and staged match records written
 * straight into the tables, with a levy-eligible obligor by default so that each test changes
 * exactly the one thing its rule is about.
 */
import crypto from 'node:crypto';
import { openDb } from '../../src/store/db.ts';
import type { Db } from '../../src/store/db.ts';
import { caseExtractTableDdl } from '../../src/inbound/caseExtract.ts';
import { ensureStagingTables, stagingTableName } from '../../src/store/staging.ts';
import { fixedLayout } from '../../src/layout/registry.ts';
import { FIXED_WIDTH_INBOUND } from '../../src/interfaces.ts';

type Row = Record<string, string | number | null>;

export const D = '2026-11-20';

export function person(id: string, over: Row = {}): Row {
  return {
    person_id: id,
    ssn: null,
    last_name: 'GARCIA',
    first_name: 'MARIA',
    middle_name: null,
    suffix: null,
    dob: '1980-01-01',
    address_line1: '1 MAIN ST',
    address_line2: null,
    city: 'LOS ANGELES',
    state: 'CA',
    zip: '90012',
    county_code: '037',
    phone: null,
    household_size: null,
    household_income_annual: null,
    income_verified_date: null,
    supports_other_dependents: 'N',
    receives_ssi: 'N',
    receives_uib: 'N',
    receives_dib: 'N',
    incarcerated_since: null,
    released_on: null,
    deceased_on: null,
    ...over,
  };
}

export function caseRow(id: string, obligor: string, over: Row = {}): Row {
  return {
    case_id: id,
    lcsa_code: '037',
    status: 'OPEN',
    closure_reason: null,
    case_type: 'NEVER_ASSISTANCE',
    obligor_person_id: obligor,
    obligee_person_id: null,
    order_id: `ORD-${id}`,
    order_date: '2020-01-01',
    tribunal: null,
    monthly_current_support: 50000,
    monthly_arrears_payment: 10000,
    medical_support_ordered: 'N',
    medical_coverage_on_file: 'N',
    arrears_family: 500000,
    arrears_state: 0,
    arrears_foster_care: 0,
    arrears_interest: 10000,
    oldest_unpaid_due_date: '2026-06-01',
    last_payment_date: null,
    last_payment_amount: null,
    cswn_sent_date: '2026-03-01',
    pon_sent_date: null,
    credit_notice_sent_date: null,
    bankruptcy_filed_date: null,
    bankruptcy_chapter: null,
    bankruptcy_closed_date: null,
    ab135_uncollectible: 'N',
    drp_status: 'NONE',
    passport_appeal_approved: 'N',
    license_release_request: 'NONE',
    employer_id: null,
    employment_start_date: null,
    ...over,
  };
}

export interface FidmAccount {
  ssn: string;
  account: string;
  balance?: number | null; // whole dollars
  balanceIndicator?: string | null;
  trust?: string | null;
  accountType?: string | null;
  matchFlag?: string | null;
}

export interface Institution {
  fein: string;
  name?: string;
  street?: string | null;
  city?: string | null;
  state?: string | null;
  zip5?: string | null;
  zip4?: string | null;
}

export class World {
  readonly db: Db;
  private nextLine = new Map<number, number>();

  /** `file`: a database file instead of memory (for commands that open the store themselves) */
  constructor(file = ':memory:') {
    this.db = openDb(file);
    for (const ddl of caseExtractTableDdl()) this.db.exec(ddl);
    for (const spec of FIXED_WIDTH_INBOUND) ensureStagingTables(this.db, fixedLayout(spec.id));
    this.db.prepare(`INSERT INTO runs (business_date, command, interfaces, status, pid, started_at) VALUES (?, 'test', '[]', 'RUNNING', 1, 'x')`).run(D);
  }

  private insert(table: string, row: Row): void {
    const cols = Object.keys(row);
    this.db.prepare(`INSERT INTO ${table} (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(
      ...cols.map((c) => row[c] ?? null),
    );
  }

  addPerson(row: Row): this {
    this.insert('ce_participants', { line: 0, ...row });
    return this;
  }

  addCase(row: Row): this {
    this.insert('ce_cases', { line: 0, ...row });
    return this;
  }

  /** employers.csv row (defaults: a complete California employer). */
  addEmployer(id: string, over: Row = {}): this {
    this.insert('ce_employers', {
      line: 0,
      employer_id: id,
      fein: '941111111',
      name: 'ACME WIDGETS INC',
      address_line1: '500 INDUSTRIAL WAY',
      address_line2: null,
      city: 'FRESNO',
      state: 'CA',
      zip: '93721',
      contact_name: null,
      phone: null,
      email: null,
      ...over,
    });
    return this;
  }

  /** children.csv row. */
  addChild(caseId: string, seq: number, over: Row = {}): this {
    this.insert('ce_children', {
      line: 0,
      case_id: caseId,
      child_seq: seq,
      last_name: 'GARCIA',
      first_name: `CHILD${seq}`,
      middle_name: null,
      suffix: null,
      dob: '2015-05-05',
      ...over,
    });
    return this;
  }

  /** licenses.csv row. */
  addLicense(personId: string, boardCode: string, over: Row = {}): this {
    this.insert('ce_licenses', {
      line: 0,
      person_id: personId,
      board_code: boardCode,
      license_number: `${boardCode}-${personId}`,
      license_class: null,
      ...over,
    });
    return this;
  }

  /** Any other row, straight into a table (ledgers of earlier nights, …). */
  addRow(table: string, row: Row): this {
    this.insert(table, row);
    return this;
  }

  /** A staged record of any fixed-width interface, at the next line of its file. */
  addStaged(iface: string, record: string, fileId: number, values: Row): number {
    const line = this.line(fileId);
    this.insert(stagingTableName(iface, record), { file_id: fileId, line, batch_line: null, ...values });
    return line;
  }

  /** An inbound file of D (or another date) with its sha256 derived from its name. */
  addFile(iface: string, file: string, date = D): number {
    const sha = crypto.createHash('sha256').update(`${iface}/${date}/${file}`).digest('hex');
    const id = Number(
      this.db
        .prepare(
          `INSERT INTO inbound_files (business_date, interface, file, bytes, sha256, status, read, loaded, rejected, run_id)
           VALUES (?, ?, ?, 0, ?, 'loaded', 0, 0, 0, 1)`,
        )
        .run(date, iface, file, sha).lastInsertRowid,
    );
    this.nextLine.set(id, 1);
    return id;
  }

  private line(fileId: number): number {
    const n = this.nextLine.get(fileId)!;
    this.nextLine.set(fileId, n + 1);
    return n;
  }

  /** One FIDM A…T block; returns the B lines. */
  addFidmBlock(fileId: number, inst: Institution, accounts: FidmAccount[]): number[] {
    const aLine = this.line(fileId);
    this.insert(stagingTableName('fidm', 'aRecord'), {
      file_id: fileId,
      line: aLine,
      batch_line: aLine,
      recordType: 'A',
      institutionTin: inst.fein,
      matchYearMonth: '202611',
      institutionName: inst.name ?? 'FIRST CALIFORNIA BANK',
      institutionStreet: inst.street === undefined ? '100 MARKET ST' : inst.street,
      institutionCity: inst.city === undefined ? 'SAN FRANCISCO' : inst.city,
      institutionState: inst.state === undefined ? 'CA' : inst.state,
      institutionZip5: inst.zip5 === undefined ? '94105' : inst.zip5,
      institutionZip4: inst.zip4 ?? null,
      transmitterTin: inst.fein,
      dataMatchFileIndicator: 'M',
    });
    const lines: number[] = [];
    for (const a of accounts) {
      const line = this.line(fileId);
      lines.push(line);
      this.insert(stagingTableName('fidm', 'bRecord'), {
        file_id: fileId,
        line,
        batch_line: aLine,
        recordType: 'B',
        matchedSsn: a.ssn,
        payeeAccountNumber: a.account,
        matchedPayeeName: 'GARCIA MARIA',
        accountBalance: a.balance === undefined ? 2000 : a.balance,
        matchFlag: a.matchFlag === undefined ? '1' : a.matchFlag,
        trustFundIndicator: a.trust === undefined ? '0' : a.trust,
        accountBalanceIndicator: a.balanceIndicator === undefined ? '2' : a.balanceIndicator,
        accountType: a.accountType === undefined ? '04' : a.accountType,
      });
    }
    const tLine = this.line(fileId);
    this.insert(stagingTableName('fidm', 'tRecord'), { file_id: fileId, line: tLine, batch_line: aLine, recordType: 'T', bRecordCount: String(accounts.length) });
    return lines;
  }

  addMsfidm(fileId: number, inst: Institution, a: FidmAccount & { accountStatus?: string | null }): number {
    const line = this.line(fileId);
    this.insert(stagingTableName('msfidm', 'detail'), {
      file_id: fileId,
      line,
      batch_line: null,
      recordId: 'MC',
      institutionTin: inst.fein,
      institutionName: inst.name ?? 'NATIONAL BANK',
      institutionStreet: inst.street === undefined ? '1 WALL ST' : inst.street,
      institutionCity: inst.city === undefined ? 'NEW YORK' : inst.city,
      institutionState: inst.state === undefined ? 'NY' : inst.state,
      institutionZip5: inst.zip5 === undefined ? '10005' : inst.zip5,
      institutionZip4: inst.zip4 ?? null,
      matchedSsn: a.ssn,
      payeeAccountNumber: a.account,
      accountStatus: a.accountStatus === undefined ? '0' : a.accountStatus,
      accountBalance: a.balance === undefined ? 2000 : a.balance,
      matchFlag: a.matchFlag === undefined ? '1' : a.matchFlag,
      trustFundIndicator: a.trust === undefined ? '0' : a.trust,
      accountBalanceIndicator: a.balanceIndicator === undefined ? '2' : a.balanceIndicator,
      accountType: a.accountType === undefined ? '04' : a.accountType,
      stateCode: '06',
    });
    return line;
  }

  addLedger(date: string, personId: string, fein: string, account: string, cents = 10000): this {
    this.db
      .prepare(
        `INSERT INTO levy_ledger (business_date, person_id, fein, account_number, case_id, amount_cents, decision_id)
         VALUES (?, ?, ?, ?, 'C-OLD', ?, 0)`,
      )
      .run(date, personId, fein, account, cents);
    return this;
  }
}

export interface DecisionRow {
  subject_key: string;
  person_id: string | null;
  case_id: string | null;
  outcome: string;
  reason_codes: string;
  amount_cents: number | null;
  facts: string;
  sources: string;
}

export function decisions(db: Db, mechanism = 'levy', date = D): DecisionRow[] {
  return db
    .prepare(
      `SELECT subject_key, person_id, case_id, outcome, reason_codes, amount_cents, facts, sources
       FROM decisions WHERE business_date = ? AND mechanism = ? ORDER BY outcome, subject_key`,
    )
    .all(date, mechanism) as DecisionRow[];
}
