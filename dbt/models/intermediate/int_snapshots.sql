-- One row per follow-list snapshot (a followers or following list a lookup of a target
-- returned), in order. Built from the snapshot manifest, so an empty list is a snapshot too
-- (row_count 0): the one that says every earlier edge into or out of the target is gone.
-- The target is the account's key: where an id is known, its current handle, so the lists of
-- an account collected under its old and its new handle are one sequence.
-- Incremental, keyed on the target's list: a list with a new snapshot has all its rows
-- recomputed (numbers, previous, latest); the others are untouched. A target being re-keyed
-- (a rename in view, macros/identity.sql) has its rows deleted (pre-hook) and recomputed.
-- depends_on: {{ ref('account_aliases') }}, {{ ref('stg_nyne__followers') }}, {{ ref('stg_nyne__following') }}, {{ ref('stg_nyne__repliers') }}
{{ config(materialized='incremental', incremental_strategy='delete+insert',
          unique_key=['platform', 'target_username', 'list_type'],
          pre_hook="{{ delete_rows_on_renamed(['target_username']) }}",
          post_hook=record_build_watermark()) }}
with

changed as (

    {{ changed_lists(['followers', 'following']) | indent(4) }}
    {%- if is_incremental() %}
    union
    select renamed.platform, renamed.username as target_username, list_types.list_type
    from ({{ renamed_handles() }}) as renamed
    cross join (select 'followers' as list_type union all select 'following') as list_types
    {%- endif %}

),

resolved_manifest as (

    select
        snapshots.*,
        {{ resolved('target_identity', 'snapshots.target') }} as target_key
    from {{ ref('stg_nyne__snapshots') }} as snapshots
    {{ join_identity('target_identity', 'snapshots.platform', 'snapshots.target') }}
    where snapshots.list_type in ('followers', 'following')

),

manifest as (

    select resolved_manifest.*
    from resolved_manifest
    {%- if is_incremental() %}
    inner join changed
        on changed.platform = resolved_manifest.platform
        and changed.target_username = resolved_manifest.target_key
        and changed.list_type = resolved_manifest.list_type
    {%- endif %}

),

followers as (

    select * from {{ ref('stg_nyne__followers') }}
    {%- if is_incremental() %}
    where snapshot_id in (select snapshot_id from manifest)
    {%- endif %}

),

following as (

    select * from {{ ref('stg_nyne__following') }}
    {%- if is_incremental() %}
    where snapshot_id in (select snapshot_id from manifest)
    {%- endif %}

),

listed as (

    -- Accounts per snapshot after de-duplication, and whether the API listed the target
    -- among its own followers (or following): a row the follow edges drop (no self-follows).
    select
        snapshot_id,
        count(*) as row_count,
        coalesce(bool_or(username = target_username), false) as lists_itself

    from followers
    group by snapshot_id

    union all

    select
        snapshot_id,
        count(*) as row_count,
        coalesce(bool_or(username = target_username), false) as lists_itself

    from following
    group by snapshot_id

),

snapshots as (

    select
        manifest.snapshot_id,
        manifest.platform,
        manifest.target_key as target_username,
        manifest.target as collected_username,
        manifest.list_type,
        manifest.request_id,
        manifest.snapshot_at,
        coalesce(listed.row_count, 0) as row_count,
        coalesce(listed.lists_itself, false) as lists_itself,
        manifest.rows_returned,
        manifest.max_results,
        manifest.list_total_count,
        manifest.is_truncated,
        manifest.credits

    from manifest
    left join listed
        on listed.snapshot_id = manifest.snapshot_id

),

ordered as (

    select
        *,
        row_number() over target_lists as snapshot_number,
        lag(snapshot_id) over target_lists as previous_snapshot_id,
        lag(snapshot_at) over target_lists as previous_snapshot_at,
        lag(is_truncated) over target_lists as previous_is_truncated

    from snapshots
    window target_lists as (
        partition by platform, target_username, list_type
        order by snapshot_at, request_id
    )

),

final as (

    select
        *,
        snapshot_number = max(snapshot_number) over (
            partition by platform, target_username, list_type
        ) as is_latest

    from ordered

)

select
    *,
    -- Which build wrote the row (its start): data tests read the rows written since they
    -- last passed (macros/tests/scope.sql).
    {{ staged_at() }} as built_at

from final
