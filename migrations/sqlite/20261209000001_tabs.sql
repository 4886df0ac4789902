-- Tabs: a guest's orders at a table in one visit, closed by staff as paid
-- (cash or card at the bar), whole or split. Times are Unix milliseconds;
-- ids are UUID strings.
--
-- A tab is open until staff close it. A guest has at most one open tab at
-- a table: the partial unique index holds that rule against every writer,
-- so two orders placed at once join one tab. version grows with every
-- change of the tab's total (an order joining it or cancelled on it) and
-- with its close, so a close names the total it saw.
CREATE TABLE tabs (
    id          TEXT PRIMARY KEY NOT NULL,
    customer_id TEXT NOT NULL REFERENCES users (id),
    table_label TEXT NOT NULL,
    version     INTEGER NOT NULL,
    opened_at   INTEGER NOT NULL,
    closed_at   INTEGER,
    closed_by   TEXT REFERENCES users (id),
    CHECK ((closed_at IS NULL) = (closed_by IS NULL))
);
CREATE UNIQUE INDEX idx_tabs_one_open ON tabs (customer_id, table_label)
    WHERE closed_at IS NULL;
-- Staff list the open tabs by table.
CREATE INDEX idx_tabs_open ON tabs (table_label, opened_at) WHERE closed_at IS NULL;

-- How a closed tab was paid: one row for a whole payment, one per part of
-- a split. lines holds the JSON list of the line references ({order_id,
-- line}) a by-line part paid for, [] otherwise.
CREATE TABLE tab_payments (
    tab_id       TEXT NOT NULL REFERENCES tabs (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0),
    method       TEXT NOT NULL CHECK (method IN ('cash', 'card')),
    lines        TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (tab_id, position)
);

-- The tab an order joined; orders placed before tabs have none.
ALTER TABLE orders ADD COLUMN tab_id TEXT REFERENCES tabs (id);
CREATE INDEX idx_orders_tab_id ON orders (tab_id);
