-- The malformed lines of <feed>: kind_counts lists (kind number, count, first new seq); each
-- line copies a random valid event, overrides fields per (kind, variant) in `line`, then
-- `cut_line` truncates it for invalid_json. It lands at a random second of the event's log date.
INSERT INTO ${feed}_extra
WITH kc AS (SELECT * FROM (VALUES ${kind_counts}) v(kno, cnt, off)),
picks AS (
    SELECT kno, r, 1 + ifloor(rnd(kno * 1000003 + r, '${feed}_mal') * ${n_valid}) AS src,
        off + r AS nseq
    FROM kc, range(0, ${max_count}) rr(r) WHERE r < cnt
), x AS (
    SELECT kno, r, nseq, log_date, ${line} AS line
    FROM (SELECT picks.kno, picks.r, picks.nseq, e.*${field_selects}
          FROM picks JOIN ${feed}_ev e ON e.seq = picks.src)
)
SELECT log_date, day_epoch(log_date) + ifloor(rnd(nseq, '${feed}_malo') * 86400),
    nseq * 4 + 2, CASE kno ${kind_names} END, ${cut_line}
FROM x
