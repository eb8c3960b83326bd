{#-
  Fails for each combination of `combination_of_columns` that appears on more than one row
  (the composite-key counterpart of `unique`; NULLs compare equal here).

  Scoped (macros/tests/scope.sql): the keys of the rows written since the test last passed,
  each counted over the whole table, so a new row that repeats an old row's key fails (a key
  holding a NULL is not counted on a scoped run: `not_null_columns` fails such rows).

    data_tests:
      - unique_combination_of_columns:
          arguments:
            combination_of_columns: [platform, username]
-#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

{%- set columns = combination_of_columns | join(', ') -%}
{%- set whole = unscoped_test_relation() %}
select
    {{ columns }},
    count(*) as n_rows
from {{ whole if whole is not none else model }}
{%- if whole is not none %}
where ({{ columns }}) in (select {{ columns }} from {{ model }})
{%- endif %}
group by {{ columns }}
having count(*) > 1

{% endtest %}
