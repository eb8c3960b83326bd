{#-
  Fails for each combination of `combination_of_columns` that appears on more than one row
  (the composite-key counterpart of `unique`; NULLs compare equal here).

    data_tests:
      - unique_combination_of_columns:
          arguments:
            combination_of_columns: [platform, username]
-#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

select
    {{ combination_of_columns | join(', ') }},
    count(*) as n_rows
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1

{% endtest %}
