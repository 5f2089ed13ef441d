-- Score history: runs, and entity and check results as intervals of runs.
-- One schema for SQLite and PostgreSQL: only types both read the same way through sqlx's
-- `Any` driver (BIGINT, DOUBLE PRECISION, TEXT); times are RFC 3339 UTC text, which sorts
-- in time order; JSON is stored as text.
CREATE TABLE runs (
    id BIGINT PRIMARY KEY,
    recorded_at TEXT NOT NULL,
    at TEXT NOT NULL,
    commits TEXT NOT NULL,
    source TEXT NOT NULL,
    yardstick_version TEXT,
    policy_digest TEXT,
    config_digest TEXT,
    entities BIGINT NOT NULL,
    lint_errors BIGINT NOT NULL,
    lint_warnings BIGINT NOT NULL,
    lint_notes BIGINT NOT NULL,
    adoption TEXT
);
CREATE INDEX runs_at ON runs (at);
CREATE TABLE entity_intervals (
    id BIGINT PRIMARY KEY,
    entity_ref TEXT NOT NULL,
    kind TEXT NOT NULL,
    repository TEXT,
    owner TEXT,
    system TEXT,
    score DOUBLE PRECISION,
    level TEXT,
    stale BIGINT NOT NULL,
    valid_from_run BIGINT NOT NULL REFERENCES runs (id),
    valid_to_run BIGINT REFERENCES runs (id)
);
CREATE INDEX entity_intervals_to ON entity_intervals (valid_to_run);
CREATE INDEX entity_intervals_from ON entity_intervals (valid_from_run);
CREATE TABLE check_intervals (
    id BIGINT PRIMARY KEY,
    entity_ref TEXT NOT NULL,
    check_id TEXT NOT NULL,
    status TEXT NOT NULL,
    severity TEXT NOT NULL,
    weight DOUBLE PRECISION NOT NULL,
    message TEXT NOT NULL,
    pointer TEXT,
    location TEXT,
    valid_from_run BIGINT NOT NULL REFERENCES runs (id),
    valid_to_run BIGINT REFERENCES runs (id)
);
CREATE INDEX check_intervals_to ON check_intervals (valid_to_run);
CREATE INDEX check_intervals_from ON check_intervals (valid_from_run);
