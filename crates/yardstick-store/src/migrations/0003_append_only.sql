-- Append-only intervals, so that the store grows with change only: recording inserts rows
-- and never updates them (an update grows the row in place, splitting SQLite pages, and
-- leaves a dead tuple and new index entries on PostgreSQL).
-- - An interval ends where the next one of the same entity (or entity and check) starts.
--   Removals, which have no next interval, append a row to `entity_ends` / `check_ends`.
-- - A changed score or level appends a narrow `entity_results` row; the entity's kind,
--   repository, owner, system and stale flag are in `entity_details`, written again only
--   when one of them changes.
-- - `checks_digest` (a hash of the entity's open check results; NULL when carried over)
--   lets a recorder skip comparing an unchanged entity's checks one by one.
-- - The only indexes are the ones readers need: an entity's rows by reference. Tables
--   keyed by reference and run are SQLite `WITHOUT ROWID` tables (`WITHOUT_ROWID`,
--   nothing on PostgreSQL): the key is the table, with no second copy in an index.
-- The data of schema 2 is carried over; `entity_intervals` and `check_intervals` keep their
-- columns, now reading through `entity_spans` / `check_spans`, which compute `valid_to_run`.
DROP VIEW entity_intervals;
DROP VIEW check_intervals;
ALTER TABLE entity_results RENAME TO entity_results_2;
ALTER TABLE check_results RENAME TO check_results_2;
CREATE TABLE entity_details (
    id ROWID_KEY,
    ref_id BIGINT NOT NULL,
    kind_id BIGINT NOT NULL,
    repository_id BIGINT,
    owner_id BIGINT,
    system_id BIGINT,
    stale BIGINT NOT NULL
);
INSERT INTO entity_details (id, ref_id, kind_id, repository_id, owner_id, system_id, stale)
SELECT ROW_NUMBER() OVER (ORDER BY ref_id, kind_id, repository_id, owner_id, system_id, stale),
    ref_id, kind_id, repository_id, owner_id, system_id, stale
FROM (SELECT DISTINCT ref_id, kind_id, repository_id, owner_id, system_id, stale
    FROM entity_results_2) distinct_details;
CREATE TABLE entity_results (
    ref_id BIGINT NOT NULL,
    valid_from_run BIGINT NOT NULL,
    details_id BIGINT NOT NULL,
    score DOUBLE PRECISION,
    level TEXT,
    checks_digest BIGINT,
    PRIMARY KEY (ref_id, valid_from_run)
) WITHOUT_ROWID;
INSERT INTO entity_results (ref_id, valid_from_run, details_id, score, level)
SELECT e.ref_id, e.valid_from_run, d.id, e.score, e.level
FROM entity_results_2 e
JOIN entity_details d ON d.ref_id = e.ref_id AND d.kind_id = e.kind_id
    AND COALESCE(d.repository_id, -1) = COALESCE(e.repository_id, -1)
    AND COALESCE(d.owner_id, -1) = COALESCE(e.owner_id, -1)
    AND COALESCE(d.system_id, -1) = COALESCE(e.system_id, -1)
    AND d.stale = e.stale;
CREATE TABLE entity_ends (
    ref_id BIGINT NOT NULL,
    run BIGINT NOT NULL,
    PRIMARY KEY (ref_id, run)
) WITHOUT_ROWID;
-- A closed interval that no other interval of the entity continues was a removal.
INSERT INTO entity_ends (ref_id, run)
SELECT e.ref_id, e.valid_to_run FROM entity_results_2 e
WHERE e.valid_to_run IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM entity_results_2 n
    WHERE n.ref_id = e.ref_id AND n.valid_from_run = e.valid_to_run);
CREATE TABLE check_results (
    ref_id BIGINT NOT NULL,
    check_name_id BIGINT NOT NULL,
    status TEXT NOT NULL,
    severity TEXT NOT NULL,
    weight DOUBLE PRECISION NOT NULL,
    message_id BIGINT NOT NULL,
    pointer_id BIGINT,
    location_id BIGINT,
    valid_from_run BIGINT NOT NULL
);
INSERT INTO check_results (ref_id, check_name_id, status, severity, weight, message_id,
    pointer_id, location_id, valid_from_run)
SELECT ref_id, check_name_id, status, severity, weight, message_id, pointer_id, location_id,
    valid_from_run
FROM check_results_2;
CREATE TABLE check_ends (
    ref_id BIGINT NOT NULL,
    check_name_id BIGINT NOT NULL,
    run BIGINT NOT NULL,
    PRIMARY KEY (ref_id, check_name_id, run)
) WITHOUT_ROWID;
INSERT INTO check_ends (ref_id, check_name_id, run)
SELECT c.ref_id, c.check_name_id, c.valid_to_run FROM check_results_2 c
WHERE c.valid_to_run IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM check_results_2 n
    WHERE n.ref_id = c.ref_id AND n.check_name_id = c.check_name_id
        AND n.valid_from_run = c.valid_to_run);
DROP TABLE entity_results_2;
DROP TABLE check_results_2;
CREATE INDEX check_results_ref ON check_results (ref_id);
CREATE VIEW entity_spans AS
SELECT ref_id, details_id, score, level, checks_digest, valid_from_run, valid_to_run FROM (
    SELECT ref_id, details_id, score, level, checks_digest, valid_from_run, ended,
        LEAD(valid_from_run) OVER (PARTITION BY ref_id ORDER BY valid_from_run)
            AS valid_to_run
    FROM (
        SELECT ref_id, details_id, score, level, checks_digest, valid_from_run, 0 AS ended
        FROM entity_results
        UNION ALL
        SELECT ref_id, NULL, NULL, NULL, NULL, run, 1 FROM entity_ends
    ) boundaries
) spans WHERE ended = 0;
CREATE VIEW check_spans AS
SELECT ref_id, check_name_id, status, severity, weight, message_id, pointer_id, location_id,
    valid_from_run, valid_to_run FROM (
    SELECT ref_id, check_name_id, status, severity, weight, message_id, pointer_id,
        location_id, valid_from_run, ended,
        LEAD(valid_from_run) OVER (PARTITION BY ref_id, check_name_id ORDER BY valid_from_run)
            AS valid_to_run
    FROM (
        SELECT ref_id, check_name_id, status, severity, weight, message_id, pointer_id,
            location_id, valid_from_run, 0 AS ended
        FROM check_results
        UNION ALL
        SELECT ref_id, check_name_id, NULL, NULL, NULL, NULL, NULL, NULL, run, 1
        FROM check_ends
    ) boundaries
) spans WHERE ended = 0;
CREATE VIEW entity_intervals AS
SELECT r.value AS entity_ref, k.value AS kind, p.value AS repository, o.value AS owner,
    s.value AS system, e.score, e.level, d.stale, e.valid_from_run, e.valid_to_run
FROM entity_spans e
JOIN entity_details d ON d.id = e.details_id
JOIN texts r ON r.id = e.ref_id
JOIN texts k ON k.id = d.kind_id
LEFT JOIN texts p ON p.id = d.repository_id
LEFT JOIN texts o ON o.id = d.owner_id
LEFT JOIN texts s ON s.id = d.system_id;
CREATE VIEW check_intervals AS
SELECT r.value AS entity_ref, n.value AS check_id, c.status, c.severity, c.weight,
    m.value AS message, p.value AS pointer, l.value AS location, c.valid_from_run,
    c.valid_to_run
FROM check_spans c
JOIN texts r ON r.id = c.ref_id
JOIN texts n ON n.id = c.check_name_id
JOIN texts m ON m.id = c.message_id
LEFT JOIN texts p ON p.id = c.pointer_id
LEFT JOIN texts l ON l.id = c.location_id
