-- Schema version 2: what entity resolution derives (entity memberships, the review queue, the
-- model, deconfliction alerts) and analysts' review decisions.
--
-- Every table here but `decisions` is replaced whole by each saved run
-- (`Store::save_resolution`); only an alert's `raised_at` outlives the run that raised it.
-- Decisions are analysts' own input and are never deleted: a later decision on a pair
-- supersedes an earlier one and both stay. A record is named as the exports name it: force,
-- period (`YYYY-MM`) and the force's ref. Lists are stored `;`-joined, an empty one as NULL, as
-- in the record tables; timestamps are RFC 3339 UTC text with microseconds, as in version 1.

-- Which entity each record was resolved to. No key: a record may belong to several entities of
-- one kind (a nominal holding two phone numbers is a member of two phone entities). The
-- indexes serve the two questions asked of it: which entity holds this record, and which
-- records make this entity.
CREATE TABLE entity_members (
    entity_id TEXT NOT NULL,
    kind      TEXT NOT NULL,
    force     TEXT NOT NULL,
    period    TEXT NOT NULL,
    reference TEXT NOT NULL
);
CREATE INDEX entity_members_by_record ON entity_members (force, period, reference);
CREATE INDEX entity_members_by_entity ON entity_members (entity_id);

-- Pairs the model is unsure of, waiting for an analyst, as the last run left them.
CREATE TABLE review_pairs (
    pair_id     TEXT NOT NULL PRIMARY KEY,
    kind        TEXT NOT NULL,
    a_force     TEXT NOT NULL,
    a_period    TEXT NOT NULL,
    a_ref       TEXT NOT NULL,
    b_force     TEXT NOT NULL,
    b_period    TEXT NOT NULL,
    b_ref       TEXT NOT NULL,
    probability REAL NOT NULL CHECK (probability BETWEEN 0 AND 1),
    explanation TEXT NOT NULL
);

-- Analysts' decisions, every one ever made. Append-only.
-- Invariant: the pair is stored in order, (a_force, a_period, a_ref) before (b_force, b_period,
-- b_ref) as `store::RecordRef` orders them, so that (a, b) and (b, a) are one pair; the store
-- orders it, because SQL collations need not agree with Rust's order. The decision in force on
-- a pair is the one with the highest id.
CREATE TABLE decisions (
    id         INTEGER PRIMARY KEY,
    kind       TEXT    NOT NULL,
    a_force    TEXT    NOT NULL,
    a_period   TEXT    NOT NULL,
    a_ref      TEXT    NOT NULL,
    b_force    TEXT    NOT NULL,
    b_period   TEXT    NOT NULL,
    b_ref      TEXT    NOT NULL,
    same       INTEGER NOT NULL CHECK (same IN (0, 1)),
    decided_by TEXT    NOT NULL,
    decided_at TEXT    NOT NULL,
    note       TEXT
);
CREATE INDEX decisions_by_pair
    ON decisions (kind, a_force, a_period, a_ref, b_force, b_period, b_ref, id);

-- Deconfliction alerts now standing, one per entity and recipient. `recipient` is written
-- `force:CODE`, `region:CODE` or `national`.
CREATE TABLE alerts (
    alert_id      TEXT NOT NULL PRIMARY KEY,
    entity_id     TEXT NOT NULL,
    kind          TEXT NOT NULL,
    severity      TEXT NOT NULL CHECK (severity IN ('shared', 'conflict')),
    recipient     TEXT NOT NULL,
    forces        TEXT,
    active_forces TEXT,
    first_seen    TEXT NOT NULL,
    last_seen     TEXT NOT NULL,
    raised_at     TEXT NOT NULL,
    summary       TEXT NOT NULL
);
CREATE INDEX alerts_by_recipient ON alerts (recipient);

-- The last saved run's model, opaque here. Invariant: at most one row.
CREATE TABLE resolution_model (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    saved_at TEXT    NOT NULL,
    saved_by TEXT    NOT NULL,
    model    TEXT    NOT NULL
);
