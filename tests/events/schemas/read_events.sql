-- Every event the workload wrote, as its readers get it: the whole workitem.event row (what
-- workitem_batch_events and workitem_history return, and what the publication sends) as JSON,
-- one row per line, in seq order. Written to the file named by the psql variable events_file.
\set ON_ERROR_STOP on
\connect :db
\pset format unaligned
\pset tuples_only on
\o :events_file
SELECT to_jsonb(e)::text FROM workitem.event e ORDER BY e.seq;
\o
