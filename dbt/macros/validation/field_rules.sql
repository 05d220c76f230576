{#-
    Building blocks of the base_<feed> models (SPEC §2).

    A base model extracts every field of interest with `json_fields`, which gives two columns
    per field: `<field>__type` (json_type_of) and `<field>__text` (json_text), and on DuckDB
    the helper columns they are computed from (`json_fields__values`, `<field>__json`). The
    `*_value` macros give the typed value of a field (NULL when it is absent or not valid);
    timestamp, date and decimal fields must have theirs computed once, in a later CTE, as
    `<field>__value`, which their rules read. The `rule_*` macros emit the
    `when ... then '<reason>'` branches of one CASE, in the order of the SPEC's field table,
    so the rejection reason is the FIRST rule the line breaks.
    Reasons are meant for a person fixing the feed: they name the field and the expectation.
-#}

{# `<key>__type` and `<key>__text` columns for each key. #}
{% macro json_fields(doc, keys) -%}
    {{ return(adapter.dispatch('json_fields', 'partner_commissions')(doc, keys)) }}
{%- endmacro %}

{% macro default__json_fields(doc, keys) -%}
    {%- for key in keys %}
        {{ partner_commissions.json_type_of(doc, key) }} as {{ key }}__type,
        {{ partner_commissions.json_text(doc, key) }} as {{ key }}__text{{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}


{#- Reason a raw line cannot be read as a JSON object at all, or NULL. A line the loader cut
    (over 1 MiB) is rejected first, so its JSON is never parsed. -#}
{% macro line_problem(raw_line, is_valid_utf8, is_truncated=none) -%}
    case
        {%- if is_truncated is not none %}
        when {{ is_truncated }} = true then 'line too long'
        {%- endif %}
        when {{ is_valid_utf8 }} = false then 'line is not valid UTF-8'
        when not {{ partner_commissions.json_is_valid(raw_line) }} then 'not valid JSON'
        when not {{ partner_commissions.json_is_object(raw_line) }} then 'line is a JSON value but not an object'
    end
{%- endmacro %}


{%- macro _rule_missing(field) -%}
        when {{ field }}__type is null or {{ field }}__type = 'null'
            then 'missing required field: {{ field }}'
{%- endmacro -%}

{%- macro _is_present(field) -%}
({{ field }}__type is not null and {{ field }}__type <> 'null')
{%- endmacro -%}


{#- A string. Required: must be present and not blank. Optional: may be absent or null; a blank
    string is read as absent. -#}
{% macro rule_string(field, required) -%}
    {%- if required %}
        {{ partner_commissions._rule_missing(field) }}
        when {{ field }}__type <> 'string' or {{ partner_commissions.is_blank(field ~ '__text') }}
            then '{{ field }} must be a non-empty string'
    {%- else %}
        when {{ partner_commissions._is_present(field) }} and {{ field }}__type <> 'string'
            then '{{ field }} must be a string'
    {%- endif %}
{%- endmacro %}

{% macro string_value(field) -%}
    cast(case when {{ field }}__type = 'string' and not {{ partner_commissions.is_blank(field ~ '__text') }} then {{ field }}__text end as {{ dbt.type_string() }})
{%- endmacro %}


{#- One of a fixed set of strings (exact, case-sensitive). -#}
{% macro rule_enum(field, values, required) -%}
    {%- set allowed = values | map('string') | list -%}
    {%- set check -%}
        ({{ field }}__type <> 'string' or {{ field }}__text not in (
            {%- for v in allowed %}{{ partner_commissions.sql_literal(v) }}{{ ", " if not loop.last }}{% endfor -%}
        ))
    {%- endset -%}
    {{ partner_commissions._rule_check(
        field, required, check, field ~ ' must be one of ' ~ allowed | join(', ')) }}
{%- endmacro %}

{% macro enum_value(field, values) -%}
    cast(case
        when {{ field }}__type = 'string' and {{ field }}__text in (
            {%- for v in values | map('string') %}{{ partner_commissions.sql_literal(v) }}{{ ", " if not loop.last }}{% endfor -%}
        ) then {{ field }}__text
    end as {{ dbt.type_string() }})
{%- endmacro %}


{#- One rule, one reason: a required field must be present and pass `check` (a SQL
    condition that is true when the value is wrong); an optional one is checked only when
    present. -#}
{% macro _rule_check(field, required, check, message) -%}
    {%- if required %}
        {{ partner_commissions._rule_missing(field) }}
        when {{ check }}
    {%- else %}
        when {{ partner_commissions._is_present(field) }} and {{ check }}
    {%- endif %}
            then {{ partner_commissions.sql_literal(message) }}
{%- endmacro %}


{#- A string field whose parsed `<field>__value` must not be NULL (timestamps, dates). -#}
{% macro _rule_parsed_string(field, required, message) -%}
    {{ partner_commissions._rule_check(
        field, required,
        '(' ~ field ~ "__type <> 'string' or " ~ field ~ '__value is null)',
        field ~ ' ' ~ message) }}
{%- endmacro %}


{#- ISO-8601 timestamp string (see parse_utc_timestamp). -#}
{% macro rule_timestamp(field, required) -%}
    {{ partner_commissions._rule_parsed_string(
        field, required, 'is not an ISO-8601 timestamp (e.g. 2026-01-31T13:45:00Z)') }}
{%- endmacro %}

{% macro timestamp_value(field) -%}
    cast({{ partner_commissions.parse_utc_timestamp("case when " ~ field ~ "__type = 'string' then " ~ field ~ "__text end") }} as {{ dbt.type_timestamp() }})
{%- endmacro %}


{#- Calendar date string YYYY-MM-DD. -#}
{% macro rule_date(field, required) -%}
    {{ partner_commissions._rule_parsed_string(
        field, required, 'is not an ISO-8601 date (YYYY-MM-DD)') }}
{%- endmacro %}

{% macro date_value(field) -%}
    {{ partner_commissions.parse_iso_date("case when " ~ field ~ "__type = 'string' then " ~ field ~ "__text end") }}
{%- endmacro %}


{#- ISO 4217 currency code: three letters (case-insensitive on input, upper-cased on output). -#}
{% macro rule_currency(field, required) -%}
    {%- set check -%}
        ({{ field }}__type <> 'string' or not {{ partner_commissions.regex_matches(field ~ '__text', '^[A-Za-z]{3}$') }})
    {%- endset -%}
    {{ partner_commissions._rule_check(
        field, required, check, field ~ ' must be a 3-letter ISO 4217 code') }}
{%- endmacro %}

{% macro currency_value(field) -%}
    cast(case when {{ field }}__type = 'string' then upper({{ field }}__text) end as {{ dbt.type_string() }})
{%- endmacro %}


{#- Positive exact decimal, as a JSON number or a numeric JSON string, with at most `scale`
    decimal places, fitting DECIMAL(precision, scale). Never rounded. -#}
{% macro rule_positive_decimal(field, precision, scale, required) -%}
    {%- set text = "case when " ~ field ~ "__type in ('number', 'string') then " ~ field ~ "__text end" -%}
    {%- if required %}
        {{ partner_commissions._rule_missing(field) }}
        when not coalesce({{ partner_commissions.is_decimal_text(text) }}, false)
    {%- else %}
        when {{ partner_commissions._is_present(field) }}
            and not coalesce({{ partner_commissions.is_decimal_text(text) }}, false)
    {%- endif %}
            then '{{ field }} must be a decimal number or numeric string'
        when {{ partner_commissions._is_present(field) }}
            and not {{ partner_commissions.decimal_is_positive(text) }}
            then '{{ field }} must be > 0'
        when {{ partner_commissions._is_present(field) }}
            and coalesce(
                {{ partner_commissions.decimal_places(text) }} > {{ scale }},
                {{ partner_commissions.regex_matches(text, '[eE]-') }}
            )
            then '{{ field }} has more than {{ scale }} decimal places'
        when {{ partner_commissions._is_present(field) }}
            and {{ field }}__value is null
            then '{{ field }} is too large (at most {{ precision - scale }} digits before the decimal point)'
{%- endmacro %}

{% macro decimal_value(field, precision, scale) -%}
    {{ partner_commissions.parse_decimal("case when " ~ field ~ "__type in ('number', 'string') then " ~ field ~ "__text end", precision, scale) }}
{%- endmacro %}
