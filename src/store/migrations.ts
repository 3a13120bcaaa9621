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
  {
    version: 3,
    description: 'notice ledgers: NMSN, real property liens, CSWN (DOMAIN 6.3, 6.9, 6.10)',
    sql: `
      -- One row per NMSN sent. A (case, FEIN) with a row on an earlier date is never sent again
      -- (NMSNs are never repeated nor terminated). A rerun of D replaces D's rows.
      CREATE TABLE nmsn_ledger (
        business_date TEXT NOT NULL,
        case_id       TEXT NOT NULL,
        fein          TEXT NOT NULL,             -- employer that received the notice
        employer_id   TEXT NOT NULL,             -- employers.employer_id it was sent to
        person_id     TEXT NOT NULL,             -- the obligor (employee)
        order_id      TEXT NOT NULL,             -- order requiring health coverage
        children      TEXT NOT NULL,             -- JSON array of the children named (first six by child_seq):
                                                 -- [{seq, lastName, firstName, dob}]
        decision_id   INTEGER NOT NULL,
        PRIMARY KEY (business_date, case_id, fein)
      );
      CREATE INDEX nmsn_ledger_by_key ON nmsn_ledger (case_id, fein, business_date);

      -- One row per abstract of support judgment sent to a county recorder. A (case, county) with a
      -- row on an earlier date is not filed again; a move to another county files a new lien.
      CREATE TABLE lien_ledger (
        business_date  TEXT NOT NULL,
        case_id        TEXT NOT NULL,
        county_code    TEXT NOT NULL,            -- recorder county (obligor's county of residence)
        person_id      TEXT NOT NULL,            -- the obligor (judgment debtor)
        order_id       TEXT NOT NULL,            -- order abstracted
        judgment_cents INTEGER NOT NULL,         -- judgment amount = case total on D
        interest_rate_thousandths INTEGER NOT NULL, -- annual rate in thousandths of a percent (10000 = 10.000%)
        lien_type      TEXT NOT NULL,            -- E (e-recorded) | R (recorded on paper)
        decision_id    INTEGER NOT NULL,
        PRIMARY KEY (business_date, case_id, county_code)
      );
      CREATE INDEX lien_ledger_by_key ON lien_ledger (case_id, county_code, business_date);

      -- One row per Child Support Warning Notice this system sent (CSWN_RECENTLY_SENT looks back
      -- config.cswn.resendAfterDays over earlier dates). A rerun of D replaces D's rows.
      CREATE TABLE cswn_ledger (
        business_date  TEXT NOT NULL,
        person_id      TEXT NOT NULL,            -- the obligor
        case_id        TEXT NOT NULL,            -- primary case named on the notice
        lcsa_code      TEXT NOT NULL,            -- LCSA of the primary case
        past_due_cents INTEGER NOT NULL,         -- past-due amount stated = obligor total on D
        decision_id    INTEGER NOT NULL,
        PRIMARY KEY (business_date, person_id)
      );
      CREATE INDEX cswn_ledger_by_person ON cswn_ledger (person_id, business_date);
    `,
  },
  {
    version: 5,
    description: 'federal offset (fop-cert) and FTB intercept (ftb-cert) certification ledgers (DOMAIN 6.6-6.7)',
    sql: `
      -- One row per (obligor, case type) and business date on which a transaction was sent, or on
      -- which an OCSS reject was applied. Each row holds the COMPLETE state of the certification as
      -- OCSS knows it after that night (a B row carries the new name and the amount, address and
      -- exclusions already certified), so the current state of a key is simply its latest row
      -- before D. A rerun of D replaces D's rows.
      CREATE TABLE fop_ledger (
        business_date  TEXT NOT NULL,
        person_id      TEXT NOT NULL,
        case_type      TEXT NOT NULL,            -- A (assigned / TANF) | N (non-assigned / Non-TANF)
        action         TEXT,                     -- A | B | Z | M | R | D sent on this date; NULL: nothing sent,
                                                 -- the row only records an applied reject
        certified      INTEGER NOT NULL,         -- 1 while certified; 0 after D
        sent_date      TEXT NOT NULL,            -- business date of the latest transaction sent for this state
        ssn            TEXT NOT NULL,            -- the SSN the record is certified under (OCSS key with case_type)
        case_id        TEXT,                     -- primary case named on the A
        local_code     TEXT,                     -- LCSA county code named on the A
        last_name      TEXT NOT NULL,
        first_name     TEXT,
        address_line1  TEXT,
        address_line2  TEXT,
        city           TEXT,
        state          TEXT,
        zip            TEXT,                     -- ZIP or ZIP+4 without hyphen, as written
        amount_dollars INTEGER NOT NULL,         -- certified arrearage of the case type, whole dollars (0 after D)
        exclusions     TEXT NOT NULL,            -- exclusion indicators as certified ('' = none), e.g. 'TAX,PAS'
        pon_date       TEXT,                     -- pre-offset notice date sent on the A
        rejected       INTEGER NOT NULL DEFAULT 0, -- 1: OCSS rejected the latest transaction (fop-rejects)
        error_codes    TEXT,                     -- JSON array of the reject's error codes (warning 47 included)
        reject_source  TEXT,                     -- '<file>:<line>' of the fop-rejects record applied
        decision_id    INTEGER NOT NULL,
        PRIMARY KEY (person_id, case_type, business_date)
      );
      CREATE INDEX fop_ledger_by_date ON fop_ledger (business_date);

      -- One row per obligor and business date on which an FTB transaction (A, M or D) was sent,
      -- with the complete certified state after it; the latest row before D is the current state.
      CREATE TABLE ftb_ledger (
        business_date  TEXT NOT NULL,
        person_id      TEXT NOT NULL,
        action         TEXT NOT NULL,            -- A | M | D
        certified      INTEGER NOT NULL,         -- 1 while certified; 0 after D
        ssn            TEXT NOT NULL,
        last_name      TEXT NOT NULL,
        first_name     TEXT NOT NULL,
        middle_name    TEXT,
        suffix         TEXT,
        dob            TEXT,
        case_id        TEXT NOT NULL,            -- primary case named on the record
        lcsa_code      TEXT NOT NULL,
        amount_cents   INTEGER NOT NULL,         -- certified amount (obligor total); 0 after D
        decision_id    INTEGER NOT NULL,
        PRIMARY KEY (person_id, business_date)
      );
      CREATE INDEX ftb_ledger_by_date ON ftb_ledger (business_date);
    `,
  },
  {
    version: 4,
    description: 'license suspension ledger (SLMS certifications and releases per obligor and board, DOMAIN 6.5)',
    sql: `
      -- One row per license transaction sent on a business date: A (certify) or R (release). The
      -- state in force for (person, board) is the latest row before D: certified when its action
      -- is A. NO_CHANGE nights add no row. A rerun of D replaces D's rows.
      CREATE TABLE license_ledger (
        business_date      TEXT NOT NULL,
        person_id          TEXT NOT NULL,
        board_code         TEXT NOT NULL,        -- licensing board (reference.licensingBoards)
        action             TEXT NOT NULL,        -- A (certify) | R (release)
        certification_date TEXT NOT NULL,        -- A: D; R: the certification date of the A it releases
        release_type       TEXT,                 -- R: E (expedite) | M (emergency) | N (non-emergency); NULL on A
        ssn                TEXT,                 -- the obligor's SSN as sent (natural-key order of the file)
        case_id            TEXT,                 -- the obligor's primary case (on R without an open case: the A's)
        lcsa_code          TEXT,                 -- that case's LCSA code
        license_number     TEXT,                 -- as held when sent (R of a license gone from the extract: the A's)
        license_class      TEXT,                 -- C | N | NULL (unknown), as sent
        -- JSON: the license-slm detail field values the rules decided, by layout field name
        -- (identity, address, counts, dates, release type, license number and class)
        dtl_values         TEXT NOT NULL,
        decision_id        INTEGER NOT NULL,
        PRIMARY KEY (business_date, person_id, board_code)
      );
      CREATE INDEX license_ledger_by_key ON license_ledger (person_id, board_code, business_date);
    `,
  },
  {
    version: 6,
    description: 'Metro 2 credit reporting ledger, case closure state and production nights (DOMAIN 6.8)',
    sql: `
      -- One row per base segment reported (written to metro2.txt) on a business date. The payment
      -- history profile reads the latest row of each earlier month; "first report" = no row
      -- before D; a closed case is reported once after its last open report. A rerun of a
      -- produced date replaces that date's rows.
      CREATE TABLE metro2_ledger (
        business_date  TEXT NOT NULL,            -- D of the file the base segment was written in
        report_month   TEXT NOT NULL,            -- YYYY-MM of business_date (payment history month)
        case_id        TEXT NOT NULL,            -- consumer account number
        person_id      TEXT NOT NULL,            -- the obligor reported
        account_status TEXT NOT NULL,            -- 11 | 71 | 78 | 80 | 82 | 83 | 84 | 13 | DA
        payment_rating TEXT NOT NULL,            -- 0-6 with status 13, '' otherwise
        current_balance INTEGER NOT NULL,        -- whole dollars as written
        amount_past_due INTEGER NOT NULL,        -- whole dollars as written
        date_of_first_delinquency TEXT,          -- DOFD as written (NULL = zero-filled)
        date_closed    TEXT,                     -- date closed as written (NULL = open)
        decision_id    INTEGER NOT NULL,         -- the ISSUE decision of the segment
        PRIMARY KEY (business_date, case_id)
      );
      CREATE INDEX metro2_ledger_by_case ON metro2_ledger (case_id, business_date);

      -- Per case ever reported: the first business date it was seen closed (DOMAIN 6.8 "date
      -- closed"), recorded every night whether or not a file is produced. The row is removed when
      -- the case is seen open again on a later date (reopened).
      CREATE TABLE metro2_case_state (
        case_id       TEXT PRIMARY KEY,
        closed_since  TEXT NOT NULL,             -- first business date the case was seen closed
        seen_date     TEXT NOT NULL              -- last business date the closure was observed
      );

      -- Per business date the mechanism ran: whether the file was due and why (the summary and
      -- the manifest say whether metro2.txt was produced, from this and D's decisions).
      CREATE TABLE metro2_nights (
        business_date TEXT PRIMARY KEY,
        due           TEXT NOT NULL              -- MONTH_END | REQUESTED | NOT_DUE
      );
    `,
  },
  {
    version: 7,
    description: 'SDU receipts: what the State Disbursement Unit received, one row per receipt id (collections)',
    sql: `
      -- Every receipt the SDU reported in an sdu-payments file, once per receipt id: a receipt id
      -- seen again (on the same or a later night) is a duplicate, not a second payment; the row of
      -- the night that first loaded it stands. A reversal is a receipt of its own with a negative
      -- amount that names the original in reverses_receipt_id. Rows persist across nights; a rerun
      -- of a date replaces the rows that date loaded. Collections (reports, employer compliance,
      -- effectiveness) read this table, never the staging rows.
      CREATE TABLE sdu_receipts (
        receipt_id          TEXT PRIMARY KEY,
        receipt_date        TEXT NOT NULL,         -- ISO date the SDU received the money
        business_date       TEXT NOT NULL,         -- the night that loaded it
        case_id             TEXT NOT NULL,
        obligor_person_id   TEXT,                  -- matched by SSN; NULL when none or several match
        amount_cents        INTEGER NOT NULL,      -- negative for a reversal
        source_type         TEXT NOT NULL,         -- WAGE UIB DIB WC IRS FTB FIDM MSFIDM INS LIEN LUM CALPERS NCP OJ OTH
        remitter_fein       TEXT,                  -- employer, insurer, institution or payer; NULL for a parent's own payment
        document_ref        TEXT,                  -- e-IWO document control number, levy order or certification reference
        reverses_receipt_id TEXT,                  -- the receipt a reversal undoes
        file_id             INTEGER NOT NULL REFERENCES inbound_files (file_id) ON DELETE CASCADE,
        line                INTEGER NOT NULL
      );
      CREATE INDEX sdu_receipts_by_case ON sdu_receipts (case_id, source_type, receipt_date);
      CREATE INDEX sdu_receipts_by_remitter ON sdu_receipts (remitter_fein, case_id, receipt_date);
      CREATE INDEX sdu_receipts_by_date ON sdu_receipts (business_date);
    `,
  },
  {
    version: 30,
    description: 'insurance claim key on the IWO ledger (one claim, one lump-sum IWO across ocss-im and csln) and the CSLN listing ledger',
    sql: `
      -- The claim a LUM of an insurance source (ocss-im, csln) was sent for: insurer FEIN | claim
      -- number (upper case). NULL on every other row. A second report of the claim, from either
      -- source, on a later night is NO_CHANGE DUPLICATE_MATCH (src/rules/iwoCsln.ts).
      ALTER TABLE iwo_ledger ADD COLUMN claim_key TEXT;
      UPDATE iwo_ledger SET claim_key = fein || '|' || upper((SELECT json_extract(d.facts, '$.record.claimNumber')
                                                          FROM decisions d WHERE d.decision_id = iwo_ledger.decision_id))
       WHERE source = 'ocss-im' AND action = 'LUM';
      CREATE INDEX iwo_ledger_by_claim ON iwo_ledger (claim_key, business_date) WHERE claim_key IS NOT NULL;

      -- One row per obligor and business date on which a CSLN listing transaction (A add, C change
      -- of the amount owed, D delete) was sent, with the complete listed state after it; the latest
      -- row before D is the current state (as ftb_ledger). A rerun of a due date replaces its rows.
      CREATE TABLE csln_ledger (
        business_date  TEXT NOT NULL,
        person_id      TEXT NOT NULL,
        action         TEXT NOT NULL,            -- A | C | D
        certified      INTEGER NOT NULL,         -- 1 while listed; 0 after D
        ssn            TEXT NOT NULL,            -- the SSN the obligor is listed under
        last_name      TEXT NOT NULL,
        first_name     TEXT NOT NULL,
        middle_name    TEXT,
        suffix         TEXT,
        dob            TEXT,
        case_id        TEXT NOT NULL,            -- primary case named on the record
        lcsa_code      TEXT NOT NULL,
        amount_cents   INTEGER NOT NULL,         -- total owed as listed (obligor total); 0 after D
        decision_id    INTEGER NOT NULL,
        PRIMARY KEY (person_id, business_date)
      );
      CREATE INDEX csln_ledger_by_date ON csln_ledger (business_date);

      -- Per business date the csln mechanism ran: whether the submission was due and why.
      CREATE TABLE csln_nights (
        business_date TEXT PRIMARY KEY,
        due           TEXT NOT NULL              -- WEEKDAY | REQUESTED | NOT_DUE
      );
    `,
  },
  {
    version: 60,
    description: 'run history: whether a run decided anything, voided runs (who, when, why), the configuration used',
    sql: `
      -- 1 when the run decided at least one mechanism on a good snapshot of its date: only such runs
      -- (and crashed ones that left decisions) make an earlier date's rerun refused (issue 14.1).
      -- Runs recorded before this column: those whose case extract was missing or rejected said so
      -- in their problems and decided nothing.
      ALTER TABLE runs ADD COLUMN decided INTEGER NOT NULL DEFAULT 1;
      UPDATE runs SET decided = 0
       WHERE summary IS NOT NULL AND json_valid(summary)
         AND EXISTS (SELECT 1 FROM json_each(summary, '$.problems') WHERE value LIKE 'no rules run%');
      -- A run voided by an operator (\`runs --void RUN_ID --why TEXT\`): kept in the history, no
      -- longer counts for the rerun refusal. voided_at is wall clock (run history only).
      ALTER TABLE runs ADD COLUMN voided_at TEXT;
      ALTER TABLE runs ADD COLUMN voided_by TEXT;
      ALTER TABLE runs ADD COLUMN void_reason TEXT;
      -- The effective configuration of the run: sha256 of its canonical JSON (reference files by
      -- their content hash), the canonical JSON itself (to name the keys a rerun changes) and the
      -- --config file given (absolute path; NULL for the defaults).
      ALTER TABLE runs ADD COLUMN config_sha256 TEXT;
      ALTER TABLE runs ADD COLUMN config_json TEXT;
      ALTER TABLE runs ADD COLUMN config_file TEXT;
    `,
  },
  {
    version: 10,
    description: 'truncations by field: per output file and record.field (manifest), per output line (explain)',
    sql: `
      -- JSON {"<record>.<field>": count} of the values cut to their field length in the file.
      ALTER TABLE output_files ADD COLUMN truncated_fields TEXT NOT NULL DEFAULT '{}';

      -- One row per output line with a truncated value: which fields of that record were cut.
      CREATE TABLE output_truncations (
        business_date TEXT NOT NULL,
        file          TEXT NOT NULL,             -- relative to <out>/<date>/
        line          INTEGER NOT NULL,
        record        TEXT NOT NULL,             -- the layout's record name
        fields        TEXT NOT NULL,             -- JSON array of the field names cut
        PRIMARY KEY (business_date, file, line)
      );
      -- an output file removed from the store (a rerun writes fewer files) takes its lines along
      CREATE TRIGGER output_files_truncations_gone AFTER DELETE ON output_files
      BEGIN
        DELETE FROM output_truncations WHERE business_date = OLD.business_date AND file = OLD.file;
      END;
    `,
  },
  {
    version: 20,
    description: 'SDU receipts retransmitted (counted duplicates) and the employer compliance ledgers (22 CCR 116108, FC 5241)',
    sql: `
      -- Every sdu-payments record whose receipt id was already loaded (on the same night, or an
      -- earlier one) with exactly the same content: a retransmission, counted and kept here so the
      -- file reconciles (loaded = receipts + duplicates), never a second payment. A record that
      -- reuses a receipt id with other content is rejected instead (DUPLICATE_KEY). A rerun of a
      -- date replaces its rows (they cascade with the file).
      CREATE TABLE sdu_duplicates (
        file_id        INTEGER NOT NULL REFERENCES inbound_files (file_id) ON DELETE CASCADE,
        line           INTEGER NOT NULL,
        business_date  TEXT NOT NULL,            -- the night that read the duplicate
        receipt_id     TEXT NOT NULL,
        first_business_date TEXT NOT NULL,       -- the night whose row in sdu_receipts stands
        first_file_id  INTEGER NOT NULL,
        first_line     INTEGER NOT NULL,
        amount_cents   INTEGER NOT NULL,
        PRIMARY KEY (file_id, line)
      );
      CREATE INDEX sdu_duplicates_by_date ON sdu_duplicates (business_date);
      -- reversals by the receipt they undo (employer compliance: a reversed WAGE receipt does not count)
      CREATE INDEX sdu_receipts_by_reversed ON sdu_receipts (reverses_receipt_id);

      -- One row per employer IWO found non-compliant (no WAGE receipt from its FEIN on its case
      -- since its ORG, noWageDays after the ORG): the task is raised once per ORG (a new ORG of the
      -- key can fail again). The rows stay when a receipt arrives later: they are the failures the
      -- order-to-show-cause count reads. A rerun of D replaces D's rows.
      CREATE TABLE compliance_ledger (
        business_date  TEXT NOT NULL,            -- the night the failure was raised
        ledger_key     TEXT NOT NULL,            -- iwo_ledger key of the employer IWO: case_id|fein
        org_date       TEXT NOT NULL,            -- business date of the ORG that failed
        case_id        TEXT NOT NULL,
        fein           TEXT NOT NULL,
        person_id      TEXT NOT NULL,
        decision_id    INTEGER NOT NULL,
        PRIMARY KEY (business_date, ledger_key)
      );
      CREATE INDEX compliance_ledger_by_key ON compliance_ledger (ledger_key, org_date);
      CREATE INDEX compliance_ledger_by_fein ON compliance_ledger (fein, business_date);

      -- One row per employer (FEIN) named an order-to-show-cause candidate; not named again within
      -- oscMonths months. A rerun of D replaces D's rows.
      CREATE TABLE employer_osc_ledger (
        business_date  TEXT NOT NULL,
        fein           TEXT NOT NULL,
        failures       INTEGER NOT NULL,         -- failures counted in the window
        cases          TEXT NOT NULL,            -- JSON array of the case ids of those failures
        decision_id    INTEGER NOT NULL,
        PRIMARY KEY (business_date, fein)
      );
      CREATE INDEX employer_osc_ledger_by_fein ON employer_osc_ledger (fein, business_date);
    `,
  },
  {
    version: 70,
    description: 'decisions: person and case indexes led by (business_date, mechanism), so a night appends to them (issue 10)',
    sql: `
      -- (person_id, business_date) and (case_id, business_date) put every mechanism's rows of a
      -- night among the earlier mechanisms' rows of the same people and cases: each INSERT of a
      -- mechanism touched (read, dirtied, wrote to the WAL) nearly every leaf page of both indexes.
      -- Led by (business_date, mechanism), a mechanism's rows of D fill a range of their own. Every
      -- reader gives the date; readers by person or case name the mechanisms (explain lists them
      -- with an index probe per mechanism), the task look-back names its mechanism.
      DROP INDEX decisions_by_person;
      DROP INDEX decisions_by_case;
      CREATE INDEX decisions_by_person ON decisions (business_date, mechanism, person_id);
      CREATE INDEX decisions_by_case ON decisions (business_date, mechanism, case_id);
    `,
  },
  // next migration here
];
