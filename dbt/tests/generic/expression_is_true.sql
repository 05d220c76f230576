{#- Fails for every row of the model where `expression` is not true (false or NULL).
    Usage (model level):  data_tests: [{expression_is_true: {arguments: {expression: "a = b + c"}}}]
    Optional `where` config limits the rows checked, as for any data test. -#}
{% test expression_is_true(model, expression) %}

select *
from {{ model }}
where not coalesce({{ expression }}, false)

{% endtest %}
