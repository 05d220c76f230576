{#- A model's row rules, checked while it is built: the model (or seed) fails, and its new rows
    are not committed, when a row breaks one of them. Declared in the model's YAML:

      config:
        meta:
          row_rules:
            unique_keys: [[a], [b, c]]      # no two rows share a key (NULLs compare equal)
            not_null: [a, b, c]
            expressions: ["a = b + c", "status in ('x', 'y')"]   # each true (not false or NULL)
            reprocessed_log_dates_only: true   # optional (see below)

    Every model runs `check_row_rules()` as a post-hook (dbt_project.yml), inside the
    transaction of its build: on DuckDB the build is rolled back when the check fails, so an
    incremental model keeps its previous rows. The error names the model, each broken rule
    with the number of rows breaking it, and the first such row's key, e.g.
      row rules of "warehouse"."marts"."fct_commissions" broken: not_null partner_id: 2 row(s);
      expression 1 (commission_usd = round(...)): 1 row(s); first failing row: sale_id=s1 | ...
    Find the rows with `rows_failing_any` (rows_failing_any.sql) or the rule's own SQL.

    Why not one dbt test per model, as before: a dbt test costs ≈ 45 ms of dbt's own work per
    run (serialized: dbt's threads share one Python interpreter), Dagster three events, and
    in `dbt build` it sits between the model and everything downstream: as 49 tests, the
    rules took a bench night's dbt run to 8.5 s, as checks in the builds 8.0 s. A row rule
    cannot fail separately from its model, so it is part of the model's build. Rules that span
    rows of other tables stay data tests (relationships, the
    key tests of the deduplicated stg_<feed> models, tests/*.sql).

    `not_null` items and key columns are plain column names (checked: they are pasted into
    the SQL); `expressions` are SQL boolean expressions, pasted as written. Accepted values
    are rules here too: `tier in (1, 2)` for a column in `not_null`, else `status is null or
    status in ('a', 'b')`. `reprocessed_log_dates_only: true` (a model incremental by log date,
    base_<feed>, whose keys include log_date): on a run that reprocesses some log dates, only
    their rows are checked; `'deduplicated'` (a deduplicated stg_<feed> model, whose key is
    tested by unique_delivered_keys): on a night that re-ranks only the events delivered on
    its dates, only the rows first delivered on them, every row when it rebuilds the
    deduplication (macros/incremental/tests_on_new_rows.sql says why that is enough). -#}

{#- The post-hook: the check of the model being built, or nothing when it declares no rules. -#}
{% macro check_row_rules() -%}
    {%- set rules = (config.get('meta') or {}).get('row_rules') if execute else none -%}
    {%- if rules -%}
        {{ partner_commissions.row_rules_check_sql(this, rules) }}
    {%- endif -%}
{%- endmacro %}


{#- `dbt run-operation check_row_rules_of --args '{model: fct_commissions}'`: the same check of
    a model's (or seed's) current rows, outside a build, e.g. after editing a table by hand.
    Fails with the same message; says so when every row keeps the rules. -#}
{% macro check_row_rules_of(model) -%}
    {%- set found = [] -%}
    {%- for node in graph.nodes.values() if node.resource_type in ('model', 'seed') and node.name == model -%}
        {%- do found.append(node) -%}
    {%- endfor -%}
    {%- if found | length != 1 -%}
        {{ exceptions.raise_compiler_error("check_row_rules_of: no model or seed named " ~ (model | tojson)) }}
    {%- endif -%}
    {%- set node = found[0] -%}
    {%- set rules = node.config.meta.get('row_rules') -%}
    {%- if not rules -%}
        {{ exceptions.raise_compiler_error("check_row_rules_of: " ~ model ~ " declares no row_rules") }}
    {%- endif -%}
    {%- set relation = api.Relation.create(
        database=node.database, schema=node.schema, identifier=node.alias) -%}
    {%- do run_query(partner_commissions.row_rules_check_sql(relation, rules)) -%}
    {{ log("row rules of " ~ relation ~ ": every row keeps them", info=true) }}
{%- endmacro %}


{#- A query that returns no row when every row of `relation` keeps `rules`, and else raises
    an error describing what is broken (raise_error_sql: DuckDB error(), Spark raise_error()). -#}
{% macro row_rules_check_sql(relation, rules) -%}
{%- set known = ['not_null', 'expressions', 'unique_keys', 'reprocessed_log_dates_only'] -%}
{%- if rules is not mapping -%}
    {{ exceptions.raise_compiler_error(
        "row_rules of " ~ relation ~ ": give a mapping of " ~ (known | join(', ')) ~ ", got "
        ~ (rules | tojson)) }}
{%- endif -%}
{%- for name in rules if name not in known -%}
    {{ exceptions.raise_compiler_error(
        "row_rules of " ~ relation ~ ": unknown setting " ~ (name | tojson) ~ " (known: "
        ~ (known | join(', ')) ~ ")") }}
{%- endfor -%}
{%- set not_null = rules.get('not_null') or [] -%}
{%- set expressions = rules.get('expressions') or [] -%}
{%- set unique_keys = rules.get('unique_keys') or [] -%}
{%- set by_log_date = rules.get('reprocessed_log_dates_only', false) -%}
{%- set where = 'row_rules of ' ~ relation -%}
{%- if not_null | length == 0 and expressions | length == 0 and unique_keys | length == 0 -%}
    {{ exceptions.raise_compiler_error(
        where ~ ": give `not_null` (column names), `expressions` (SQL rules) or"
        " `unique_keys` (lists of column names)") }}
{%- endif -%}
{%- for argument, value, what in [
    ('not_null', not_null, 'column names'),
    ('expressions', expressions, 'SQL expressions'),
    ('unique_keys', unique_keys, 'keys (lists of column names)')] if value -%}
    {%- do partner_commissions.require_non_empty_list(where, argument, value, what) -%}
{%- endfor -%}
{%- if by_log_date not in (true, false, 'deduplicated') -%}
    {{ exceptions.raise_compiler_error(
        where ~ ": reprocessed_log_dates_only is true, false or 'deduplicated', got "
        ~ (by_log_date | tojson)) }}
{%- endif -%}
{%- for key in unique_keys -%}
    {%- do partner_commissions.require_non_empty_list(
        where, 'unique_keys item ' ~ loop.index, key, 'column names') -%}
    {%- if by_log_date and 'log_date' not in key -%}
        {{ exceptions.raise_compiler_error(
            where ~ ": reprocessed_log_dates_only needs log_date in every key, got "
            ~ (key | tojson)) }}
    {%- endif -%}
{%- endfor -%}
{%- for column in not_null + (unique_keys | sum(start=[])) -%}
    {%- if column is not string or not modules.re.match('^[A-Za-z_][A-Za-z0-9_]*$', column) -%}
        {{ exceptions.raise_compiler_error(
            where ~ ": not_null items and key columns must be plain column names, got "
            ~ (column | tojson)) }}
    {%- endif -%}
{%- endfor -%}
{%- if not_null | map('lower') | unique | list | length != not_null | length -%}
    {{ exceptions.raise_compiler_error(where ~ ": a column is listed twice in not_null "
        ~ (not_null | tojson)) }}
{%- endif -%}
{%- for expression in expressions -%}
    {%- if expression is not string or expression | trim == '' -%}
        {{ exceptions.raise_compiler_error(
            where ~ ": each expression must be a non-empty string, got "
            ~ (expression | tojson) ~ " at position " ~ loop.index) }}
    {%- endif -%}
{%- endfor -%}

{#- (label in the message, condition that holds when a row breaks the rule) -#}
{%- set broken = [] -%}
{%- for column in not_null -%}
    {%- do broken.append(('not_null ' ~ column, column ~ ' is null')) -%}
{%- endfor -%}
{%- for expression in expressions -%}
    {%- do broken.append((
        'expression ' ~ loop.index ~ ' (' ~ (expression | trim | replace('\n', ' ')) ~ ')',
        'not coalesce(' ~ expression ~ ', false)')) -%}
{%- endfor -%}
{#- rows_failing_any labels rules by number; it adds the keys' conditions itself -#}
{%- set row_conditions = [] -%}
{%- for label, condition in broken -%}
    {%- do row_conditions.append((loop.index, condition)) -%}
{%- endfor -%}
{%- for key in unique_keys -%}
    {%- do broken.append((
        'unique key (' ~ (key | join(', ')) ~ ')',
        'duplicate_key_' ~ loop.index ~ '_rows is not null')) -%}
{%- endfor -%}
{#- the first failing row is named by its first key, else its first required columns -#}
{%- set named_by = unique_keys[0] if unique_keys else not_null[:3] -%}
{%- set dates = partner_commissions.log_dates_under_test(
    deduplicated=(by_log_date == 'deduplicated')) if by_log_date else none -%}
{%- set rows_under_test = partner_commissions._log_date_in('log_date', dates) if dates is not none else none -%}

{%- set parts = [] -%}
{%- for label, condition in broken -%}
    {%- set n = 'broken_' ~ loop.index -%}
    {%- do parts.append(
        "case when " ~ n ~ " > 0 then " ~ dbt.concat([
            partner_commissions.sql_literal(label ~ ': '),
            dbt.cast(n, dbt.type_string()),
            partner_commissions.sql_literal(' row(s); ')]) ~ " else '' end") -%}
{%- endfor -%}
{%- set example -%}
    {%- if named_by -%}
        {%- set pieces = [] -%}
        {%- for column in named_by -%}
            {%- do pieces.append(partner_commissions.sql_literal((' | ' if not loop.first else '') ~ column ~ '=')) -%}
            {%- do pieces.append("coalesce(" ~ dbt.cast(column, dbt.type_string()) ~ ", 'NULL')") -%}
        {%- endfor -%}
        {{ dbt.concat(pieces) }}
    {%- else -%}
        ''
    {%- endif -%}
{%- endset -%}

select
    {{ partner_commissions.raise_error_sql(dbt.concat(
        [partner_commissions.sql_literal('row rules of ' ~ relation ~ ' broken: ')]
        + parts
        + [partner_commissions.sql_literal('first failing row: '), 'first_failing_row'])) }} as broken
from (
    select
        {%- for label, condition in broken %}
        sum(case when {{ condition }} then 1 else 0 end) as broken_{{ loop.index }},
        {%- endfor %}
        min({{ example }}) as first_failing_row
    from (
        {{ partner_commissions.rows_failing_any(
            relation, [('failed_rules', row_conditions)], unique_keys, rows_under_test) | indent(8) }}
    ) as failing
    having count(*) > 0
) as summary
{%- endmacro %}


{#- An SQL expression that fails the query with `message` (an SQL string expression) when it
    is evaluated. -#}
{% macro raise_error_sql(message) -%}
    {{ return(adapter.dispatch('raise_error_sql', 'partner_commissions')(message)) }}
{%- endmacro %}

{% macro default__raise_error_sql(message) -%}
    raise_error({{ message }})
{%- endmacro %}

{% macro duckdb__raise_error_sql(message) -%}
    error({{ message }})
{%- endmacro %}
