-- Schema version 1: returns and their history, the files as received, one table per record
-- kind, the submission log and the audit log.
--
-- `schema_migrations` is created by the runner in src/migrate.rs, not here.
-- Timestamps are RFC 3339 UTC text with microseconds (`2026-03-01T09:30:00.000000Z`), so that
-- they sort as text. The record tables' columns after `return_id` and `row` are exactly
-- `store::codec::*_COLUMNS`; a test checks they still agree.

-- One stored version of a force's return for a period. Never updated except to mark it
-- superseded.
CREATE TABLE returns (
    id            INTEGER PRIMARY KEY,
    force         TEXT    NOT NULL,
    period        TEXT    NOT NULL,
    version       INTEGER NOT NULL,
    revision      INTEGER NOT NULL,
    submitted_by  TEXT    NOT NULL,
    stored_by     TEXT    NOT NULL,
    received_at   TEXT    NOT NULL,
    origin        TEXT    NOT NULL,
    container     TEXT    NOT NULL,
    sha256        TEXT    NOT NULL,
    current       INTEGER NOT NULL CHECK (current IN (0, 1)),
    superseded_by INTEGER REFERENCES returns (id),
    n_lines       INTEGER NOT NULL,
    n_nominals    INTEGER NOT NULL,
    n_locations   INTEGER NOT NULL,
    n_vehicles    INTEGER NOT NULL,
    n_events      INTEGER NOT NULL,
    UNIQUE (force, period, revision),
    CHECK (current = 0 OR superseded_by IS NULL)
);

-- Invariant: at most one current version per force and period.
CREATE UNIQUE INDEX returns_one_current ON returns (force, period) WHERE current = 1;

-- The submitted files, byte for byte.
CREATE TABLE return_sources (
    return_id INTEGER NOT NULL REFERENCES returns (id),
    name      TEXT    NOT NULL,
    bytes     BLOB    NOT NULL
);
CREATE INDEX return_sources_by_return ON return_sources (return_id);

-- The record tables, keyed by (return_id, row): the key is how a return is read back. These are
-- ordinary rowid tables, so the key is a separate index; since ids and rows only grow, an
-- import appends at the right edge of both b-trees. A WITHOUT ROWID table clustered on the key
-- measured no faster (1M nominals: about 2.5 s either way, 1.9 s with no index at all), and
-- SQLite advises against it for rows as large as free-text notes can make these.

CREATE TABLE lines (
    return_id       INTEGER NOT NULL REFERENCES returns (id),
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
    return_id            INTEGER NOT NULL REFERENCES returns (id),
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
    return_id      INTEGER NOT NULL REFERENCES returns (id),
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
    return_id    INTEGER NOT NULL REFERENCES returns (id),
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
    return_id    INTEGER NOT NULL REFERENCES returns (id),
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
    id            INTEGER PRIMARY KEY,
    received_at   TEXT    NOT NULL,
    submitted_by  TEXT    NOT NULL,
    origin        TEXT    NOT NULL,
    sha256        TEXT,
    force         TEXT,
    period        TEXT,
    outcome       TEXT    NOT NULL CHECK (outcome IN ('accepted', 'unchanged', 'rejected')),
    problem_count INTEGER NOT NULL,
    problems      TEXT    NOT NULL,
    return_id     INTEGER REFERENCES returns (id)
);

-- Who did what to which data, when. Append-only.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    user_name TEXT NOT NULL,
    role      TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    detail    TEXT NOT NULL
);
