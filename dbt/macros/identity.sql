{#-
  Stable identities: where the API gives an account id (the `actor` entries' `id`), every
  handle the id was seen under is one account, keyed by its CURRENT handle (the one of its
  latest sighting): `account_aliases` holds (platform, account_id, username), and
  `int_account_identities` resolves a handle to its account's current handle. A handle never
  seen with an id resolves to itself (the behaviour before ids: keyed by handle).

  Incremental builds: a snapshot staged since a model last built can change the resolution of
  a handle only if it shows an id that has several handles (a rename) or a handle that several
  ids held; `renamed_handles()` is every handle of every account sharing a handle with those
  (their old and new resolutions included), so a model keyed on handles deletes its rows on
  them and recomputes them. On a build with no rename in view it is empty.
-#}


{#- (platform, account_id) of every account a row staged since the calling model last built
    names by id. -#}
{% macro changed_account_ids() -%}
    select platform, account_id from {{ ref('stg_nyne__followers') }}
    where account_id is not null and {{ staged_since_last_build() }}
    union
    select platform, account_id from {{ ref('stg_nyne__following') }}
    where account_id is not null and {{ staged_since_last_build() }}
    union
    select platform, account_id from {{ ref('stg_nyne__repliers') }}
    where account_id is not null and {{ staged_since_last_build() }}
{%- endmacro %}


{#- (platform, username): the handles whose resolution the snapshots staged since the calling
    model last built may change, with every handle of every account holding one of them.
    `every_account`: start from every account those snapshots name by id (what
    int_account_identities rewrites), not only the renamed or shared ones. -#}
{% macro identity_scope(every_account=false) -%}
    with

    touched as (

        select platform, account_id, username from {{ ref('account_aliases') }}
        where (platform, account_id) in (
            select platform, account_id from ({{ changed_account_ids() }}) as changed_ids)

    ),

    seeds as (

        {%- if every_account %}
        select platform, username from touched
        {%- else %}
        -- An account seen under several handles: all of them.
        select platform, username from touched
        where (platform, account_id) in (
            select platform, account_id from touched
            group by platform, account_id having count(*) > 1)
        union
        -- A handle several accounts held.
        select platform, username from {{ ref('account_aliases') }}
        where (platform, username) in (select platform, username from touched)
        group by platform, username having count(*) > 1
        {%- endif %}

    ),

    holders as (

        select distinct platform, account_id from {{ ref('account_aliases') }}
        where (platform, username) in (select platform, username from seeds)

    )

    select distinct platform, username from {{ ref('account_aliases') }}
    where (platform, account_id) in (select platform, account_id from holders)
{%- endmacro %}


{#- The handles to re-key on an incremental build (nothing on a full one: everything is). -#}
{% macro renamed_handles() -%}
    {%- if is_incremental() -%}
        {{ identity_scope() }}
    {%- else -%}
        select cast(null as varchar) as platform, cast(null as varchar) as username where false
    {%- endif -%}
{%- endmacro %}


{#- The handle an account is keyed by: `column` resolved through the identities joined as
    `alias` (its current handle), itself when it was never seen with an id. -#}
{% macro resolved(alias, column) -%}
    coalesce({{ alias }}.current_username, {{ column }})
{%- endmacro %}


{#- Join the identities as `alias` on (platform_column, username_column). -#}
{% macro join_identity(alias, platform_column, username_column) -%}
    left join {{ ref('int_account_identities') }} as {{ alias }}
        on {{ alias }}.platform = {{ platform_column }}
        and {{ alias }}.username = {{ username_column }}
{%- endmacro %}


{#- The handles as seen in the snapshots (raw) that resolve into `scope_sql`, a select of
    (platform, username) current handles: the handles themselves and their aliases. -#}
{% macro observed_handles_of(scope_sql) -%}
    select platform, username from ({{ scope_sql }}) as scope_handles
    union
    select platform, username from {{ ref('int_account_identities') }}
    where (platform, current_username) in (
        select platform, username from ({{ scope_sql }}) as scope_current)
{%- endmacro %}


{#- pre-hook of a model keyed on handles: on an incremental build, delete its rows whose
    `columns` hold a handle being re-keyed; the build inserts them as they resolve now. -#}
{% macro delete_rows_on_renamed(columns) -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where {% for column in columns %}(platform, {{ column }}) in (
                select platform, username from ({{ renamed_handles() }}) as renamed)
            {{- " or " if not loop.last }}{% endfor %}
    {%- endif -%}
{%- endmacro %}


{#- (platform, target_username) of every target whose set of followers the snapshots staged
    since the calling model last built can change: its followers list changed, it is being
    re-keyed, or one of its followers is (a rename in view). -#}
{% macro changed_follower_sets() -%}
    select platform, target_username from ({{ changed_lists(['followers']) }}) as lists
    {%- if is_incremental() %}
    union
    select platform, username as target_username from ({{ renamed_handles() }}) as renamed
    union
    select platform, target_username from {{ ref('int_follow_edges') }}
    where observed_via = 'followers'
        and (platform, follower_username) in (
            select platform, username from ({{ renamed_handles() }}) as renamed_followers)
    {%- endif %}
{%- endmacro %}


{#- pre-hook of a model of pairs: on an incremental build, delete every pair whose
    `column_a` or `column_b` is in `scope_sql`, a select of (platform, target_username). -#}
{% macro delete_pairs_touching(column_a, column_b, scope_sql) -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where (platform, {{ column_a }}) in (
                select platform, target_username from ({{ scope_sql }}) as scope_a)
            or (platform, {{ column_b }}) in (
                select platform, target_username from ({{ scope_sql }}) as scope_b)
    {%- endif -%}
{%- endmacro %}
