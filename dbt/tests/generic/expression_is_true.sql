{#- Fails for every row of the model where `expression` is not true (false or NULL).
    Usage (model level):  data_tests: [{expression_is_true: {arguments: {expression: "a = b + c"}}}]
    Optional `where` config limits the rows checked, as for any data test. May also be attached
    to a column (column_name is then ignored: the expression says what to check). -#}
{% test expression_is_true(model, expression, column_name=none) %}

select *
from {{ model }}
where not coalesce({{ expression }}, false)

{% endtest %}
