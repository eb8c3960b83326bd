-- One row per followers snapshot of a target: who appeared (gained) and who disappeared (lost)
-- since the target's previous followers snapshot. The first snapshot gains every follower.
-- An empty list (every follower left) is a snapshot too, so its losses show. A cut list
-- (is_truncated) counts no change it cannot know: is_lower_bound marks those rows.
-- Incremental, keyed on the target: a target with a new followers snapshot, or whose own
-- profile a new snapshot shows (profile_followers_count), has all its rows recomputed.
-- depends_on: {{ ref('account_aliases') }}, {{ ref('stg_nyne__followers') }}, {{ ref('stg_nyne__following') }}, {{ ref('stg_nyne__repliers') }}
-- Targets and followers are the accounts' keys (int_follow_edges): a follower seen under its
-- old handle, then its new one, stays (no loss, no gain); a target a rename in view re-keys,
-- or one of whose followers it re-keys, is recomputed (its old key's rows deleted, pre-hook).
{{ config(materialized='incremental', incremental_strategy='delete+insert',
          unique_key=['platform', 'target_username'],
          pre_hook="{{ delete_rows_on_renamed(['target_username']) }}",
          post_hook=record_build_watermark()) }}
with

changed as (

    select platform, target_username from ({{ changed_follower_sets() }}) as lists
    {%- if is_incremental() %}
    union
    select platform, username as target_username from ({{ changed_accounts() }}) as accounts
    {%- endif %}

),

snapshots as (

    select snapshots.* from {{ ref('int_snapshots') }} as snapshots
    {%- if is_incremental() %}
    inner join changed
        on changed.platform = snapshots.platform
        and changed.target_username = snapshots.target_username
    {%- endif %}
    where snapshots.list_type = 'followers'

),

edges as (

    select * from {{ ref('int_follow_edges') }}
    where observed_via = 'followers'
    {%- if is_incremental() %}
        and (platform, target_username) in (select platform, target_username from changed)
    {%- endif %}

),

profiles as (

    select platform, username, followers_count from {{ ref('dim_accounts') }}

),

memberships as (

    -- Each follower of the snapshot (in_current) and of the previous one (in_previous).
    select
        snapshots.snapshot_id,
        edges.follower_username,
        1 as in_current,
        0 as in_previous

    from snapshots
    inner join edges
        on edges.snapshot_id = snapshots.snapshot_id

    union all

    select
        snapshots.snapshot_id,
        edges.follower_username,
        0 as in_current,
        1 as in_previous

    from snapshots
    inner join edges
        on edges.snapshot_id = snapshots.previous_snapshot_id

),

per_follower as (

    select
        snapshot_id,
        follower_username,
        max(in_current) as in_current,
        max(in_previous) as in_previous

    from memberships
    group by snapshot_id, follower_username

),

changes as (

    select
        snapshot_id,
        sum(case when in_current = 1 and in_previous = 0 then 1 else 0 end) as gained,
        sum(case when in_current = 0 and in_previous = 1 then 1 else 0 end) as lost

    from per_follower
    group by snapshot_id

),

final as (

    select
        snapshots.snapshot_id,
        snapshots.platform,
        snapshots.target_username,
        snapshots.request_id,
        snapshots.snapshot_at,
        snapshots.previous_snapshot_at,
        -- The list's size (the target itself left out when the API listed it) beside the
        -- follower count the profile reports: two different numbers, named apart.
        snapshots.row_count - case when snapshots.lists_itself then 1 else 0 end as listed_followers,
        profiles.followers_count as profile_followers_count,
        -- A follower missing from a cut list may still follow, and one in a cut previous list
        -- may have been there before: a change is counted only when the list it rests on is
        -- complete (gains: the previous list; losses: this one), so what is shown never
        -- invents a change, and is a lower bound when either list was cut.
        cast(case when coalesce(snapshots.previous_is_truncated, false) then 0
                  else coalesce(changes.gained, 0) end as bigint) as gained,
        cast(case when snapshots.is_truncated then 0
                  else coalesce(changes.lost, 0) end as bigint) as lost,
        cast(case when snapshots.is_truncated or coalesce(snapshots.previous_is_truncated, false)
                  then null
                  else coalesce(changes.gained, 0) - coalesce(changes.lost, 0) end as bigint) as net,
        snapshots.is_truncated,
        coalesce(snapshots.previous_is_truncated, false) as previous_is_truncated,
        snapshots.is_truncated or coalesce(snapshots.previous_is_truncated, false) as is_lower_bound

    from snapshots
    left join changes
        on changes.snapshot_id = snapshots.snapshot_id
    left join profiles
        on profiles.platform = snapshots.platform
        and profiles.username = snapshots.target_username

)

select
    *,
    -- Which build wrote the row (its start): data tests read the rows written since they
    -- last passed (macros/tests/scope.sql).
    {{ staged_at() }} as built_at

from final
