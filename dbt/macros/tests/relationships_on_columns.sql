{#-
  The composite-key counterpart of `relationships`: fails for each row of the model whose
  (`from_columns`) has no row with equal (`to_columns`) in `to`. Rows with a NULL in any of
  `from_columns` are not checked, like `relationships` skips NULLs.

    data_tests:
      - relationships_on_columns:
          arguments:
            from_columns: [platform, follower_username]
            to: ref('dim_accounts')
            to_columns: [platform, username]
-#}
{% test relationships_on_columns(model, from_columns, to, to_columns) %}

with child as (

    select {{ from_columns | join(', ') }}
    from {{ model }}
    where
    {%- for column in from_columns %}
        {{ column }} is not null{% if not loop.last %} and{% endif %}
    {%- endfor %}

),

parent as (

    select {{ to_columns | join(', ') }}
    from {{ to }}

)

select child.*
from child
where not exists (
    select 1
    from parent
    where
    {%- for i in range(from_columns | length) %}
        parent.{{ to_columns[i] }} = child.{{ from_columns[i] }}{% if not loop.last %} and{% endif %}
    {%- endfor %}
)

{% endtest %}
