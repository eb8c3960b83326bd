{#-
  Fails for each row where any of `columns` is NULL: dbt's `not_null`, for several columns of a
  model in one query (one scan, one node, one asset check) instead of one test per column.

    data_tests:
      - not_null_columns:
          arguments:
            columns: [snapshot_id, platform, request_id]
-#}
{% test not_null_columns(model, columns) %}

select *
from {{ model }}
where {% for column in columns %}{{ column }} is null{% if not loop.last %} or {% endif %}{% endfor %}

{% endtest %}
