-- Per log date in [$1, $2]: the line count and the file body (lines in (ord, tb) order).
SELECT log_date, count(*), string_agg(line, chr(10) ORDER BY ord, tb)
FROM (
    SELECT log_date, ord, seq * 4 AS tb, ${line} AS line
    FROM (SELECT *${field_selects} FROM ${feed}_ev WHERE log_date BETWEEN $1 AND $2)
    UNION ALL
    SELECT ld, ord, tb, line FROM ${feed}_extra WHERE ld BETWEEN $1 AND $2
)
GROUP BY log_date ORDER BY log_date
