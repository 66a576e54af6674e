-- Schema version 4: replacement numbers linked to the line and person entities whose old
-- number they replaced, and alerts about them beside the deconfliction alerts.
--
-- `replacement_links` is derived like `entity_members`: each run of an analysis (`analysis`,
-- `comms` for the deployment's communications analysis) replaces that analysis's rows, and a
-- link found again keeps `first_linked_at`. `forces` are the forces holding the entity,
-- `;`-joined (NULL for none), so that a force reads the links of its own entities only.
-- Timestamps are RFC 3339 UTC text with microseconds, as in version 1.
CREATE TABLE replacement_links (
    analysis         TEXT    NOT NULL,
    run_id           TEXT    NOT NULL,
    entity_id        TEXT    NOT NULL,
    kind             TEXT    NOT NULL CHECK (kind IN ('line', 'person')),
    forces           TEXT,
    old_number       TEXT    NOT NULL,
    new_number       TEXT    NOT NULL,
    switched_at      TEXT    NOT NULL,
    score            REAL    NOT NULL CHECK (score BETWEEN 0 AND 1),
    shared_customers INTEGER NOT NULL CHECK (shared_customers >= 0),
    old_customers    INTEGER NOT NULL CHECK (old_customers >= 0),
    same_imei        INTEGER NOT NULL CHECK (same_imei IN (0, 1)),
    first_linked_at  TEXT    NOT NULL,
    PRIMARY KEY (analysis, entity_id, old_number, new_number)
);
CREATE INDEX replacement_links_by_entity ON replacement_links (entity_id);

-- Alerts gain what they are about (`topic`) and which run raised them (`source`: `resolution`
-- for deconfliction, the analysis's name for replacements), so that each saved run replaces its
-- own alerts only; and two severities, `notice` below `shared` and `urgent` above `conflict`.
-- SQLite cannot change a CHECK constraint in place, so the table is rebuilt; alerts standing
-- keep everything, `raised_at` included.
CREATE TABLE alerts_v4 (
    alert_id      TEXT NOT NULL PRIMARY KEY,
    entity_id     TEXT NOT NULL,
    kind          TEXT NOT NULL,
    topic         TEXT NOT NULL DEFAULT 'deconfliction'
                       CHECK (topic IN ('deconfliction', 'replacement')),
    source        TEXT NOT NULL DEFAULT 'resolution',
    severity      TEXT NOT NULL CHECK (severity IN ('notice', 'shared', 'conflict', 'urgent')),
    recipient     TEXT NOT NULL,
    forces        TEXT,
    active_forces TEXT,
    first_seen    TEXT NOT NULL,
    last_seen     TEXT NOT NULL,
    raised_at     TEXT NOT NULL,
    summary       TEXT NOT NULL
);
INSERT INTO alerts_v4 (alert_id, entity_id, kind, severity, recipient, forces, active_forces,
                       first_seen, last_seen, raised_at, summary)
    SELECT alert_id, entity_id, kind, severity, recipient, forces, active_forces,
           first_seen, last_seen, raised_at, summary
    FROM alerts;
DROP TABLE alerts;
ALTER TABLE alerts_v4 RENAME TO alerts;
CREATE INDEX alerts_by_recipient ON alerts (recipient);
CREATE INDEX alerts_by_source ON alerts (source);
