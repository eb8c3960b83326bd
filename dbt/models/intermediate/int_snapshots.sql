-- One row per follow-list snapshot (a followers or following lookup of a target), in order.
-- An empty result has no row in the raw data, so it has no snapshot here either.
with

followers as (

    select * from {{ ref('stg_nyne__followers') }}

),

following as (

    select * from {{ ref('stg_nyne__following') }}

),

snapshots as (

    select
        snapshot_id,
        platform,
        target_username,
        'followers' as list_type,
        request_id,
        min(snapshot_at) as snapshot_at,
        count(*) as row_count,
        -- The API may list the target among its own followers (or following): a row the
        -- follow edges drop (no self-follows), counted here as the API sent it.
        coalesce(bool_or(username = target_username), false) as lists_itself

    from followers
    group by snapshot_id, platform, target_username, request_id

    union all

    select
        snapshot_id,
        platform,
        target_username,
        'following' as list_type,
        request_id,
        min(snapshot_at) as snapshot_at,
        count(*) as row_count,
        -- The API may list the target among its own followers (or following): a row the
        -- follow edges drop (no self-follows), counted here as the API sent it.
        coalesce(bool_or(username = target_username), false) as lists_itself

    from following
    group by snapshot_id, platform, target_username, request_id

),

ordered as (

    select
        snapshot_id,
        platform,
        target_username,
        list_type,
        request_id,
        snapshot_at,
        row_count,
        lists_itself,
        row_count >= {{ var('max_results', 1000) }} as is_truncated,
        row_number() over target_lists as snapshot_number,
        lag(snapshot_id) over target_lists as previous_snapshot_id,
        lag(snapshot_at) over target_lists as previous_snapshot_at

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

select * from final
