-- One row per follow-list snapshot (a followers or following list a lookup of a target
-- returned), in order. Built from the snapshot manifest, so an empty list is a snapshot too
-- (row_count 0): the one that says every earlier edge into or out of the target is gone.
-- Incremental, keyed on the target's list: a list with a new snapshot has all its rows
-- recomputed (numbers, previous, latest); the others are untouched.
{{ config(materialized='incremental', incremental_strategy='delete+insert',
          unique_key=['platform', 'target_username', 'list_type'],
          post_hook=record_build_watermark()) }}
with

changed as (

    {{ changed_lists(['followers', 'following']) | indent(4) }}

),

manifest as (

    select snapshots.*
    from {{ ref('stg_nyne__snapshots') }} as snapshots
    {%- if is_incremental() %}
    inner join changed
        on changed.platform = snapshots.platform
        and changed.target_username = snapshots.target
        and changed.list_type = snapshots.list_type
    {%- endif %}
    where snapshots.list_type in ('followers', 'following')

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
        manifest.target as target_username,
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
