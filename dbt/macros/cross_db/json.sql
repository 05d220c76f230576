{#-
    Engine-specific JSON access, behind adapter.dispatch so that another engine (Spark) only
    has to add `<adapter>__` versions of these few macros; the parsing rules in the base models
    are written against these signatures only.

    Conventions shared by every implementation:
    * `doc` is an SQL expression holding the parsed document of one line (json_doc of its
      text: the text itself on DuckDB, a VARIANT on Spark), or NULL. Callers pass NULL for
      lines that are not a valid JSON object, so the accessors never see malformed JSON.
    * `key` is a top-level key of the object, a constant written in the model (never data).
    * json_type_of returns one of 'string', 'number', 'boolean', 'null', 'object', 'array', or
      NULL when the key is absent (or doc is NULL).
    * json_text returns the value as text: a string unescaped; a number as its literal text
      exactly as delivered (so `10.1` gives '10.1' and can be cast text -> DECIMAL without
      ever being a DOUBLE); 'true'/'false'; NULL for JSON null or an absent key; the JSON text
      of an object/array.
-#}

{%- macro _json_key_path(key) -%}
    {%- if not modules.re.match('^[A-Za-z_][A-Za-z0-9_]*$', key) -%}
        {{ exceptions.raise_compiler_error("JSON key must be a plain identifier, got: " ~ key) }}
    {%- endif -%}
    '$."{{ key }}"'
{%- endmacro -%}

{#- Spark's variant paths take a plain `$.key` (the key is checked the same way). -#}
{%- macro _variant_key_path(key) -%}
    {%- do partner_commissions._json_key_path(key) -%}
    '$.{{ key }}'
{%- endmacro -%}


{# The parsed document of a line that is a valid JSON object (what the accessors take).
   DuckDB's json functions read JSON text directly; Spark parses it once into a VARIANT. #}
{% macro json_doc(text) -%}
    {{ return(adapter.dispatch('json_doc', 'partner_commissions')(text)) }}
{%- endmacro %}

{% macro default__json_doc(text) -%}
    {{ text }}
{%- endmacro %}

{% macro spark__json_doc(text) -%}
    try_parse_json({{ text }})
{%- endmacro %}


{# True when `text` is one complete, standard (RFC 8259) JSON value; never NULL. #}
{% macro json_is_valid(text) -%}
    {{ return(adapter.dispatch('json_is_valid', 'partner_commissions')(text)) }}
{%- endmacro %}

{% macro default__json_is_valid(text) -%}
    coalesce(({{ text }}) is json, false)
{%- endmacro %}

{% macro duckdb__json_is_valid(text) -%}
    {#- DuckDB's reader (yyjson) also accepts trailing commas and NaN/Infinity/inf/nan (any
        case, optionally signed), which are not JSON: blank out string literals, then look for
        those outside of strings. A CASE, because DuckDB evaluates it lazily (AND/OR in a
        projection are not), and a cheap pre-filter spares the expensive check for almost
        every line: it looks for a comma before `]` or `}` and for `na` or `in` (any case)
        where a value can start (after `,` `:` `[` or at the start, spaces and a sign
        allowed), in or out of strings. Each regex starts with one literal character, which
        RE2 scans for quickly (a character class or an alternation there made one regex 4 ×
        slower); on a year of bench clicks 1.7 s against 3.9 s for `lower` and two substring
        searches. -#}
    {%- set value_start = "[+-]?([Nn][Aa]|[Ii][Nn])" -%}
    case
        when not coalesce(json_valid({{ text }}), false) then false
        when not (
            regexp_matches({{ text }}, ',\s*([\]}]|{{ value_start }})')
            or regexp_matches({{ text }}, ':\s*{{ value_start }}')
            or regexp_matches({{ text }}, '\[\s*{{ value_start }}')
            or regexp_matches({{ text }}, '^\s*{{ value_start }}')
        ) then true
        else not regexp_matches(
            regexp_replace(
                regexp_replace({{ text }}, '"(?:[^"\\]|\\.)*"', '""', 'g'),
                'true|false|null', '0', 'g'
            ),
            ',\s*[\]}]|[A-DF-Za-df-z]'
        )
    end
{%- endmacro %}


{% macro spark__json_is_valid(text) -%}
    {#- Spark's parser (Jackson, strict: no NaN, trailing commas, comments, single quotes,
        leading zeros or raw control characters) stops after the first value and ignores
        what follows it. So the text must also parse as the only element of an array AND as
        the value of an object: trailing text can only come after the wrapper was closed
        early, which takes `]` in one wrapper and `}` in the other at the same place. -#}
    coalesce(
        try_parse_json({{ text }}) is not null
        and array_size(try_variant_get(
            try_parse_json('[' || {{ text }} || ']'), '$', 'array<variant>'
        )) = 1
        and try_parse_json('{"v":' || {{ text }} || '}') is not null,
        false
    )
{%- endmacro %}


{# For `text` already known to be valid JSON (json_is_valid): true when its top-level value
   is an object. (The rules ask only after the validity check, so no engine parses twice.) #}
{% macro json_is_object(text) -%}
    {{ return(adapter.dispatch('json_is_object', 'partner_commissions')(text)) }}
{%- endmacro %}

{% macro default__json_is_object(text) -%}
    coalesce(({{ text }}) is json object, false)
{%- endmacro %}

{% macro duckdb__json_is_object(text) -%}
    {#- JSON allows only space, tab, LF and CR before a value, so valid JSON whose first other
        character is `{` is an object. No second json_valid: inside the CASE of line_problem
        DuckDB evaluated it again (1.3 s of 3.8 s for a year of bench clicks). -#}
    regexp_matches({{ text }}, '^[ \t\n\r]*[{]')
{%- endmacro %}


{% macro spark__json_is_object(text) -%}
    coalesce(schema_of_variant(try_parse_json({{ text }})) like 'OBJECT%', false)
{%- endmacro %}


{# Normalised JSON type of doc.key (see conventions above). #}
{% macro json_type_of(doc, key) -%}
    {{ return(adapter.dispatch('json_type_of', 'partner_commissions')(doc, key)) }}
{%- endmacro %}

{% macro default__json_type_of(doc, key) -%}
    {#- SQL/JSON (SQL:2016) item method type(); NULL ON ERROR covers an absent key. -#}
    json_value({{ doc }}, 'strict $."{{ key }}".type()')
{%- endmacro %}



{% macro spark__json_type_of(doc, key) -%}
    {#- schema_of_variant names the Spark type the parser chose: integers are BIGINT (or
        DECIMAL(n, 0) when larger), other numbers DECIMAL(p, s), or DOUBLE with an exponent
        or beyond 38 digits. -#}
    case regexp_extract(
        schema_of_variant(try_variant_get({{ doc }}, {{ partner_commissions._variant_key_path(key) }})),
        '^[A-Z]+', 0
    )
        when 'STRING' then 'string'
        when 'TINYINT' then 'number'
        when 'SMALLINT' then 'number'
        when 'INT' then 'number'
        when 'BIGINT' then 'number'
        when 'DECIMAL' then 'number'
        when 'FLOAT' then 'number'
        when 'DOUBLE' then 'number'
        when 'BOOLEAN' then 'boolean'
        when 'VOID' then 'null'
        when 'OBJECT' then 'object'
        when 'ARRAY' then 'array'
    end
{%- endmacro %}


{# Text of doc.key (see conventions above). #}
{% macro json_text(doc, key) -%}
    {{ return(adapter.dispatch('json_text', 'partner_commissions')(doc, key)) }}
{%- endmacro %}

{% macro default__json_text(doc, key) -%}
    coalesce(
        json_value({{ doc }}, '$."{{ key }}"'),
        json_query({{ doc }}, '$."{{ key }}"')
    )
{%- endmacro %}


{% macro spark__json_text(doc, key) -%}
    {#- A number the parser kept as an integer or DECIMAL prints exactly as written, minus
        trailing fractional zeros ('10.10' -> '10.1', same value and no more decimals); one
        with an exponent became a DOUBLE and prints in Java's form ('1e-5' -> '1.0E-5'),
        which the decimal rules read to the same value and the same number of decimals. -#}
    try_variant_get({{ doc }}, {{ partner_commissions._variant_key_path(key) }}, 'string')
{%- endmacro %}


{#- DuckDB: json_type_of and json_text for every field of a line from ONE parse:
    json_transform(doc, '{"key": "JSON", ...}') reads the line once into a STRUCT whose fields
    hold each value's JSON text (NULL for an absent key and for JSON null, which every rule
    treats alike). The type is the text's first character; a string without a backslash is
    its text between the quotes (unescaped by json_extract_string otherwise; `substr`, half
    the time of the slice `[2:-2]`). The struct (`json_fields__values`) and each value's
    text (`<key>__json`) are columns that the expressions after them in the same select list
    name (DuckDB's column aliases; a CTE reading `*` passes them on): DuckDB evaluated the
    repeated struct expression once anyway (it eliminates common subexpressions; measured on
    919 k bench clicks lines, 0.4 s against 1.8 s for json_extract of a list of paths with
    json_type and json_extract_string per value), but written out it made the base models'
    SQL 2-2.5 x longer for dbt to compile and sqlfluff to lint (base_clicks 35.6 kB -> 17.0 kB;
    the same rows, in the same time, on a year of bench clicks and sales).

    Numbers: DuckDB parses JSON numbers into DOUBLE and prints them back in shortest
    round-trip form, which loses digits beyond ~15 significant ones and rewrites 1e2 as 100.0
    (integers that fit 64 bits, and bigger ones, are kept as written). So for a non-integer
    number take the literal from the line itself: the first `"key": <number>` that starts
    outside any string literal. A nested object could hold the same key earlier, so the
    literal is used only when it denotes the same double as DuckDB's value; otherwise fall
    back to DuckDB's text (exact for up to 15 significant digits). An absent key (NULL) is
    answered first: it failed every other branch and reached that one, whose expression
    scans the whole line (the text projection of a year of bench clicks, whose optional
    fields are often absent: 13.7 -> 6.8 CPU-seconds in EXPLAIN ANALYZE). -#}
{% macro duckdb__json_fields(doc, keys) -%}
    {%- set spec = [] -%}
    {%- for key in keys -%}
        {%- do partner_commissions._json_key_path(key) -%}
        {%- do spec.append('"' ~ key ~ '":"JSON"') -%}
    {%- endfor %}
        json_transform({{ doc }}, '{{ "{" ~ (spec | join(",")) ~ "}" }}') as json_fields__values,
    {%- for key in keys %}
        {%- set value = key ~ '__json' %}
        {%- set literal -%}
            regexp_extract(
                {{ doc }},
                '^(?:[^"]|"(?:[^"\\]|\\.)*")*?"{{ key }}"\s*:\s*(-?[0-9]+(?:[.][0-9]+)?(?:[eE][+-]?[0-9]+)?)',
                1
            )
        {%- endset %}
        cast(struct_extract(json_fields__values, '{{ key }}') as varchar) as {{ value }},
        case left({{ value }}, 1)
            when '"' then 'string'
            when '{' then 'object'
            when '[' then 'array'
            when 't' then 'boolean'
            when 'f' then 'boolean'
            else case when {{ value }} is not null then 'number' end
        end as {{ key }}__type,
        case
            when {{ value }} is null then null
            when left({{ value }}, 1) = '"' then
                case
                    when contains({{ value }}, '\') then json_extract_string({{ value }}, '$')
                    else substr({{ value }}, 2, length({{ value }}) - 2)
                end
            when left({{ value }}, 1) in ('{', '[', 't', 'f') then {{ value }}
            when regexp_full_match({{ value }}, '-?[0-9]+') then {{ value }}
            else coalesce(
                list_filter(
                    [{{ literal }}],
                    lambda literal: try_cast(nullif(literal, '') as double)
                        = try_cast({{ value }} as double)
                )[1],
                {{ value }}
            )
        end as {{ key }}__text{{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}
