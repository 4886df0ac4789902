-- The bar's own settings, one row (id 1): for now when a ticket on the
-- bartender's board turns amber and then red, in seconds since the order
-- was received (shared::bar::TicketTimers). The row is written the first
-- time an admin changes a setting; until then the server answers the
-- defaults (TicketTimers::default(): 300 and 600). It is not seeded here:
-- `move-to-postgres` fills only a PostgreSQL database whose tables hold no
-- row after its migrations, and a seeded row would make every move refuse.
-- The checks repeat shared::validate::ticket_timers, so not even an edit by
-- hand stores timers the boards cannot use.
CREATE TABLE bar_settings (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    amber_after_secs BIGINT NOT NULL CHECK (amber_after_secs BETWEEN 60 AND 86400),
    red_after_secs   BIGINT NOT NULL CHECK (red_after_secs BETWEEN 60 AND 86400),
    updated_at       BIGINT NOT NULL,
    CHECK (amber_after_secs < red_after_secs)
);
