-- One row per pair of accounts that follow each other now (both edges current), once per
-- pair: username_a < username_b.
with

follows as (

    select * from {{ ref('fct_follows') }}
    where is_current

),

final as (

    select
        forward.platform,
        forward.follower_username as username_a,
        forward.followed_username as username_b,
        greatest(forward.first_seen_at, backward.first_seen_at) as first_seen_at

    from follows as forward
    inner join follows as backward
        on backward.platform = forward.platform
        and backward.follower_username = forward.followed_username
        and backward.followed_username = forward.follower_username
    where forward.follower_username < forward.followed_username

)

select * from final
