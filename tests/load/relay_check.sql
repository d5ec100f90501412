-- The relay's invariant (docs/load.md, The relay's sink), run by check.sql when sink.sql loaded
-- what the sink received: every event committed up to :drained_seq (the last seq when the load
-- ended; the relay was drained past it) delivered at least once; each item's events first
-- delivered in version order; nothing delivered that is not in the event log as it was sent
-- (same id, seq, item and version). A redelivery (at least once) is allowed, and counted.
WITH first_delivery AS (
    SELECT DISTINCT ON (id) * FROM sink ORDER BY id, line
), committed AS (
    SELECT e.id FROM workitem.event e WHERE e.seq <= :drained_seq
), missing AS (
    SELECT count(*) AS n FROM committed c WHERE NOT EXISTS (SELECT FROM sink s WHERE s.id = c.id)
), outside AS (
    SELECT count(*) AS n FROM sink s
     WHERE NOT EXISTS (SELECT FROM workitem.event e
                        WHERE e.id = s.id AND e.seq = s.seq AND e.aggregatetype = s.aggregatetype
                          AND e.aggregateid = s.aggregateid AND e.aggregate_version = s.version)
), disorder AS (
    SELECT count(*) AS n
      FROM (SELECT version, lag(version) OVER (PARTITION BY aggregatetype, aggregateid
                                                ORDER BY line) AS before
              FROM first_delivery) o
     WHERE o.before >= o.version
)
SELECT pg_temp.verdict('relay_sinks_complete_and_ordered', missing.n + outside.n + disorder.n,
           format('%s events committed up to seq %s, %s lines in the sink (%s redelivered): '
                  '%s missing, %s not in the event log, %s out of order per item',
                  (SELECT count(*) FROM committed), :drained_seq, (SELECT count(*) FROM sink),
                  (SELECT count(*) - count(DISTINCT id) FROM sink), missing.n, outside.n,
                  disorder.n))
  FROM missing, outside, disorder;
