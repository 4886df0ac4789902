-- Guests calling staff to their table or asking for the bill. Times are
-- Unix milliseconds; ids are UUID strings; kind is a wire name of
-- shared::bar::CallKind.
--
-- A call is open until someone on the staff acknowledges it. At most one
-- call of a kind is open at a table: the partial unique index holds that
-- rule against every writer, so two taps (or two guests) at once make one
-- call, and a tap while one is open joins it (table_call_callers).
CREATE TABLE table_calls (
    id              TEXT PRIMARY KEY NOT NULL,
    table_label     TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('staff', 'bill')),
    -- The guest who asked first.
    customer_id     TEXT NOT NULL REFERENCES users (id),
    created_at      BIGINT NOT NULL,
    acknowledged_at BIGINT,
    acknowledged_by TEXT REFERENCES users (id),
    CHECK ((acknowledged_at IS NULL) = (acknowledged_by IS NULL))
);
CREATE UNIQUE INDEX idx_table_calls_one_open ON table_calls (table_label, kind)
    WHERE acknowledged_at IS NULL;
-- Staff list the open calls, oldest first.
CREATE INDEX idx_table_calls_open ON table_calls (created_at) WHERE acknowledged_at IS NULL;

-- Every guest who asked for a call: each hears when it is acknowledged,
-- and sees it in their own list.
CREATE TABLE table_call_callers (
    call_id     TEXT NOT NULL REFERENCES table_calls (id) ON DELETE CASCADE,
    customer_id TEXT NOT NULL REFERENCES users (id),
    asked_at    BIGINT NOT NULL,
    PRIMARY KEY (call_id, customer_id)
);
CREATE INDEX idx_table_call_callers_customer_id ON table_call_callers (customer_id);
