{#- Small cross-database pieces of the refresh plan (models/planning): seconds since the Unix
    epoch of a timestamptz and back, and the integers 1..n as rows. -#}

{% macro epoch_seconds(column) -%}
    {{ return(adapter.dispatch('epoch_seconds', 'social_graph')(column)) }}
{%- endmacro %}

{% macro default__epoch_seconds(column) -%}
    cast(extract(epoch from {{ column }}) as double precision)
{%- endmacro %}

{% macro duckdb__epoch_seconds(column) -%}
    cast(epoch_us({{ column }}) as double) / 1e6
{%- endmacro %}


{#- The timestamptz `seconds` after the Unix epoch (to_timestamp on both). -#}
{% macro from_epoch_seconds(seconds) -%}
    to_timestamp({{ seconds }})
{%- endmacro %}


{#- The integers 1..n (n known when the model compiles), one row each, in column `k`. -#}
{% macro integers(n) -%}
    {{ return(adapter.dispatch('integers', 'social_graph')(n)) }}
{%- endmacro %}

{% macro default__integers(n) -%}
    (select generate_series(1, {{ n }}) as k)
{%- endmacro %}

{% macro duckdb__integers(n) -%}
    (select unnest(generate_series(1, {{ n }})) as k)
{%- endmacro %}


{#- A planning knob: the dbt var `name` (the Dagster build passes it, from the environment the
    run resolved), else the environment variable `env`, else `default`; always a number, and a
    compile error naming the knob when it is not one. -#}
{% macro planning_number(name, env, default) -%}
    {%- set raw = var(name, env_var(env, '')) -%}
    {%- set text = (raw | string) | trim -%}
    {%- if text == '' or text == 'None' -%}
        {%- set text = default | string -%}
    {%- endif -%}
    {%- if not modules.re.match('^[0-9]+([.][0-9]+)?$', text) -%}
        {{ exceptions.raise_compiler_error(name ~ " (or $" ~ env ~ ") must be a non-negative number, got '" ~ text ~ "'") }}
    {%- endif -%}
    {{- return(text | float) -}}
{%- endmacro %}
