-- Schema version 1: returns and their history, the files as received, one table per record
-- kind, the submission log and the audit log. The same shape as the SQLite store's
-- migrations/0001_init.sql, in PostgreSQL's dialect.
--
-- `schema_migrations` is created by the runner in src/migrate.rs, not here.
-- The record tables' columns after `return_id` and `row` are exactly
-- `store::codec::*_COLUMNS`; a test checks they still agree.

-- One stored version of a force's return for a period. Never updated except to mark it
-- superseded.
CREATE TABLE returns (
    id            BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    force         TEXT        NOT NULL,
    period        TEXT        NOT NULL,
    version       INTEGER     NOT NULL,
    revision      INTEGER     NOT NULL,
    submitted_by  TEXT        NOT NULL,
    stored_by     TEXT        NOT NULL,
    received_at   TIMESTAMPTZ NOT NULL,
    origin        TEXT        NOT NULL,
    container     TEXT        NOT NULL,
    sha256        TEXT        NOT NULL,
    current       BOOLEAN     NOT NULL,
    superseded_by BIGINT      REFERENCES returns (id),
    n_lines       INTEGER     NOT NULL,
    n_nominals    INTEGER     NOT NULL,
    n_locations   INTEGER     NOT NULL,
    n_vehicles    INTEGER     NOT NULL,
    n_events      INTEGER     NOT NULL,
    UNIQUE (force, period, revision),
    CHECK (NOT current OR superseded_by IS NULL)
);

-- Invariant: at most one current version per force and period.
CREATE UNIQUE INDEX returns_one_current ON returns (force, period) WHERE current;

-- The submitted files, byte for byte.
CREATE TABLE return_sources (
    return_id BIGINT NOT NULL REFERENCES returns (id),
    name      TEXT   NOT NULL,
    bytes     BYTEA  NOT NULL
);
CREATE INDEX return_sources_by_return ON return_sources (return_id);

-- The record tables, keyed by (return_id, row): the key is how a return is read back, and
-- since ids and rows only grow, COPY appends at the right edge of the index.

CREATE TABLE lines (
    return_id       BIGINT  NOT NULL REFERENCES returns (id),
    row             INTEGER NOT NULL,
    line_ref        TEXT,
    line_name       TEXT,
    deal_numbers    TEXT,
    exporting_force TEXT,
    exporting_area  TEXT,
    importing_areas TEXT,
    drugs           TEXT,
    status          TEXT,
    violence        TEXT,
    weapons         TEXT,
    cuckooing       TEXT,
    ocg_urn         TEXT,
    first_reported  TEXT,
    last_reported   TEXT,
    grading         TEXT,
    notes           TEXT,
    PRIMARY KEY (return_id, row)
);

CREATE TABLE nominals (
    return_id            BIGINT  NOT NULL REFERENCES returns (id),
    row                  INTEGER NOT NULL,
    nominal_ref          TEXT,
    surname              TEXT,
    forenames            TEXT,
    aliases              TEXT,
    dob                  TEXT,
    gender               TEXT,
    pnc_id               TEXT,
    address              TEXT,
    postcode             TEXT,
    phone_numbers        TEXT,
    role                 TEXT,
    line_refs            TEXT,
    times_come_to_notice TEXT,
    last_contact         TEXT,
    vulnerabilities      TEXT,
    grading              TEXT,
    notes                TEXT,
    PRIMARY KEY (return_id, row)
);

CREATE TABLE locations (
    return_id      BIGINT  NOT NULL REFERENCES returns (id),
    row            INTEGER NOT NULL,
    location_ref   TEXT,
    address        TEXT,
    postcode       TEXT,
    kind           TEXT,
    line_refs      TEXT,
    nominal_refs   TEXT,
    first_reported TEXT,
    grading        TEXT,
    PRIMARY KEY (return_id, row)
);

CREATE TABLE vehicles (
    return_id    BIGINT  NOT NULL REFERENCES returns (id),
    row          INTEGER NOT NULL,
    vrm          TEXT,
    make         TEXT,
    model        TEXT,
    colour       TEXT,
    kind         TEXT,
    line_refs    TEXT,
    nominal_refs TEXT,
    grading      TEXT,
    PRIMARY KEY (return_id, row)
);

CREATE TABLE events (
    return_id    BIGINT  NOT NULL REFERENCES returns (id),
    row          INTEGER NOT NULL,
    event_ref    TEXT,
    kind         TEXT,
    date         TEXT,
    nominal_refs TEXT,
    line_refs    TEXT,
    location_ref TEXT,
    force_area   TEXT,
    quantity     TEXT,
    outcome      TEXT,
    notes        TEXT,
    PRIMARY KEY (return_id, row)
);

-- Every attempt to submit, whatever became of it.
CREATE TABLE submissions (
    id            BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    received_at   TIMESTAMPTZ NOT NULL,
    submitted_by  TEXT        NOT NULL,
    origin        TEXT        NOT NULL,
    sha256        TEXT,
    force         TEXT,
    period        TEXT,
    outcome       TEXT        NOT NULL CHECK (outcome IN ('accepted', 'unchanged', 'rejected')),
    problem_count INTEGER     NOT NULL,
    problems      TEXT        NOT NULL,
    return_id     BIGINT      REFERENCES returns (id)
);

-- Who did what to which data, when. Append-only.
CREATE TABLE audit_log (
    id        BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        TIMESTAMPTZ NOT NULL,
    user_name TEXT        NOT NULL,
    role      TEXT        NOT NULL,
    action    TEXT        NOT NULL,
    subject   TEXT        NOT NULL,
    detail    TEXT        NOT NULL
);
