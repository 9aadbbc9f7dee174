-- Several processes on several machines share what used to live in one process's memory.
-- PostgreSQL twin of sqlite/0014.

-- Rate limits: one row per limiter and key (a keyed hash of the address, never the address),
-- counted per fixed window of `window_seconds` starting at `window_start` (Unix seconds), with
-- the previous window's count kept beside it, so that a limit slides (the previous window's hits
-- weigh by the part of it still inside the sliding window). Rows go once two windows have passed.
-- UNLOGGED: a counter is written on many clicks and is worth nothing after a crash, so it writes
-- no WAL and its commits wait for no disk flush (a crash empties it: the limits start afresh).
CREATE UNLOGGED TABLE rate_counters (
    name TEXT NOT NULL,
    key TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    window_seconds BIGINT NOT NULL,
    hits BIGINT NOT NULL,
    prev_hits BIGINT NOT NULL,
    PRIMARY KEY (name, key)
);

-- The background loops that must run in one process at a time (the approval of due rewards):
-- whoever holds the row's live lease runs the round; a process that dies lets it lapse.
CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    lease_until TIMESTAMPTZ NOT NULL
);
