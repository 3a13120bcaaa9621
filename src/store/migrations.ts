/**
 * Versioned schema migrations. Append only: never edit a migration that has shipped; add a new one.
 * Money is INTEGER cents; dates are ISO TEXT; JSON columns are TEXT.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'run history, inbound files, rejects, decisions, tasks, levy ledger, outputs, file sequences',
    sql: `
      -- One row per invocation of nightly / run (Spring Batch's job repository).
      CREATE TABLE runs (
        run_id        INTEGER PRIMARY KEY,
        business_date TEXT NOT NULL,
        command       TEXT NOT NULL,             -- nightly | run
        interfaces    TEXT NOT NULL,             -- JSON array of interface ids asked for
        status        TEXT NOT NULL,             -- RUNNING | SUCCEEDED | COMPLETED_WITH_ERRORS | FAILED
        exit_code     INTEGER,
        pid           INTEGER NOT NULL,
        started_at    TEXT NOT NULL,             -- wall clock: run history only, never in outputs
        ended_at      TEXT,
        summary       TEXT                       -- JSON: counts per interface and mechanism
      );
      CREATE INDEX runs_by_date ON runs (business_date);

      -- Every inbound file seen, per business date. A rerun of the date replaces its rows.
      CREATE TABLE inbound_files (
        file_id       INTEGER PRIMARY KEY,
        business_date TEXT NOT NULL,
        interface     TEXT NOT NULL,
        file          TEXT NOT NULL,             -- relative to <inbox>/<date>/<interface>/
        bytes         INTEGER NOT NULL,
        sha256        TEXT NOT NULL,
        status        TEXT NOT NULL,             -- loaded | duplicate | rejected
        read          INTEGER NOT NULL,
        loaded        INTEGER NOT NULL,
        rejected      INTEGER NOT NULL,
        run_id        INTEGER NOT NULL REFERENCES runs (run_id),
        UNIQUE (business_date, interface, file)
      );
      CREATE INDEX inbound_files_by_sha ON inbound_files (sha256, status);

      -- Every rejected inbound record (error reports are queries).
      CREATE TABLE rejects (
        business_date TEXT NOT NULL,
        interface     TEXT NOT NULL,
        file          TEXT NOT NULL,
        line          INTEGER NOT NULL,
        record_type   TEXT NOT NULL,
        field         TEXT NOT NULL,
        start_pos     INTEGER,
        end_pos       INTEGER,
        value_masked  TEXT NOT NULL,
        reason        TEXT NOT NULL,
        message       TEXT NOT NULL
      );
      CREATE INDEX rejects_by_date ON rejects (business_date, interface);

      -- One row per evaluated subject and mechanism (DOMAIN 6): the why of every outcome.
      CREATE TABLE decisions (
        decision_id   INTEGER PRIMARY KEY,
        business_date TEXT NOT NULL,
        mechanism     TEXT NOT NULL,
        subject_key   TEXT NOT NULL,
        person_id     TEXT,
        case_id       TEXT,
        outcome       TEXT NOT NULL,             -- ISSUE | AMEND | TERMINATE | RELEASE | NO_CHANGE | SUPPRESS | TASK
        reason_codes  TEXT NOT NULL,             -- comma-separated, '' when none
        amount_cents  INTEGER,
        facts         TEXT NOT NULL,             -- JSON: values and thresholds compared
        sources       TEXT NOT NULL,             -- JSON: [{interface, file, line}] of the input records
        output_ref    TEXT                       -- '<file>:<line>' of the outbound record it produced
      );
      CREATE INDEX decisions_by_subject ON decisions (business_date, mechanism, subject_key);
      CREATE INDEX decisions_by_person ON decisions (person_id, business_date);
      CREATE INDEX decisions_by_case ON decisions (case_id, business_date);

      -- The caseworker worklist; tasks.csv of a date is written from here.
      CREATE TABLE tasks (
        business_date    TEXT NOT NULL,
        mechanism        TEXT NOT NULL,
        task_id          TEXT NOT NULL,
        task_type        TEXT NOT NULL,
        case_id          TEXT,
        lcsa_code        TEXT,
        person_id        TEXT,
        source_interface TEXT NOT NULL,
        source_file      TEXT NOT NULL,
        source_line      INTEGER NOT NULL,
        amount_cents     INTEGER,
        detail           TEXT,
        PRIMARY KEY (business_date, task_id)
      );

      -- What was levied, when (DOMAIN 6.4: RECENTLY_LEVIED looks back 90 days).
      CREATE TABLE levy_ledger (
        business_date  TEXT NOT NULL,
        person_id      TEXT NOT NULL,
        fein           TEXT NOT NULL,
        account_number TEXT NOT NULL,
        case_id        TEXT NOT NULL,
        amount_cents   INTEGER NOT NULL,
        decision_id    INTEGER NOT NULL,
        PRIMARY KEY (business_date, fein, account_number, person_id)
      );
      CREATE INDEX levy_ledger_by_account ON levy_ledger (fein, account_number, business_date);

      -- fileSequence: assigned when a date's file is first written, reused by reruns (OPERATIONS).
      CREATE TABLE file_sequences (
        interface     TEXT NOT NULL,
        business_date TEXT NOT NULL,
        sequence      INTEGER NOT NULL,
        PRIMARY KEY (interface, business_date),
        UNIQUE (interface, sequence)
      );

      -- Outbound files written for a date, as the manifest reports them.
      CREATE TABLE output_files (
        business_date TEXT NOT NULL,
        interface     TEXT NOT NULL,
        file          TEXT NOT NULL,             -- relative to <out>/<date>/
        bytes         INTEGER NOT NULL,
        sha256        TEXT NOT NULL,
        records       TEXT NOT NULL,             -- JSON {recordName: count}
        controls      TEXT NOT NULL,             -- JSON {record.field: value} as written
        truncated     INTEGER NOT NULL,
        PRIMARY KEY (business_date, file)
      );

      -- Per date and section (a mechanism, or 'inbound' for match counts): what the manifest
      -- summary reports (JSON).
      CREATE TABLE summaries (
        business_date TEXT NOT NULL,
        section       TEXT NOT NULL,
        summary       TEXT NOT NULL,
        PRIMARY KEY (business_date, section)
      );

      -- Which business date the ce_* case-extract tables hold.
      CREATE TABLE snapshot (
        name          TEXT PRIMARY KEY,
        business_date TEXT NOT NULL
      );
    `,
  },
  // Each mechanism's ledger is its own migration (versions are applied in ascending order).
  {
    version: 2,
    description: 'income withholding ledger (employer and match IWOs, DOMAIN 6.1-6.2)',
    sql: `
      -- One row per IWO action decided on a business date. The order in force for a key is the
      -- latest row before D whose action is ORG or AMD (a TRM ends it); LUM rows make a lump sum
      -- once per claim. A rerun of D replaces D's rows.
      CREATE TABLE iwo_ledger (
        business_date TEXT NOT NULL,
        source        TEXT NOT NULL,             -- employer | edd | dir-wc | ocss-im | calpers
        ledger_key    TEXT NOT NULL,             -- employer: case_id|fein; edd: claim id; dir-wc: claim number;
                                                 -- ocss-im: person|insurer|claim; calpers: member id|benefit type
        action        TEXT NOT NULL,             -- ORG | AMD | TRM | LUM
        person_id     TEXT NOT NULL,
        case_id       TEXT NOT NULL,             -- the employer case, or the obligor's primary case
        lcsa_code     TEXT,
        fein          TEXT NOT NULL,             -- the payer that receives the document
        current_support_cents INTEGER NOT NULL,  -- monthly amounts AMD compares (0 on TRM and match IWOs)
        arrears_payment_cents INTEGER NOT NULL,
        -- JSON: the detail field values the rules decided, by eiwo layout field name: action,
        -- payer identity (employer* fields), amounts and frequencies, arrearsGreaterThan12Weeks,
        -- withholdPer*, ccpaPercentLimit, lumpSumPaymentAmount, child1..6 fields. The writer adds
        -- the constants, the employee and obligee, tracking number and controls.
        dtl_values    TEXT NOT NULL,
        decision_id   INTEGER NOT NULL,
        PRIMARY KEY (business_date, source, ledger_key)
      );
      CREATE INDEX iwo_ledger_by_key ON iwo_ledger (source, ledger_key, business_date);
      CREATE INDEX iwo_ledger_by_payer ON iwo_ledger (business_date, fein, case_id);
    `,
  },
  // next migration here
];
