{#- SPEC §3 Money. Amounts are exact decimals, never floats.

    round_money: round to cents, half away from zero, typed DECIMAL(18, 2). DuckDB's and
    Spark's round() on DECIMAL are half away from zero (on DOUBLE DuckDB is not), so every
    operand must stay DECIMAL — these macros cast their inputs explicitly.

    to_usd: round(amount × usd_per_unit, 2), exactly, or NULL when the result does not fit
    DECIMAL(18, 2) (usd_fits tells which). An FX rate is DECIMAL(38, 28) (any positive rate
    below 1e10 with up to 28 decimals) and an amount DECIMAL(18, 4): their exact product
    has up to 56 digits, more than either engine's DECIMAL holds (38), and Spark would drop
    decimals silently. So the product is computed in integers: A = amount × 10^4 and the
    rate's integer part R0 and its decimals 1-14 (R1) and 15-28 (R2), read from the
    decimal's plain text (both engines print a DECIMAL with all its scale). With integer
    (floor) division, U = A × R0 + (A × R1 + (A × R2) div 10^14) div 10^14 is
    floor(amount × rate × 10^4), every partial product below 10^33; and since amount > 0,
    round half up to cents = (U + 50) div 100. Each step is exact.
    commission_amount: round(amount_usd × rate, 2) on DECIMAL(28, 2) × DECIMAL(9, 6). The
    amount is widened from DECIMAL(18, 2): DuckDB types DECIMAL(18, 2) × DECIMAL(9, 6) as a
    64-bit DECIMAL(18, 8), which overflows (and stops the run) once the product passes about
    9 × 10^9; (28 + 9) keeps the exact 8 decimals in 128 bits on DuckDB and within Spark's
    38 digits. -#}
{% macro round_money(expression) -%}
    cast(round({{ expression }}, 2) as decimal(18, 2))
{%- endmacro %}

{#- floor(amount × usd_per_unit × 10^4) as an exact integer (amount > 0). -#}
{% macro usd_ten_thousandths(amount, usd_per_unit) -%}
    {%- set a = "replace(cast(cast(" ~ amount ~ " as decimal(18, 4)) as " ~ dbt.type_string() ~ "), '.', '')" -%}
    {%- set r = "cast(cast(" ~ usd_per_unit ~ " as decimal(38, 28)) as " ~ dbt.type_string() ~ ")" -%}
    {%- set a_int = partner_commissions.exact_integer(a) -%}
    {%- set r0 = partner_commissions.exact_integer("split_part(" ~ r ~ ", '.', 1)") -%}
    {%- set r1 = partner_commissions.exact_integer("substr(split_part(" ~ r ~ ", '.', 2), 1, 14)") -%}
    {%- set r2 = partner_commissions.exact_integer("substr(split_part(" ~ r ~ ", '.', 2), 15, 14)") -%}
    {%- set e14 = partner_commissions.exact_integer("'100000000000000'") -%}
    {%- set carry2 = partner_commissions.integer_divide(a_int ~ " * " ~ r2, e14) -%}
    {%- set carry1 = partner_commissions.integer_divide("(" ~ a_int ~ " * " ~ r1 ~ " + " ~ carry2 ~ ")", e14) -%}
    ({{ a_int }} * {{ r0 }} + {{ carry1 }})
{%- endmacro %}

{#- Largest floor(amount × rate × 10^4) whose USD value still fits DECIMAL(18, 2). -#}
{% macro usd_fits(amount, usd_per_unit) -%}
    ({{ partner_commissions.usd_ten_thousandths(amount, usd_per_unit) }}
        < {{ partner_commissions.exact_integer("'99999999999999999950'") }})
{%- endmacro %}

{% macro to_usd(amount, usd_per_unit) -%}
    {%- set units = partner_commissions.usd_ten_thousandths(amount, usd_per_unit) -%}
    case
        when {{ units }} < {{ partner_commissions.exact_integer("'99999999999999999950'") }}
            then cast(
                cast({{ partner_commissions.integer_divide("(" ~ units ~ " + 50)", "100") }} as decimal(20, 0))
                * cast('0.01' as decimal(3, 2))
                as decimal(18, 2)
            )
    end
{%- endmacro %}

{#- An exact integer of up to 38 digits from an integer-valued expression or text. -#}
{% macro exact_integer(expression) -%}
    {{ return(adapter.dispatch('exact_integer', 'partner_commissions')(expression)) }}
{%- endmacro %}

{% macro default__exact_integer(expression) -%}
    cast({{ expression }} as decimal(38, 0))
{%- endmacro %}

{#- DuckDB: HUGEINT (DuckDB types DECIMAL(18, 0) × DECIMAL(14, 0) as DECIMAL(18, 0)). -#}
{% macro duckdb__exact_integer(expression) -%}
    cast({{ expression }} as hugeint)
{%- endmacro %}

{#- floor(a / b) of non-negative exact integers whose quotient is below 2^63. -#}
{% macro integer_divide(a, b) -%}
    {{ return(adapter.dispatch('integer_divide', 'partner_commissions')(a, b)) }}
{%- endmacro %}

{% macro default__integer_divide(a, b) -%}
    cast(({{ a }}) div ({{ b }}) as decimal(38, 0))
{%- endmacro %}

{% macro duckdb__integer_divide(a, b) -%}
    (cast({{ a }} as hugeint) // cast({{ b }} as hugeint))
{%- endmacro %}

{% macro commission_amount(amount_usd, rate) -%}
    {{ round_money('cast(' ~ amount_usd ~ ' as decimal(28, 2)) * cast(' ~ rate ~ ' as decimal(9, 6))') }}
{%- endmacro %}

{#- amount_usd / count rounded half away from zero to 4 decimals, DECIMAL(18, 4), exactly
    (DuckDB divides DECIMALs in DOUBLE); NULL when count is 0 or NULL. amount_usd is a
    DECIMAL(18, 2), count a positive integer. -#}
{% macro money_per(amount_usd, count) -%}
    {%- set cents = partner_commissions.exact_integer(
        "replace(cast(abs(cast(" ~ amount_usd ~ " as decimal(18, 2))) as " ~ dbt.type_string() ~ "), '.', '')"
    ) -%}
    {%- set n = partner_commissions.exact_integer(count) -%}
    case
        when {{ count }} > 0 then cast(
            (case when {{ amount_usd }} < 0 then -1 else 1 end)
            * cast({{ partner_commissions.integer_divide(cents ~ " * 200 + " ~ n, "2 * " ~ n) }} as decimal(20, 0))
            * cast('0.0001' as decimal(5, 4))
            as decimal(18, 4)
        )
    end
{%- endmacro %}
