{#-
  Fails for each row whose two endpoint columns name the same account: a follow edge or a pair
  is between two different accounts.

    data_tests:
      - no_self_loops:
          arguments:
            from_column: follower_username
            to_column: followed_username
-#}
{% test no_self_loops(model, from_column, to_column) %}

select *
from {{ model }}
where {{ from_column }} = {{ to_column }}

{% endtest %}
