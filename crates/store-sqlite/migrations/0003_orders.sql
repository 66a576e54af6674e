-- Schema version 3: restriction orders (DDTROs) applied for or granted on numbers.
--
-- Analysts' own input, append-only like `decisions`: a later entry on a number (granted after
-- applied) is added beside the earlier one. `line` names the line the order was sought
-- against (a line entity id or force/period/ref) when the analyst gave one. Dates are
-- `YYYY-MM-DD`; timestamps RFC 3339 UTC text with microseconds, as in version 1.
CREATE TABLE orders (
    id          INTEGER PRIMARY KEY,
    number      TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('applied', 'granted')),
    line        TEXT,
    order_date  TEXT    NOT NULL,
    recorded_by TEXT    NOT NULL,
    recorded_at TEXT    NOT NULL
);
CREATE INDEX orders_by_number ON orders (number, id);
