{#- Fails for every combination of `combination_of_columns` that occurs on more than one row
    (NULLs compare equal here, as in GROUP BY).
    `reprocessed_log_dates_only: true` (a base_<feed> model, whose key includes log_date):
    on a run that reprocesses some log dates, only their rows are grouped
    (macros/incremental/tests_on_new_rows.sql says why that is enough). -#}
{% test unique_combination_of_columns(model, combination_of_columns, reprocessed_log_dates_only=false) %}

{%- set dates = partner_commissions.log_dates_under_test() if reprocessed_log_dates_only else none -%}
{%- if reprocessed_log_dates_only and 'log_date' not in combination_of_columns -%}
    {{ exceptions.raise_compiler_error(
        "unique_combination_of_columns: reprocessed_log_dates_only needs log_date in the key") }}
{%- endif %}

select
    {{ combination_of_columns | join(', ') }},
    count(*) as occurrences
from {{ model }}
{%- if dates is not none %}
where {{ partner_commissions._log_date_in('log_date', dates) }}
{%- endif %}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1

{% endtest %}
