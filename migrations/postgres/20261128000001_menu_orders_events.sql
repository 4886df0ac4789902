-- The bar: menu, orders, the event log behind live streams, and stream
-- tickets. Times are Unix milliseconds; ids are UUID strings; prices are
-- integer cents.
CREATE TABLE menu_categories (
    id         TEXT PRIMARY KEY NOT NULL,
    name       TEXT NOT NULL,
    position   BIGINT NOT NULL,
    -- Kept (hidden) while archived items that past orders name live in it.
    archived   BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE menu_items (
    id          TEXT PRIMARY KEY NOT NULL,
    category_id TEXT NOT NULL REFERENCES menu_categories (id),
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    price_cents BIGINT NOT NULL CHECK (price_cents >= 0),
    available   BOOLEAN NOT NULL DEFAULT TRUE,
    position    BIGINT NOT NULL,
    -- Deleting an item that past orders name archives it instead.
    archived    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX idx_menu_items_category_id ON menu_items (category_id);

CREATE TABLE orders (
    id              TEXT PRIMARY KEY NOT NULL,
    number          BIGINT NOT NULL UNIQUE,
    customer_id     TEXT NOT NULL REFERENCES users (id),
    table_label     TEXT NOT NULL,
    note            TEXT,
    status          TEXT NOT NULL CHECK (status IN ('received', 'preparing', 'ready', 'served', 'cancelled')),
    version         BIGINT NOT NULL,
    total_cents     BIGINT NOT NULL,
    cancel_reason   TEXT,
    -- The client's Idempotency-Key and a hash of the request it came with.
    idempotency_key TEXT NOT NULL,
    request_hash    TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    ready_at        BIGINT,
    finished_at     BIGINT
);
CREATE UNIQUE INDEX idx_orders_idempotency ON orders (customer_id, idempotency_key);
CREATE INDEX idx_orders_status ON orders (status);
CREATE INDEX idx_orders_created_at ON orders (created_at);

-- Names and prices are copied from the menu when the order is placed.
CREATE TABLE order_lines (
    order_id         TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    position         BIGINT NOT NULL,
    item_id          TEXT NOT NULL,
    name             TEXT NOT NULL,
    unit_price_cents BIGINT NOT NULL,
    quantity         BIGINT NOT NULL CHECK (quantity BETWEEN 1 AND 20),
    note             TEXT,
    PRIMARY KEY (order_id, position)
);
CREATE INDEX idx_order_lines_item_id ON order_lines (item_id);

-- Every change a live stream delivers, in order; a reconnecting client
-- replays from its last id. customer_id is the audience of an order event
-- (besides staff); menu events go to everyone.
CREATE TABLE events (
    id          BIGSERIAL PRIMARY KEY,
    kind        TEXT NOT NULL,
    customer_id TEXT,
    payload     TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX idx_events_created_at ON events (created_at);

-- Single-use tickets to open a stream (browsers cannot send headers with
-- EventSource); only hashes are stored.
CREATE TABLE stream_tickets (
    ticket_hash TEXT PRIMARY KEY NOT NULL,
    session_id  TEXT NOT NULL REFERENCES user_sessions (id) ON DELETE CASCADE,
    expires_at  BIGINT NOT NULL
);
