-- One row per followers snapshot of a target: who appeared (gained) and who disappeared (lost)
-- since the target's previous followers snapshot. The first snapshot gains every follower.
-- A truncated snapshot (is_truncated) may "lose" followers it merely did not list.
with

edges as (

    select * from {{ ref('int_follow_edges') }}
    where observed_via = 'followers'

),

snapshots as (

    select * from {{ ref('int_snapshots') }}
    where list_type = 'followers'

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
        snapshots.row_count - case when snapshots.lists_itself then 1 else 0 end as follower_count,
        cast(coalesce(changes.gained, 0) as bigint) as gained,
        cast(coalesce(changes.lost, 0) as bigint) as lost,
        cast(coalesce(changes.gained, 0) - coalesce(changes.lost, 0) as bigint) as net,
        snapshots.is_truncated

    from snapshots
    left join changes
        on changes.snapshot_id = snapshots.snapshot_id

)

select * from final
