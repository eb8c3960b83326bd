{#-
  Incremental builds, keyed on what a new snapshot can change.

  A snapshot is immutable. The staging tables stage each one once, stamping its rows
  `staged_at` with the build that staged them (the invocation's `run_started_at`). Each
  incremental model downstream records, after it built, the build it built in (one row per
  model in `dbt_build_watermarks`); its next incremental build recomputes only the scope the
  snapshots staged after that can change: the targets whose lists changed, the accounts they
  list, the pairs or edges touching them. A model whose build failed keeps its old
  watermark, so its next build picks up what it missed. `--full-refresh` builds every model
  from all snapshots, and gives the same rows (tests/dbt/test_incremental.py).
-#}

{% macro staged_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}+00:00' as timestamp with time zone)
{%- endmacro %}


{% macro watermarks_relation() -%}
    {{ target.schema }}.dbt_build_watermarks
{%- endmacro %}


{#- on-run-start: the watermarks table, once. -#}
{% macro create_build_watermarks() -%}
    create table if not exists {{ watermarks_relation() }} (
        model_name varchar(256) not null,
        built_at timestamp with time zone not null
    )
{%- endmacro %}


{#- The post-hooks of every incremental model but the first stage: this build is the model's
    new watermark (it has taken in every row staged up to now). Rendered when the model runs
    (a hook string), never when the project is parsed: `run_started_at` is this build's. -#}
{% macro record_build_watermark() -%}
    {{ return([
        "{{ delete_build_watermark() }}",
        "{{ insert_build_watermark() }}",
    ]) }}
{%- endmacro %}


{% macro delete_build_watermark() -%}
    delete from {{ watermarks_relation() }} where model_name = '{{ this.identifier }}'
{%- endmacro %}


{% macro insert_build_watermark() -%}
    insert into {{ watermarks_relation() }} (model_name, built_at)
    values ('{{ this.identifier }}', {{ staged_at() }})
{%- endmacro %}


{#- A condition on `staged_at`: true of the rows staged since the calling model last built
    (always true on a full build). -#}
{% macro staged_since_last_build(column='staged_at') -%}
    {%- if is_incremental() -%}
        {{ column }} > coalesce(
            (select max(built_at) from {{ watermarks_relation() }}
             where model_name = '{{ this.identifier }}'),
            cast('1900-01-01 00:00:00+00:00' as timestamp with time zone))
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#- (platform, target_username, list_type) of every list with a snapshot staged since the
    calling model last built: the targets whose lists changed. A follow list's target is the
    account's key (its current handle where an id is known, macros/identity.sql); a repliers
    list's is the post's tweet id. -#}
{% macro changed_lists(list_types) -%}
    select distinct
        snapshots.platform,
        {{ resolved('target_identity', 'snapshots.target') }} as target_username,
        snapshots.list_type
    from {{ ref('stg_nyne__snapshots') }} as snapshots
    {{ join_identity('target_identity', 'snapshots.platform', 'snapshots.target') }}
        and snapshots.list_type <> 'repliers'
    where snapshots.list_type in ({% for t in list_types %}'{{ t }}'{{ ", " if not loop.last }}{% endfor %})
        and {{ staged_since_last_build('snapshots.staged_at') }}
{%- endmacro %}


{#- (platform, username) of every account a snapshot staged since the calling model last built
    shows: listed in it (follower, followed account, replier), its target, a post's author, by
    the account's key (its current handle where an id is known, macros/identity.sql). Their
    dim_accounts rows (profile, first/last seen) are the ones that can change. -#}
{% macro changed_accounts() -%}
    select seen.platform, {{ resolved('seen_identity', 'seen.username') }} as username
    from ({{ changed_handles() }}) as seen
    {{ join_identity('seen_identity', 'seen.platform', 'seen.username') }}
{%- endmacro %}


{#- changed_accounts() as the snapshots showed them (the handles as listed). -#}
{% macro changed_handles() -%}
    select platform, username from {{ ref('stg_nyne__followers') }}
    where {{ staged_since_last_build() }}
    union
    select platform, username from {{ ref('stg_nyne__following') }}
    where {{ staged_since_last_build() }}
    union
    select platform, username from {{ ref('stg_nyne__repliers') }}
    where {{ staged_since_last_build() }}
    union
    select platform, target_username as username from {{ ref('stg_nyne__repliers') }}
    where target_username is not null and {{ staged_since_last_build() }}
    union
    select platform, target as username from {{ ref('stg_nyne__snapshots') }}
    where list_type in ('followers', 'following') and {{ staged_since_last_build() }}
    union
    select platform, target_username as username from {{ ref('stg_nyne__snapshots') }}
    where list_type = 'repliers' and target_username is not null
        and {{ staged_since_last_build() }}
{%- endmacro %}


{#- The data dir's raw/ folder, where the raw assets write each list's Parquet files. -#}
{% macro raw_dir() -%}
    {{ var('data_dir', env_var('SOCIAL_DATA_DIR', '../data')) ~ '/raw/' }}
{%- endmacro %}


{#- read_parquet() of the files `paths` (full paths) and the folder's schema-only file
    `schema_file` (always read, so no new file still gives the columns and their types). -#}
{% macro read_staged_files(paths, schema_file) -%}
    read_parquet([
        {%- for path in paths %}'{{ path | replace("'", "''") }}', {% endfor -%}
        '{{ schema_file | replace("'", "''") }}'
    ], union_by_name=true, hive_partitioning=false)
{%- endmacro %}


{#- The source of a staging model: on an incremental DuckDB build, only the Parquet files of the
    snapshots staged since it last built (listed by the manifest, so no other file is read);
    else every file (or, on PostgreSQL, the raw table). -#}
{% macro staged_list_source(list_type) -%}
    {%- if is_incremental() and target.type == 'duckdb' -%}
        {%- set raw = raw_dir() -%}
        {%- set paths = [] -%}
        {%- if execute -%}
            {%- set found = run_query(
                "select file_path from " ~ ref('stg_nyne__snapshots')
                ~ " where list_type = '" ~ list_type ~ "' and rows_returned > 0 and "
                ~ staged_since_last_build() ~ " order by file_path") -%}
            {%- for path in found.columns[0].values() -%}
                {%- do paths.append(raw ~ path) -%}
            {%- endfor -%}
        {%- endif -%}
        {{ read_staged_files(paths, raw ~ list_type ~ '/_schema.parquet') }}
    {%- else -%}
        {{ source('nyne', list_type) }}
    {%- endif -%}
{%- endmacro %}


{#- The source of stg_nyne__snapshots: on an incremental DuckDB build, only the manifest files
    not staged yet (the folder listed with glob(), less the files of the snapshots staged, whose
    names the staged rows give); else the whole manifest. Reading its thousands of small files
    took 2-4 s of every build. A file left out by mistake is impossible (any file not known
    staged is read); a file read again is harmless (the model keeps only unstaged snapshots). -#}
{% macro staged_manifest_source() -%}
    {%- if is_incremental() and target.type == 'duckdb' -%}
        {%- set quoted_raw = raw_dir() | replace("'", "''") -%}
        {%- set paths = [] -%}
        {%- if execute -%}
            {#- file_path is <list type>/<platform>/<target>/<request_id>.parquet, from the
                names as written; the manifest file is snapshots/<platform>/<target>/... -#}
            {%- set found = run_query(
                "select file from glob('" ~ quoted_raw ~ "snapshots/*/*/*.parquet') "
                ~ "except select '" ~ quoted_raw ~ "snapshots/' "
                ~ "|| substr(file_path, strpos(file_path, '/') + 1) from " ~ this
                ~ " order by 1") -%}
            {%- set paths = found.columns[0].values() -%}
        {%- endif -%}
        {{ read_staged_files(paths, raw_dir() ~ 'snapshots/_schema.parquet') }}
    {%- else -%}
        {{ source('nyne', 'snapshots') }}
    {%- endif -%}
{%- endmacro %}


{#- pre-hook of a model of pairs (mutual_follows, audience_overlap), whose rows can vanish: on an
    incremental build, delete every pair touching a target whose `list_types` lists changed;
    the build then inserts those pairs as they are now. -#}
{% macro delete_pairs_touching_changed(column_a, column_b, list_types) -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where (platform, {{ column_a }}) in (
                select platform, target_username from ({{ changed_lists(list_types) }}) as changed)
            or (platform, {{ column_b }}) in (
                select platform, target_username from ({{ changed_lists(list_types) }}) as changed)
    {%- endif -%}
{%- endmacro %}
