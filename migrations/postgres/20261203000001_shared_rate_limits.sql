-- Rate limits every instance shares: on PostgreSQL the counts of login,
-- refresh and stream-ticket limits live here, so N instances allow what
-- one would. Unlogged: counts are worth nothing after a crash, and skipping
-- the write-ahead log keeps a refresh's extra statement cheap. No index
-- besides the key: every check rewrites `tat`, and an index on it would
-- turn each of those updates from an in-place (HOT) one into a new index
-- entry; the cleanup job's scan of these small tables needs none.

-- Request rates (generic cell rate algorithm): the theoretical arrival
-- time per key, Unix ms; a key whose time has passed restricts nothing.
CREATE UNLOGGED TABLE rate_limit_buckets (
    key TEXT PRIMARY KEY,
    tat BIGINT NOT NULL
);

-- Failures per key within a window, and the lock they earned.
-- `lapses_at`: when the key restricts nothing any more (pruned after).
CREATE UNLOGGED TABLE rate_limit_failures (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start BIGINT NOT NULL,
    locked_until BIGINT NOT NULL,
    lapses_at    BIGINT NOT NULL
);
