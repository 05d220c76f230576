-- <feed>_extra starts with the redelivered copies of ~0.5 % of the valid lines (and one at
-- seq redelivered_seq): the same line again, in the same file or up to 5 log dates later.
-- tb orders lines of equal ord: valid 4n, redelivered 4n + 1, malformed 4n + 2.
CREATE TABLE ${feed}_extra AS
SELECT CASE WHEN rnd(seq, '${feed}_dupw') < 0.5 THEN log_date
            ELSE least(log_date + CAST(1 + ifloor(rnd(seq, '${feed}_dupd') * 5) AS INTEGER),
                DATE '${end_date}') END AS ld,
    CASE WHEN ld = log_date THEN ord + 1 + ifloor(rnd(seq, '${feed}_dupo') * 3600)
         ELSE day_epoch(ld) + ifloor(rnd(seq, '${feed}_dupo') * 86400) END AS ord,
    seq * 4 + 1 AS tb, 'redelivered' AS kind, ${line} AS line
FROM (SELECT *${field_selects} FROM ${feed}_ev
      WHERE (rnd(seq, '${feed}_dup') < 0.005 OR seq = ${redelivered_seq})
        AND log_date <> DATE '${old_date}')
