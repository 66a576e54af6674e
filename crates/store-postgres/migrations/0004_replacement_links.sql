-- Schema version 4: replacement numbers linked to the line and person entities whose old
-- number they replaced, and alerts about them beside the deconfliction alerts. The same shape
-- as the SQLite store's migrations/0004_replacement_links.sql, in PostgreSQL's dialect.
--
-- `replacement_links` is derived like `entity_members`: each run of an analysis (`analysis`,
-- `comms` for the deployment's communications analysis) replaces that analysis's rows, and a
-- link found again keeps `first_linked_at`. `forces` are the forces holding the entity,
-- `;`-joined (NULL for none), so that a force reads the links of its own entities only.
CREATE TABLE replacement_links (
    analysis         TEXT             NOT NULL,
    run_id           TEXT             NOT NULL,
    entity_id        TEXT             NOT NULL,
    kind             TEXT             NOT NULL CHECK (kind IN ('line', 'person')),
    forces           TEXT,
    old_number       TEXT             NOT NULL,
    new_number       TEXT             NOT NULL,
    switched_at      TIMESTAMPTZ      NOT NULL,
    score            DOUBLE PRECISION NOT NULL CHECK (score BETWEEN 0 AND 1),
    shared_customers INTEGER          NOT NULL CHECK (shared_customers >= 0),
    old_customers    INTEGER          NOT NULL CHECK (old_customers >= 0),
    same_imei        BOOLEAN          NOT NULL,
    first_linked_at  TIMESTAMPTZ      NOT NULL,
    PRIMARY KEY (analysis, entity_id, old_number, new_number)
);
CREATE INDEX replacement_links_by_entity ON replacement_links (entity_id);

-- Alerts gain what they are about (`topic`) and which run raised them (`source`: `resolution`
-- for deconfliction, the analysis's name for replacements), so that each saved run replaces its
-- own alerts only; and two severities, `notice` below `shared` and `urgent` above `conflict`.
-- Alerts standing are deconfliction alerts raised by resolution, which the defaults say.
ALTER TABLE alerts
    ADD COLUMN topic  TEXT NOT NULL DEFAULT 'deconfliction'
                      CHECK (topic IN ('deconfliction', 'replacement')),
    ADD COLUMN source TEXT NOT NULL DEFAULT 'resolution',
    DROP CONSTRAINT alerts_severity_check,
    ADD CONSTRAINT alerts_severity_check
        CHECK (severity IN ('notice', 'shared', 'conflict', 'urgent'));
CREATE INDEX alerts_by_source ON alerts (source);
