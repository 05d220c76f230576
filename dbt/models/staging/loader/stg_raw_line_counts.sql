-- Raw lines per feed and log date, counted in the raw tables themselves (not in the base
-- models), so audit.line_reconciliation sees a log date loaded but not parsed.

{%- set feeds = partner_commissions.raw_feeds() %}

{% for feed in feeds -%}
    select
        {{ partner_commissions.sql_literal(feed) }} as feed,
        log_date,
        count(*) as raw_lines
    from {{ source('raw', feed) }}
    group by log_date
    {% if not loop.last %}
        union all
    {% endif %}
{%- endfor %}
