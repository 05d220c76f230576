-- SELECT-list fragment: the JSON field texts of a click from the narrow clicks_ev columns
-- (added to `SELECT *` wherever click lines are rendered).
q('clk_' || lpad(CAST(seq AS VARCHAR), 9, '0')) AS f_click_id,
q(ts_txt(ts, rnd(seq, 'clicks_tsv'))) AS f_ts,
q(pid(partner)) AS f_partner_id,
q(vhex(vh)) AS f_visitor_id,
CASE WHEN rnd(seq, 'clk_o') >= 0.005
    THEN CASE WHEN pp THEN '"partner_program"' ELSE '"product"' END END AS f_landing,
CASE WHEN rnd(seq, 'clk_o') >= 0.01 THEN q(CASE WHEN pp
        THEN 'https://example.com/partners/join?ref=' || pid(partner)
        ELSE 'https://example.com/' || prod_path(ifloor(rnd(seq, 'clk_o') * 1000) % 5)
            || '?ref=' || pid(partner)
            || CASE WHEN rnd(seq, 'clk_o') > 0.8 THEN '&utm_source=newsletter' ELSE '' END
        END) END AS f_url,
q(ip_txt(hs(seq, 'clk_x'))) AS f_ip,
CASE WHEN rnd(seq, 'clk_o') < 0.995
    THEN q(ua(CAST((hs(seq, 'clk_x') >> 40) % len(user_agents()) AS INTEGER))) END
    AS f_user_agent
