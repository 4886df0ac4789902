-- The tables PostgreSQL keeps its cluster-wide rate limits in. A SQLite
-- database serves one instance, which counts in memory; the tables exist so
-- that both schemas have the same shape (and a move to PostgreSQL finds
-- what it expects). They stay empty.
CREATE TABLE rate_limit_buckets (
    key TEXT PRIMARY KEY,
    tat INTEGER NOT NULL
);

CREATE TABLE rate_limit_failures (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start INTEGER NOT NULL,
    locked_until INTEGER NOT NULL,
    lapses_at    INTEGER NOT NULL
);
