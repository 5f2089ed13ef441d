-- Narrow intervals, so that the store grows little with change: every repeated text (entity
-- references, kinds, repositories, owners, systems, check ids, messages, pointers, positions)
-- is stored once in `texts` and interval rows refer to it by id. `ROWID_KEY` is replaced by
-- `INTEGER PRIMARY KEY` on SQLite (the row id itself: no separate key index) and by
-- `BIGINT PRIMARY KEY` on PostgreSQL. `texts.value` has no unique index: recorders hold the
-- write lock and intern in memory, and PostgreSQL's index rows cannot hold long messages.
-- The former tables' data is carried over; `entity_intervals` and `check_intervals` become
-- views with their former columns (without `id`), so that readers' queries keep working.
CREATE TABLE texts (
    id ROWID_KEY,
    value TEXT NOT NULL
);
INSERT INTO texts (id, value)
SELECT ROW_NUMBER() OVER (ORDER BY value), value FROM (
    SELECT entity_ref AS value FROM entity_intervals
    UNION SELECT kind FROM entity_intervals
    UNION SELECT repository FROM entity_intervals
    UNION SELECT owner FROM entity_intervals
    UNION SELECT system FROM entity_intervals
    UNION SELECT entity_ref FROM check_intervals
    UNION SELECT check_id FROM check_intervals
    UNION SELECT message FROM check_intervals
    UNION SELECT pointer FROM check_intervals
    UNION SELECT location FROM check_intervals
) used WHERE value IS NOT NULL;
CREATE TABLE entity_results (
    id ROWID_KEY,
    ref_id BIGINT NOT NULL,
    kind_id BIGINT NOT NULL,
    repository_id BIGINT,
    owner_id BIGINT,
    system_id BIGINT,
    score DOUBLE PRECISION,
    level TEXT,
    stale BIGINT NOT NULL,
    valid_from_run BIGINT NOT NULL REFERENCES runs (id),
    valid_to_run BIGINT REFERENCES runs (id)
);
INSERT INTO entity_results (id, ref_id, kind_id, repository_id, owner_id, system_id, score,
    level, stale, valid_from_run, valid_to_run)
SELECT e.id, r.id, k.id, p.id, o.id, s.id, e.score, e.level, e.stale, e.valid_from_run,
    e.valid_to_run
FROM entity_intervals e
JOIN texts r ON r.value = e.entity_ref
JOIN texts k ON k.value = e.kind
LEFT JOIN texts p ON p.value = e.repository
LEFT JOIN texts o ON o.value = e.owner
LEFT JOIN texts s ON s.value = e.system;
CREATE TABLE check_results (
    id ROWID_KEY,
    ref_id BIGINT NOT NULL,
    check_name_id BIGINT NOT NULL,
    status TEXT NOT NULL,
    severity TEXT NOT NULL,
    weight DOUBLE PRECISION NOT NULL,
    message_id BIGINT NOT NULL,
    pointer_id BIGINT,
    location_id BIGINT,
    valid_from_run BIGINT NOT NULL REFERENCES runs (id),
    valid_to_run BIGINT REFERENCES runs (id)
);
INSERT INTO check_results (id, ref_id, check_name_id, status, severity, weight, message_id,
    pointer_id, location_id, valid_from_run, valid_to_run)
SELECT c.id, r.id, n.id, c.status, c.severity, c.weight, m.id, p.id, l.id, c.valid_from_run,
    c.valid_to_run
FROM check_intervals c
JOIN texts r ON r.value = c.entity_ref
JOIN texts n ON n.value = c.check_id
JOIN texts m ON m.value = c.message
LEFT JOIN texts p ON p.value = c.pointer
LEFT JOIN texts l ON l.value = c.location;
DROP TABLE entity_intervals;
DROP TABLE check_intervals;
CREATE INDEX entity_results_to ON entity_results (valid_to_run);
CREATE INDEX check_results_to ON check_results (valid_to_run);
CREATE VIEW entity_intervals AS
SELECT r.value AS entity_ref, k.value AS kind, p.value AS repository, o.value AS owner,
    s.value AS system, e.score, e.level, e.stale, e.valid_from_run, e.valid_to_run
FROM entity_results e
JOIN texts r ON r.id = e.ref_id
JOIN texts k ON k.id = e.kind_id
LEFT JOIN texts p ON p.id = e.repository_id
LEFT JOIN texts o ON o.id = e.owner_id
LEFT JOIN texts s ON s.id = e.system_id;
CREATE VIEW check_intervals AS
SELECT r.value AS entity_ref, n.value AS check_id, c.status, c.severity, c.weight,
    m.value AS message, p.value AS pointer, l.value AS location, c.valid_from_run,
    c.valid_to_run
FROM check_results c
JOIN texts r ON r.id = c.ref_id
JOIN texts n ON n.id = c.check_name_id
JOIN texts m ON m.id = c.message_id
LEFT JOIN texts p ON p.id = c.pointer_id
LEFT JOIN texts l ON l.id = c.location_id
