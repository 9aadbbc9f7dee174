-- Several processes on several machines share what used to live in one process's memory.

-- Rate limits: one row per limiter and key (a keyed hash of the address, never the address),
-- counted per fixed window of `window_seconds` starting at `window_start` (Unix seconds), with
-- the previous window's count kept beside it, so that a limit slides (the previous window's hits
-- weigh by the part of it still inside the sliding window). Rows go once two windows have passed.
CREATE TABLE rate_counters (
    name TEXT NOT NULL,
    key TEXT NOT NULL,
    window_start INTEGER NOT NULL,
    window_seconds INTEGER NOT NULL,
    hits INTEGER NOT NULL,
    prev_hits INTEGER NOT NULL,
    PRIMARY KEY (name, key)
);

-- The background loops that must run in one process at a time (the approval of due rewards):
-- whoever holds the row's live lease runs the round; a process that dies lets it lapse.
CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    lease_until TEXT NOT NULL
);
