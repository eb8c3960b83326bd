-- Every observation of a follow edge: one row per snapshot that shows `follower_username`
-- following `followed_username`, from a followers list (the target is followed) or a
-- following list (the target follows). Incremental: the rows staged since it last built are
-- appended (a snapshot never changes).
{{ config(materialized='incremental', incremental_strategy='append',
          post_hook=record_build_watermark()) }}
with

followers as (

    select * from {{ ref('stg_nyne__followers') }}
    where {{ staged_since_last_build() }}

),

following as (

    select * from {{ ref('stg_nyne__following') }}
    where {{ staged_since_last_build() }}

),

observed_via_followers as (

    select
        snapshot_id,
        platform,
        username as follower_username,
        target_username as followed_username,
        snapshot_at,
        request_id,
        'followers' as observed_via,
        target_username

    from followers

),

observed_via_following as (

    select
        snapshot_id,
        platform,
        target_username as follower_username,
        username as followed_username,
        snapshot_at,
        request_id,
        'following' as observed_via,
        target_username

    from following

),

unioned as (

    select * from observed_via_followers
    union all
    select * from observed_via_following

),

final as (

    -- An account listed among its own followers is not an edge of the graph.
    select * from unioned
    where follower_username <> followed_username

)

select
    *,
    -- Which build wrote the row (its start): data tests read the rows written since they
    -- last passed (macros/tests/scope.sql).
    {{ staged_at() }} as built_at

from final
