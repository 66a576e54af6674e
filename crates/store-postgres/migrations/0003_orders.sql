-- Schema version 3: restriction orders (DDTROs) applied for or granted on numbers.
--
-- Analysts' own input, append-only like `decisions`: a later entry on a number (granted after
-- applied) is added beside the earlier one. `line` names the line the order was sought
-- against (a line entity id or force/period/ref) when the analyst gave one.
CREATE TABLE orders (
    id          BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number      TEXT        NOT NULL,
    status      TEXT        NOT NULL CHECK (status IN ('applied', 'granted')),
    line        TEXT,
    order_date  DATE        NOT NULL,
    recorded_by TEXT        NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX orders_by_number ON orders (number, id);
