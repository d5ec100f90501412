-- What the relay's sink received (docs/load.md, The relay's sink), for relay_check.sql: one row
-- per line the stdout sink wrote, in the order written, from the file tests/load/run makes of
-- the NDJSON (line, seq, id, aggregatetype, aggregateid, aggregate_version; tab-separated).
-- Read by the server (COPY FROM a file: the checks run as a superuser on the server's machine).
--   psql -v sink_file=<sink.tsv> -v drained_seq=<seq> -f journal.sql -f sink.sql ...
CREATE TEMP TABLE sink (
    line bigint, seq bigint, id uuid, aggregatetype text, aggregateid bigint, version bigint);
COPY sink FROM :'sink_file';
CREATE INDEX ON sink (id);
ANALYZE sink;
