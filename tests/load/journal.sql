-- The driver's journal, read from psql's standard input into a temporary table, for check.sql
-- (docs/load.md, The journal): one line per row of each call's answer
-- (tests/load/driver/journal.hpp).
--   psql -X -qAt -v ON_ERROR_STOP=1 -f journal.sql -f check.sql < journal.tsv
SET client_min_messages = warning;
CREATE TEMP TABLE journal (
    client int, call bigint, replay_of bigint, started_us bigint, latency_us bigint,
    call_op text, operation text, actor text, item_id bigint, idempotency_key text,
    expected_version bigint, outcome text, sqlstate text, version bigint, state text, owner text,
    listed int);
\copy journal FROM pstdin
CREATE INDEX ON journal (item_id, version);
CREATE INDEX ON journal (idempotency_key);
ANALYZE journal;

