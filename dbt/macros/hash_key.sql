{#-
  hash_key(expressions): a text key (md5 hex) from SQL expressions, identical on DuckDB and
  PostgreSQL for the same values. NULL and '' hash differently; timestamps go through
  utc_text() so the key does not depend on the session's time zone or the adapter's text form.

    {{ hash_key(['platform', 'tweet_id', 'replier_username', utc_text('replied_at')]) }}
-#}
{% macro hash_key(expressions) -%}
    md5(
    {%- for expression in expressions %}
        coalesce('v' || cast({{ expression }} as varchar), 'n'){% if not loop.last %} || '|' ||{% endif %}
    {%- endfor %}
    )
{%- endmacro %}


{#- utc_text(column): a timestamptz as ISO 8601 text in UTC with microseconds,
    e.g. 2024-05-01T12:00:00.000000Z; NULL stays NULL. -#}
{% macro utc_text(column) -%}
    {{ return(adapter.dispatch('utc_text', 'social_graph')(column)) }}
{%- endmacro %}

{% macro default__utc_text(column) -%}
    to_char({{ column }} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
{%- endmacro %}

{% macro duckdb__utc_text(column) -%}
    strftime({{ column }} at time zone 'UTC', '%Y-%m-%dT%H:%M:%S.%fZ')
{%- endmacro %}
