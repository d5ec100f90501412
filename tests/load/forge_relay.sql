-- The relay check's own test (docs/load.md, The checks can fail), after forge.sql and inside
-- its transaction: the sink loses an event, receives one the log never had, and gets an item's
-- first two events the wrong way round. relay_sinks_complete_and_ordered must then fail.
DELETE FROM sink
 WHERE id = (SELECT id FROM sink WHERE seq <= :drained_seq ORDER BY line DESC LIMIT 1);
INSERT INTO sink SELECT max(line) + 1, max(seq) + 1, gen_random_uuid(), 'workitem', 0, 1 FROM sink;
WITH pair AS (
    SELECT a.line AS first_line, b.line AS second_line
      FROM sink a JOIN sink b ON b.aggregatetype = a.aggregatetype
                             AND b.aggregateid = a.aggregateid AND b.version = a.version + 1
     ORDER BY a.line LIMIT 1)
UPDATE sink SET line = CASE WHEN line = pair.first_line THEN pair.second_line
                            ELSE pair.first_line END
  FROM pair WHERE sink.line IN (pair.first_line, pair.second_line);
