{#-
  Fails for each row where the boolean SQL `expression` is not true (false or NULL).

    data_tests:
      - expression_is_true:
          arguments:
            expression: "username_a < username_b"
-#}
{% test expression_is_true(model, expression) %}

select *
from {{ model }}
where not coalesce({{ expression }}, false)

{% endtest %}
