-- resignups: customer accounts that sign up a second time later (the earliest signup counts).
CREATE TABLE resignups AS
SELECT c, customer_id, ts + 86400 * (1 + ifloor(rnd(c, 'rs_t') * 10)) AS ts,
    hs(c, 'rs_vis') AS vh, email_hash
FROM customers
WHERE (c = 11 OR rnd(c, 'rs') < 0.005)
  AND ts + 86400 * (1 + ifloor(rnd(c, 'rs_t') * 10)) < ${end_ts}
