{#- Payout periods (SPEC §6): calendar months, named by their first day. -#}

{#- First day of the month of a DATE expression. -#}
{% macro month_start(expression) -%}
    {{ return(adapter.dispatch('month_start', 'partner_commissions')(expression)) }}
{%- endmacro %}

{% macro default__month_start(expression) -%}
    cast(date_trunc('month', {{ expression }}) as date)
{%- endmacro %}

{% macro spark__month_start(expression) -%}
    trunc({{ expression }}, 'MM')
{%- endmacro %}


{#- A DATE expression plus `months` (an integer constant written in SQL) calendar months. -#}
{% macro add_months(expression, months) -%}
    {{ return(adapter.dispatch('add_months', 'partner_commissions')(expression, months)) }}
{%- endmacro %}

{% macro default__add_months(expression, months) -%}
    cast({{ dbt.dateadd('month', months, expression) }} as date)
{%- endmacro %}

{% macro duckdb__add_months(expression, months) -%}
    cast({{ expression }} + to_months({{ months }}) as date)
{%- endmacro %}

{% macro spark__add_months(expression, months) -%}
    add_months({{ expression }}, {{ months }})
{%- endmacro %}


{#- The payout threshold (var / PARTNER_DBT_PAYOUT_THRESHOLD_USD) as a DECIMAL(18, 2)
    literal; anything but a non-negative decimal with at most 2 places stops the build. -#}
{% macro payout_threshold_usd() -%}
    {%- set value = partner_commissions.run_setting('payout_threshold_usd', '50.00') | string | trim -%}
    {%- if not modules.re.match('^[0-9]{1,16}([.][0-9]{1,2})?$', value) -%}
        {{ exceptions.raise_compiler_error("var payout_threshold_usd: expected a decimal such as 50.00, got " ~ (value | tojson)) }}
    {%- endif -%}
    cast({{ partner_commissions.sql_literal(value) }} as decimal(18, 2))
{%- endmacro %}


{#- The period to compute payout lines for, as a DATE literal ('YYYY-MM' var / env
    PARTNER_DBT_PAYOUT_PERIOD), or none when unset (= the next open period). Read only when
    dbt executes: a close sets it for one build, and dbt parses again a file that read a
    changed environment variable while parsing. -#}
{% macro payout_period_override() -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set value = partner_commissions.run_setting('payout_period', none) -%}
    {%- if value is none or (value | string | trim) == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set value = value | string | trim -%}
    {%- if not modules.re.match('^[0-9]{4}-(0[1-9]|1[0-2])$', value) -%}
        {{ exceptions.raise_compiler_error("var payout_period: expected 'YYYY-MM', got " ~ (value | tojson)) }}
    {%- endif -%}
    {{ return('cast(' ~ partner_commissions.sql_literal(value ~ '-01') ~ ' as date)') }}
{%- endmacro %}
