{#-
    A night's int_monthly_clicks recomputes the months its new clicks fall in, from every click
    of those months. A click's month is computed from clicked_at, so finding those clicks read
    every staged click: work that grew with the history (a year of bench clicks: 0.18-0.19 s a
    night for the model's query, against 0.08 s when it reads the clicks of those months only).

    On DuckDB the model's pre-hook keeps the first of those months in a session variable, and
    the model reads only the clicks from its first instant on: a constant once the query is
    planned, which DuckDB compares with each row group's clicked_at range, skipping without
    reading them the row groups that hold older clicks only (most of them: clicks are staged
    roughly in the order they happen). The month travels as a variable, never pasted into the
    SQL.
    The post-hook forgets it. Where no hook ran (a dbt unit test, another engine) the model
    reads every click: the bound only ever spares reading clicks of months it does not
    recompute, never changes what it computes.
-#}

{#- The session variable's name: one place, since a misspelt name would not fail, only read
    every click again (getvariable of an unset name is NULL). -#}
{% macro _first_new_click_month_variable() -%}
    partner_commissions_first_new_click_month
{%- endmacro %}


{#- Pre-hook: the first month holding a click the night's log dates deliver (NULL when they
    deliver none: no month is recomputed, and every click is read as before). Nothing on a
    full build or another engine. -#}
{% macro remember_first_new_click_month(stg_clicks) -%}
    {{ return(adapter.dispatch('remember_first_new_click_month', 'partner_commissions')(stg_clicks)) }}
{%- endmacro %}

{% macro default__remember_first_new_click_month(stg_clicks) -%}
{%- endmacro %}

{% macro duckdb__remember_first_new_click_month(stg_clicks) -%}
    {%- set dates = partner_commissions.nights_log_dates() -%}
    {%- if dates is not none -%}
        set variable {{ partner_commissions._first_new_click_month_variable() }} = (
            select min(cast({{ dbt.date_trunc('month', 'clicked_at') }} as date))
            from {{ stg_clicks }}
            where {{ partner_commissions._log_date_in('log_date', dates) }}
        )
    {%- endif -%}
{%- endmacro %}


{#- Post-hook: forget the month, so that no later query on the connection reads it. -#}
{% macro forget_first_new_click_month() -%}
    {{ return(adapter.dispatch('forget_first_new_click_month', 'partner_commissions')()) }}
{%- endmacro %}

{% macro default__forget_first_new_click_month() -%}
{%- endmacro %}

{% macro duckdb__forget_first_new_click_month() -%}
    reset variable {{ partner_commissions._first_new_click_month_variable() }}
{%- endmacro %}


{#- A condition on `clicked_at`: true from the remembered month's first instant on; true for
    every click when no month is remembered or on another engine. -#}
{% macro clicked_from_first_new_click_month(clicked_at) -%}
    {{ return(adapter.dispatch('clicked_from_first_new_click_month', 'partner_commissions')(clicked_at)) }}
{%- endmacro %}

{% macro default__clicked_from_first_new_click_month(clicked_at) -%}
    1 = 1
{%- endmacro %}

{% macro duckdb__clicked_from_first_new_click_month(clicked_at) -%}
    {{ clicked_at }} >= cast(coalesce(
        getvariable('{{ partner_commissions._first_new_click_month_variable() }}'), date '0001-01-01'
    ) as timestamp)
{%- endmacro %}
