{#- Fails for every value of `column_name` that occurs on more than one row of a deduplicated
    stg_<feed> model (NULLs compare equal, as in GROUP BY). On a run that re-ranks only the
    events delivered in some log dates, only the values delivered then (valid lines of
    `deliveries`, the feed's base model, in those log dates) are counted, over the whole
    model (macros/incremental/tests_on_new_rows.sql says why that is enough).
    Usage (column level): data_tests: [{unique_delivered_keys: {arguments: {deliveries: "ref('base_clicks')"}}}] -#}
{% test unique_delivered_keys(model, column_name, deliveries) %}

{%- set dates = partner_commissions.log_dates_under_test(deduplicated=true) %}

select
    {{ column_name }},
    count(*) as occurrences
from {{ model }}
{%- if dates is not none %}
where {{ column_name }} in (
    select {{ column_name }}
    from {{ deliveries }}
    where rejection_reason is null
        and {{ partner_commissions._log_date_in('log_date', dates) }}
)
{%- endif %}
group by {{ column_name }}
having count(*) > 1

{% endtest %}
