{#-
  Data tests of an incremental model test the rows written since the test last passed.

  Every row of an incremental model says which build wrote it: `staged_at` in staging,
  `built_at` downstream (the start of that dbt invocation). After each invocation the
  on-run-end hook records, per data test that passed, that build's start in
  `dbt_test_watermarks`; the next run of the test reads only the rows written after it. Rows a
  test has passed on are unchanged since (a delete+insert model re-stamps every row it
  rewrites), so the test's verdict on the whole table is the same, at the cost of the new rows
  instead of all history. A failed test records nothing, so it keeps testing the rows it failed
  on until they are fixed; a `--full-refresh` re-stamps every row, so every test sees the whole
  table again. Tests on tables and views, or on a model without the column, test every row.

  dbt wraps the `model` argument of every generic test in get_where_subquery (dbt's own macro,
  overridden here, keeping its `where` config); in its context `model` is the test node.
-#}

{% macro test_watermarks_relation() -%}
    {{ target.schema }}.dbt_test_watermarks
{%- endmacro %}


{#- on-run-start: the test watermarks table, once. -#}
{% macro create_test_watermarks() -%}
    create table if not exists {{ test_watermarks_relation() }} (
        test_id varchar(1024) not null,
        passed_at timestamp with time zone not null
    )
{%- endmacro %}


{#- on-run-end: this build's start is the new watermark of every data test that passed. -#}
{% macro record_passed_tests(results) -%}
    {%- set passed = [] -%}
    {%- for result in results -%}
        {%- if result.node.resource_type == 'test' and result.status == 'pass'
               and result.node.unique_id.startswith('test.') -%}
            {%- do passed.append(result.node.unique_id) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if passed -%}
        {%- set quoted = [] -%}
        {%- for test_id in passed -%}
            {%- do quoted.append("'" ~ (test_id | replace("'", "''")) ~ "'") -%}
        {%- endfor -%}
        delete from {{ test_watermarks_relation() }} where test_id in ({{ quoted | join(', ') }});
        insert into {{ test_watermarks_relation() }} (test_id, passed_at) values
        {%- for test_id in quoted %}
            ({{ test_id }}, {{ staged_at() }}){{ "," if not loop.last }}
        {%- endfor %}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}


{#- The column of the tested model that says which build wrote a row, or none: only an
    incremental model documenting `staged_at` or `built_at` is scoped. -#}
{% macro test_scope_column() -%}
    {%- set node = graph.nodes.get(model.get('attached_node') or '') if execute else none -%}
    {%- if node is none or node.config.materialized != 'incremental' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- for column in ['built_at', 'staged_at'] -%}
        {%- if column in node.columns -%}
            {{ return(column) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}


{#- The whole table of a scoped test's model (a test of keys counts the new rows' keys over
    it), or none when the test is not scoped. -#}
{% macro unscoped_test_relation() -%}
    {%- if test_scope_column() is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set node = graph.nodes[model.attached_node] -%}
    {{ return(api.Relation.create(database=node.database, schema=node.schema,
                                  identifier=node.alias)) }}
{%- endmacro %}


{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set column = test_scope_column() -%}
    {%- if column is none and not where -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set conditions = [] -%}
    {%- if where -%}
        {%- do conditions.append('(' ~ where ~ ')') -%}
    {%- endif -%}
    {%- if column is not none -%}
        {%- do conditions.append(
            column ~ " > coalesce((select max(passed_at) from " ~ test_watermarks_relation()
            ~ " where test_id = '" ~ (model.unique_id | replace("'", "''")) ~ "'), "
            ~ "cast('1900-01-01 00:00:00+00:00' as timestamp with time zone))") -%}
    {%- endif -%}
    {%- set filtered -%}
        (select * from {{ relation }} where {{ conditions | join(' and ') }}) dbt_subquery
    {%- endset -%}
    {{ return(filtered) }}
{%- endmacro %}
